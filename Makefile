# Glavito: `make run` and `make test` are the two commands; `make help` lists the rest.
SHELL := /bin/bash
.DEFAULT_GOAL := help
N ?= 2

.PHONY: help deps run test build db-up db-down db-reset migrate workers chaos bench fuzz fmt clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

deps: ## Install missing system packages (apt-get)
	@infra/deps.sh

run: deps build ## Start PostgreSQL, migrate, load tenants/, run two workers and the control plane on :8080
	@infra/run.sh

test: ## Run the whole suite against a throwaway PostgreSQL (installs what is missing first)
	@infra/deps.sh test
	@infra/test.sh

build: deps ## Release build; bin/glavito and bin/glavito-worker link to the binaries
	swift build -c release --product glavito
	swift build -c release --product glavito-worker
	@mkdir -p bin
	@ln -sf "$$(swift build -c release --show-bin-path)/glavito" bin/glavito
	@ln -sf "$$(swift build -c release --show-bin-path)/glavito-worker" bin/glavito-worker

db-up: ## Start the local PostgreSQL (created on first use in .data/)
	@infra/postgres.sh start

db-down: ## Stop the local PostgreSQL
	@infra/postgres.sh stop

db-reset: ## Delete the local cluster and its data, then create it again and migrate
	@infra/workers.sh stop || true
	@infra/postgres.sh stop || true
	rm -rf .data/pg .data/glavito.env .data/pg-socket
	@$(MAKE) --no-print-directory migrate

migrate: db-up ## Apply pending migrations to the local database
	@test -x bin/glavito || $(MAKE) --no-print-directory build
	@set -a; . .data/glavito.env; set +a; bin/glavito migrate

workers: ## Scale local workers: make workers N=4
	@infra/workers.sh scale $(N)

chaos: build ## SIGKILL local workers at random while probe jobs drain; fails if a job is lost or runs its effect twice
	@infra/chaos.sh

bench: ## Run the benchmarks (bench/*.sh)
	@infra/bench.sh

fuzz: ## Fuzz the MIME parser with libFuzzer: make fuzz FUZZ_SECONDS=600 (default 60)
	@infra/fuzz.sh $(or $(FUZZ_SECONDS),60)

fmt: ## Format the Swift sources with swift-format
	swift format --in-place --recursive Core ControlPlane Worker Tests Package.swift

clean: ## Remove build products (keeps the database)
	rm -rf .build bin
