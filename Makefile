# 县属乡用 — county-owned, township-used stationed staff.
# A newcomer needs two targets: `make run` and `make test`. Both install what is missing.

PYTHON_BIN ?= $(shell command -v python3.11 || command -v python3)
VENV       := .venv
PY         := $(VENV)/bin/python
PY_STAMP   := $(VENV)/.installed
NODE_STAMP := gateway/node_modules/.installed
BROWSER_STAMP := tests/browser/node_modules/.installed
# The web console: npm packages from web/package-lock.json, built once into web/dist (served by `make run`).
WEB_STAMP  := web/node_modules/.installed
WEB_BUILD  := web/dist/index.html
WEB_SOURCES := $(shell find web/src web/public -type f 2>/dev/null) web/index.html web/vite.config.ts web/tsconfig.json
# Browser tests drive the distribution's Chromium (no tool may download a browser here).
CHROMIUM   := $(shell command -v chromium || echo /usr/bin/chromium)
CJK_FONT   := /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
SUDO       := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
# Load comes from wrk (C, from the distribution), never from the interpreter being measured.
WRK        := $(shell command -v wrk || echo /usr/bin/wrk)
# `make deploy-check` runs the alert rules through promtool (Debian's prometheus package).
PROMTOOL   := $(shell command -v promtool || echo /usr/bin/promtool)
SERVICES   := servicekit identity personnel assessment platform notifications

VERSION    ?= 0.1.0
IMAGES     := identity personnel assessment platform notifications

.PHONY: install run test lint web-check mutation supergraph supergraph-check deploy-check images bench chaos clean

install: $(PY_STAMP) $(NODE_STAMP)

$(PY_STAMP): requirements.lock requirements-dev.lock $(foreach s,$(SERVICES),services/$(s)/pyproject.toml)
	test -x $(PY) || $(PYTHON_BIN) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps $(foreach s,$(SERVICES),-e services/$(s))
	touch $@

$(NODE_STAMP): gateway/package-lock.json
	cd gateway && npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(BROWSER_STAMP): tests/browser/package-lock.json
	cd tests/browser && npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(WEB_STAMP): web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(WEB_BUILD): $(WEB_STAMP) $(WEB_SOURCES)
	cd web && npm run build --silent

$(CHROMIUM):
	$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends chromium

# CJK fonts, so the console's screenshots (test artefacts, README) show Chinese, not boxes.
$(CJK_FONT):
	$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends fonts-noto-cjk

$(PROMTOOL):
	$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends prometheus

$(WRK):
	$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends wrk

## Start PostgreSQL (embedded unless DATABASE_URL is set), migrate, load demo data, start
## identity :4001, personnel :4002, assessment :4003, platform :4004, the gateway :4000 and the web console :4080.
run: install $(WEB_BUILD)
	$(PY) tools/devstack.py

## The whole suite: deployment checks, kernel, services, end-to-end through the real gateway.
test: install $(BROWSER_STAMP) $(CHROMIUM) $(CJK_FONT) $(WRK) $(WEB_BUILD) lint web-check deploy-check
	CHROMIUM=$(CHROMIUM) $(PY) -m pytest $(PYTEST_ARGS)

## Lint (ruff.toml): pyflakes, whitespace, import order, bugbear.
lint: $(PY_STAMP)
	$(PY) -m ruff check services tools tests benchmarks
	$(PY) -m ruff format --check --quiet services tools tests benchmarks

## The console's own checks: generated types match the schema (graphql-codegen --check), unit tests (Vitest).
## Type checking runs in its build.
web-check: $(WEB_STAMP)
	cd web && npm run --silent codegen:check && npm test --silent

## Render every kustomize overlay, validate it strictly, hold it to the deployment policy, lint Dockerfiles.
deploy-check: $(PY_STAMP) $(PROMTOOL)
	$(PY) tools/deploy_check.py

## Speed figures (not part of make test): roster pages and the annual excellence flow at province size,
## grid-event intake and the dispatch round trip through the real gateway.
bench: $(PY_STAMP) $(NODE_STAMP) $(WRK) $(WEB_BUILD)
	$(PY) benchmarks/goals.py
	$(PY) benchmarks/roster_page.py

## Mutation testing (mutmut) of the rule and policy modules against each service's in-process tests;
## slow, not part of make test. Prints the kill rate per module and the survivors; writes docs/mutation.md.
mutation: $(PY_STAMP)
	$(PY) tools/mutation.py $(MODULES)

## Faults under load on a stack of its own (embedded PostgreSQL in .data/pg-chaos, really restarted):
## kill -9 platform, kill -9 personnel, database restart; prints what was refused and how fast it recovered.
chaos: $(PY_STAMP) $(NODE_STAMP)
	$(PY) tools/chaos.py

## Build the service images and the console's where a Docker engine runs (the gateway uses the official Hive Gateway image).
images:
	@if docker info >/dev/null 2>&1; then \
	  for s in $(IMAGES); do docker build -f services/$$s/Dockerfile -t county/$$s:$(VERSION) . || exit 1; done; \
	  docker build -f web/Dockerfile -t county/console:$(VERSION) . || exit 1; \
	else echo "no Docker engine on this machine: images are built by the release pipeline; make deploy-check lints the Dockerfiles"; fi

## Regenerate the subgraph SDL files and the composed supergraph (commit both).
supergraph: $(PY_STAMP) $(NODE_STAMP)
	$(PY) tools/export_sdl.py
	cd gateway && node compose.mjs
	$(PY) tools/deploy_check.py --sync

supergraph-check: $(PY_STAMP) $(NODE_STAMP)
	$(PY) tools/export_sdl.py --check
	cd gateway && node compose.mjs --check

clean:
	rm -rf .data $(VENV) gateway/node_modules tests/browser/node_modules web/node_modules web/dist
