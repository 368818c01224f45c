#!/usr/bin/env bash
# Make sure the servers the shop and its tests use are up: PostgreSQL on 127.0.0.1:5432,
# Redis on 127.0.0.1:6379 and Mosquitto (MQTT) on 127.0.0.1:1883. A server already listening is left alone; one that is
# installed but stopped is started; one that is missing is installed from Debian's
# packages (when running as root with apt-get) and started.
set -euo pipefail

PG_PORT="${PG_PORT:-5432}"
REDIS_PORT="${REDIS_PORT:-6379}"
MQTT_PORT="${MQTT_PORT:-1883}"

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for() {
  local name=$1 port=$2
  for _ in $(seq 1 50); do
    listening "$port" && return 0
    sleep 0.2
  done
  echo "services: $name did not come up on 127.0.0.1:$port" >&2
  return 1
}

apt_install() {
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "services: installing $* from Debian's packages" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null
  else
    echo "services: $* missing; install it (needs root and apt-get)" >&2
    return 1
  fi
}

ensure_postgres() {
  listening "$PG_PORT" && return 0
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    apt_install postgresql
  fi
  local version
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
  wait_for PostgreSQL "$PG_PORT"
  # Tests and `make up` connect as `postgres` over TCP without a password, as on CI.
  local hba="/etc/postgresql/$version/main/pg_hba.conf"
  if ! grep -q '^host all all 127.0.0.1/32 trust' "$hba"; then
    sed -i '1i host all all 127.0.0.1/32 trust' "$hba"
    pg_ctlcluster --skip-systemctl-redirect "$version" main reload
  fi
}

ensure_redis() {
  listening "$REDIS_PORT" && return 0
  command -v redis-server >/dev/null 2>&1 || apt_install redis-server
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no
  wait_for Redis "$REDIS_PORT"
}

ensure_mosquitto() {
  listening "$MQTT_PORT" && return 0
  # Debian puts the broker in /usr/sbin, which is not on every PATH.
  local broker
  broker=$(command -v mosquitto || echo /usr/sbin/mosquitto)
  if [ ! -x "$broker" ]; then
    apt_install mosquitto
    broker=$(command -v mosquitto || echo /usr/sbin/mosquitto)
  fi
  # Loopback only, anonymous, nothing kept on disk: what the guest-program tests expect
  # (a test that needs a password starts a broker of its own).
  local conf="${TMPDIR:-/tmp}/redshop-mosquitto.conf"
  printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' "$MQTT_PORT" >"$conf"
  "$broker" -d -c "$conf"
  wait_for Mosquitto "$MQTT_PORT"
}

ensure_postgres
ensure_redis
ensure_mosquitto
