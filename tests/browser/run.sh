#!/usr/bin/env bash
# The storefront's browser tests (README.md beside this file): Debian's Chromium (installed
# with apt when missing; no browser is ever downloaded), playwright-core from the npm
# registry, the built frontend, and a whole shop started by `shop-up` on a free port.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/redshop-target}"

if [ ! -x /usr/bin/chromium ]; then
  echo "browser tests: installing Debian's chromium" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

cd "$here"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

if [ ! -f "$root/frontend/dist/index.html" ]; then
  (cd "$root" && make build-frontend)
fi

# The shop harness and the tool that makes the test admin.
(cd "$root" && cargo build --quiet -p redshop-e2e --bin shop-up && cargo build --quiet -p redshop-dbctl)
export SHOP_UP="$CARGO_TARGET_DIR/debug/shop-up"
export DBCTL="$CARGO_TARGET_DIR/debug/dbctl"

node --test --test-concurrency=1 shop.test.mjs
# The same story on real Spin when REDSHOP_TEST_SPIN names a `spin` binary (relative paths
# are taken from the repository root, as the Rust tests take them).
if [ -n "${REDSHOP_TEST_SPIN:-}" ]; then
  spin="$REDSHOP_TEST_SPIN"
  case "$spin" in /*) ;; *) spin="$root/$spin" ;; esac
  SHOP_SPIN="$spin" node --test --test-concurrency=1 shop.test.mjs
else
  echo "browser tests: skipped on real Spin: set REDSHOP_TEST_SPIN to a spin binary to run them there too" >&2
fi
