# The one interface for people and CI. `make up` runs the platform, `make test` runs the tests;
# both install what they need (a virtualenv, RabbitMQ from the OS packages).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SERVICES := intake risk warning inspection archive partners
PYTEST := $(BIN)/pytest
ROLE ?= warning_officer
COUNTY ?= 130402

.PHONY: install up down status test test-unit test-interface test-contracts test-e2e test-ops test-browser \
        system-tools web lint format \
        bench contracts deploy-check token broker broker-stop dead-letters replay-dead-letters clean

$(BIN)/.installed: constraints.txt requirements-dev.txt common/pyproject.toml tools/pyproject.toml web/gateway/pyproject.toml \
                   $(foreach s,$(SERVICES),services/$(s)/pyproject.toml)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -c constraints.txt \
	  -e common -e tools -e web/gateway $(foreach s,$(SERVICES),-e services/$(s)) -r requirements-dev.txt
	touch $@

install: $(BIN)/.installed

broker: install
	scripts/broker.sh start

broker-stop:
	scripts/broker.sh stop

# The front ends, built from their lock files (node 20 is on the machine; Vite 8 needs >= 20.19).
# `npm install --no-save` installs exactly the locked versions and writes nothing; `npm ci` refuses
# these locks because Vite 8 names an optional Windows-only package the registry does not serve.
.SECONDEXPANSION:
web/%/dist/index.html: web/%/package-lock.json web/%/index.html $$(shell find web/$$*/src web/$$*/public web/shared -type f 2>/dev/null)
	cd web/$* && npm install --no-save --no-audit --no-fund --loglevel=error && npm run build --silent

web: web/console/dist/index.html web/portal/dist/index.html

# The browser tests' OpenID Connect provider (panva's oidc-provider, tests/browser/oidc), from its lock file.
OIDC_PROVIDER := tests/browser/oidc/node_modules/.package-lock.json
$(OIDC_PROVIDER): tests/browser/oidc/package-lock.json tests/browser/oidc/package.json
	cd tests/browser/oidc && npm ci --no-audit --no-fund --loglevel=error

up: install web
	scripts/up.sh

down:
	scripts/down.sh

status:
	scripts/up.sh status

# Unit tests need no broker; the other rings use the real local RabbitMQ, started here and
# stopped again if this run started it.
test: install lint system-tools web $(OIDC_PROVIDER)
	scripts/with-broker.sh $(PYTEST) tests -q

# Debian packages the tests need, installed when missing: promtool (prometheus, nothing is
# started) for the alert rules, chromium and a Chinese font for the browser tests.
SYSTEM_TOOLS := /usr/bin/promtool:prometheus /usr/bin/chromium:chromium \
                /usr/share/fonts/truetype/arphic/uming.ttc:fonts-arphic-uming
system-tools:
	@missing=""; for t in $(SYSTEM_TOOLS); do [ -e "$${t%%:*}" ] || missing="$$missing $${t##*:}"; done; \
	if [ -n "$$missing" ]; then sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; echo "installing$$missing"; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 \
	  $$sudo apt-get install -y -qq --no-install-recommends $$missing >/dev/null; fi

test-browser: install system-tools web $(OIDC_PROVIDER)
	scripts/with-broker.sh $(PYTEST) tests/browser --confcutdir=tests/browser -q

test-unit: install
	$(PYTEST) tests/unit -q

test-interface test-contracts test-e2e test-ops: test-%: install
	scripts/with-broker.sh $(PYTEST) tests/$* -q

lint: install
	$(BIN)/ruff check common tools services tests scripts benchmarks web/gateway
	$(BIN)/ruff format --check common tools services tests scripts benchmarks web/gateway
	# Domain rules and every handlers module are typed (CONVENTIONS.md).
	$(BIN)/mypy --ignore-missing-imports services/*/wuying_*/domain services/*/wuying_*/handlers* \
	  common/wuying_common/calendar.py common/wuying_common/rules.py

format: install
	$(BIN)/ruff check --fix common tools services tests scripts benchmarks web/gateway
	$(BIN)/ruff format common tools services tests scripts benchmarks web/gateway

contracts: install
	$(BIN)/python scripts/contracts.py write contracts

bench: install system-tools web
	scripts/with-broker.sh $(BIN)/python -m benchmarks

deploy-check: install
	$(BIN)/python scripts/deploy_check.py deploy

token: install
	@$(BIN)/wuying token --role $(ROLE) --county $(COUNTY)

dead-letters: install
	$(BIN)/wuying dead-letters list

replay-dead-letters: install
	$(BIN)/wuying dead-letters replay

clean: down
	rm -rf $(VENV) .run
