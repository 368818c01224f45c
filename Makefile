# Red Shopping: one command runs the shop (`make up`), one runs every test (`make test`).
#
# Build artefacts live outside the clone so that a fresh checkout (and CI) reuses the
# compiled wasmtime instead of rebuilding it every time.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/redshop-target

CARGO      ?= cargo
WASM_TARGET = wasm32-wasip2
WASM_DIR    = $(CARGO_TARGET_DIR)/$(WASM_TARGET)/wasm
# Components, built for the guest target.
COMPONENTS ?= product user gateway order notification storefront
# Services with a PostgreSQL database of their own, `<service>s_db` on $(PG_SERVER).
SERVICES   ?= product user order notification
# Where spin.toml's `source`s point: built components are copied beside the manifest so the
# same relative paths work for redshop and for real `spin up`, wherever CARGO_TARGET_DIR is.
APP_WASM_DIR = target/wasm
# The PostgreSQL server every service database lives on (`make db` creates them). Loopback
# PostgreSQL offers a self-signed certificate, so the defaults ask for a plain connection.
PG_SERVER  ?= postgres://postgres@127.0.0.1:5432
PG_OPTIONS ?= sslmode=disable
DBCTL       = $(CARGO_TARGET_DIR)/release/dbctl
LISTEN     ?= 127.0.0.1:3000
ADMIN      ?= 127.0.0.1:9090

.PHONY: all build build-host build-components build-frontend build-dbctl db keys up test test-frontend test-browser lint fmt clean-cache setup services

all: build

# wasm32-wasip1 builds the host's test guests made with older spin-sdk releases (core modules).
setup:
	@rustup target list --installed 2>/dev/null | grep -qx $(WASM_TARGET) || rustup target add $(WASM_TARGET)
	@rustup target list --installed 2>/dev/null | grep -qx wasm32-wasip1 || rustup target add wasm32-wasip1

build: setup build-host build-components build-frontend

build-host:
	$(CARGO) build --release -p redshop

build-components: setup
	@if [ -n "$(COMPONENTS)" ]; then \
	  $(CARGO) build --target $(WASM_TARGET) --profile wasm $(addprefix -p ,$(COMPONENTS)) && \
	  mkdir -p $(APP_WASM_DIR) && \
	  for c in $(COMPONENTS); do cp $(WASM_DIR)/$$(echo $$c | tr - _).wasm $(APP_WASM_DIR)/; done; \
	fi

# The web shop (frontend/dist, served by the storefront component): `npm ci` when the lock
# file is newer than the installed packages, then the Vite build.
build-frontend:
	@cd frontend && if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then npm ci --no-audit --no-fund; fi
	cd frontend && npm run build

# The browser tests: the whole shop on a free port, driven by Debian's Chromium through
# playwright-core (tests/browser/README.md).
test-browser: build-frontend
	bash tests/browser/run.sh

build-dbctl:
	$(CARGO) build --release -p redshop-dbctl

# Every service database: create if missing, apply pending migrations, seed the demo data
# (each service's seed is skipped when its data is already there). Idempotent; `make up`
# runs it. The names match spin.toml's `<service>_db_url` defaults.
db: services build-dbctl
	@set -e; for s in $(SERVICES); do \
	  url="$(PG_SERVER)/$${s}s_db?$(PG_OPTIONS)"; \
	  $(DBCTL) migrate --create --database-url "$$url" --service $$s; \
	  $(DBCTL) seed --database-url "$$url" --service $$s; \
	done

# The access-token signing key: generated into .env (git-ignored) on the first run.
keys:
	@bash scripts/keys.sh .env

up: build db keys
	$(CARGO_TARGET_DIR)/release/redshop up --from spin.toml --runtime-config-file runtime-config.toml \
	  --listen $(LISTEN) --admin-listen $(ADMIN)

services:
	@bash scripts/services.sh

# Every test: each crate of the workspace, `components/*` and the host's fixture guests
# included (they build natively for their unit tests as well as for wasm32-wasip2), then the
# frontend's unit tests and the browser tests of the whole shop.
test: setup services
	$(CARGO) test --workspace --no-fail-fast
	$(MAKE) --no-print-directory test-bench
	$(MAKE) --no-print-directory test-frontend test-browser

# The frontend's unit tests (Vitest).
test-frontend: build-frontend
	cd frontend && npm test

lint:
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) fmt --all --check

fmt:
	$(CARGO) fmt --all

clean-cache:
	rm -rf .redshop

# Runtime benchmark: redshop against `wasmtime serve` and a native server (bench/README.md).
.PHONY: bench bench-quick
bench: build
	python3 bench/run.py
bench-quick:
	python3 bench/run.py --quick

# The bench's statistics, targets and result comparison: Python unit tests, no servers, <1 s.
.PHONY: test-bench
test-bench:
	cd bench && python3 -B -m unittest discover -s harness -t .
