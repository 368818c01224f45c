#!/usr/bin/env bash
# Make sure the env file named by $1 (default .env) sets SPIN_VARIABLE_JWT_SIGNING_KEYS, the
# secret the user service signs access tokens with (docs/contracts.md, Tokens and sessions).
# An existing key is kept, so sessions survive a restart; a new one is 32 random bytes,
# base64url, under a kid that records when it was made. The file is git-ignored.
set -euo pipefail
file="${1:-.env}"
if [ -n "${SPIN_VARIABLE_JWT_SIGNING_KEYS:-}" ]; then exit 0; fi
if [ -f "$file" ] && grep -q '^SPIN_VARIABLE_JWT_SIGNING_KEYS=' "$file"; then exit 0; fi
seed=$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
kid="k$(date -u +%Y%m%d%H%M%S)"
umask 077
printf 'SPIN_VARIABLE_JWT_SIGNING_KEYS=%s:%s\n' "$kid" "$seed" >> "$file"
echo "keys: wrote a new signing key ($kid) to $file" >&2
