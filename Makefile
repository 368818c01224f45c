# Red Shopping: one command runs the shop (`make up`), one runs every test (`make test`).
#
# Build artefacts live outside the clone so that a fresh checkout (and CI) reuses the
# compiled wasmtime instead of rebuilding it every time.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/redshop-target

CARGO      ?= cargo
WASM_TARGET = wasm32-wasip2
WASM_DIR    = $(CARGO_TARGET_DIR)/$(WASM_TARGET)/wasm
# Service components, built for the guest target (added as each service lands).
COMPONENTS ?= product
# Where spin.toml's `source`s point: built components are copied beside the manifest so the
# same relative paths work for redshop and for real `spin up`, wherever CARGO_TARGET_DIR is.
APP_WASM_DIR = target/wasm
# The product service's database: created, migrated and seeded by `make db`.
PRODUCT_DB_URL ?= postgres://postgres@127.0.0.1:5432/products_db
LISTEN     ?= 127.0.0.1:3000
ADMIN      ?= 127.0.0.1:9090

.PHONY: all build build-host build-components build-dbctl db up test lint fmt clean-cache setup services

all: build

setup:
	@rustup target list --installed 2>/dev/null | grep -qx $(WASM_TARGET) || rustup target add $(WASM_TARGET)

build: setup build-host build-components

build-host:
	$(CARGO) build --release -p redshop

build-components: setup
	@if [ -n "$(COMPONENTS)" ]; then \
	  $(CARGO) build --target $(WASM_TARGET) --profile wasm $(addprefix -p ,$(COMPONENTS)) && \
	  mkdir -p $(APP_WASM_DIR) && \
	  for c in $(COMPONENTS); do cp $(WASM_DIR)/$$(echo $$c | tr - _).wasm $(APP_WASM_DIR)/; done; \
	fi

build-dbctl:
	$(CARGO) build --release -p redshop-dbctl

# Every service database: create if missing, apply pending migrations, seed the demo data
# (seeding is skipped when the catalog has products). Idempotent; `make up` runs it.
db: services build-dbctl
	$(CARGO_TARGET_DIR)/release/dbctl migrate --create --database-url $(PRODUCT_DB_URL) --service product
	$(CARGO_TARGET_DIR)/release/dbctl seed --database-url $(PRODUCT_DB_URL) --service product

up: build db
	SPIN_VARIABLE_PRODUCT_DB_URL=$(PRODUCT_DB_URL) \
	$(CARGO_TARGET_DIR)/release/redshop up --from spin.toml --runtime-config-file runtime-config.toml \
	  --listen $(LISTEN) --admin-listen $(ADMIN)

services:
	@bash scripts/services.sh

test: setup services
	$(CARGO) test --no-fail-fast

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
