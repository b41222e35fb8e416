# cityportal: two commands for a fresh machine.
#   make run    install into .venv, migrate, load the demo when the database is empty, serve on :8000
#               with a background task worker and the scheduler beside it (manage.py run_portal)
#   make test   install what the tests need (Python packages, Chromium, fonts, axe-core) and run them all

SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

# The newest Python 3.12+ that actually runs here (pyenv shims may exist without a working interpreter).
PYTHON_CANDIDATES := python3.14 python3.13 python3.12 \
	$(sort $(wildcard $(HOME)/.pyenv/versions/3.1[2-9]*/bin/python3)) \
	$(wildcard /usr/local/bin/python3.1[2-9] /usr/bin/python3.1[2-9]) python3
find_python = $(firstword $(foreach p,$(PYTHON_CANDIDATES),$(shell $(p) -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && command -v $(p))))

.PHONY: help run test install test-deps browser-deps demo-deps lint format messages bench search-quality clean

help:
	@echo "make run    serve the portal with demo content on http://$(HOST):$(PORT)"
	@echo "make test   run the whole test suite (SQLite; DATABASE_URL/REDIS_URL select PostgreSQL/Redis)"
	@echo "make lint   ruff check and format check     make bench   benchmarks under bench/"

$(VENV)/.installed: requirements.lock pyproject.toml
	@py="$(call find_python)"; \
	if [ -z "$$py" ]; then \
	  echo "No Python 3.12 or newer found (Django 6 needs it). Install python3.12 or python3.13 and run make again." >&2; \
	  exit 1; \
	fi; \
	if [ ! -x $(PY) ]; then echo "Creating $(VENV) with $$py"; "$$py" -m venv $(VENV); fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	@touch $@

install: $(VENV)/.installed

run:
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory install && \
	$(MAKE) --no-print-directory demo-deps && \
	$(PY) manage.py migrate --noinput && \
	$(PY) manage.py load_demo --if-empty && \
	echo "Ready in $$(( $$(date +%s) - start )) s from the start of make run (budget on a fresh clone: 5 minutes)." && \
	exec $(PY) manage.py run_portal $(HOST):$(PORT)

# The demo's policy PDFs (WeasyPrint) need Pango and the Noto fonts for Chinese, Japanese, Korean and Arabic,
# from Debian. Without them the demo still loads, without PDFs, and says what to install: so never fail here.
demo-deps:
	@missing=""; \
	for package in fonts-noto-cjk fonts-noto-core libpango-1.0-0 libpangoft2-1.0-0; do \
	  dpkg -s $$package >/dev/null 2>&1 || missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing Debian packages for the demo's PDFs:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q $$missing >/dev/null || \
	    echo "Could not install$$missing with apt-get: the demo loads without policy PDFs until they are installed." >&2; \
	elif [ -n "$$missing" ]; then \
	  echo "Not a Debian system: install Pango and the Noto CJK and Arabic fonts for the demo's policy PDFs." >&2; \
	fi

# Chromium, CJK/Arabic fonts and gettext (msgfmt) come from Debian (never a downloaded browser); axe-core from npm.
browser-deps:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing="$$missing fonts-noto-cjk"; \
	dpkg -s fonts-noto-core >/dev/null 2>&1 || missing="$$missing fonts-noto-core"; \
	command -v msgfmt >/dev/null 2>&1 || missing="$$missing gettext"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q $$missing >/dev/null || \
	    { echo "Could not install$$missing with apt-get: install them, then run make test again." >&2; exit 1; }; \
	fi
	@[ -f node_modules/axe-core/axe.min.js ] || npm ci --no-audit --no-fund --silent

test-deps: install browser-deps

test: test-deps
	@start=$$(date +%s); \
	$(PY) -m pytest $(PYTEST_ARGS); status=$$?; \
	echo "make test took $$(( $$(date +%s) - start )) s"; exit $$status

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Extract interface strings into the nine catalogues and compile them (the .mo files are committed).
messages: install
	cd cityportal && ../$(PY) ../manage.py makemessages --no-obsolete --no-location --ignore='*/tests/*' $(foreach l,zh_Hans ko ja de fr es ru ar,-l $(l))
	$(PY) manage.py compilemessages --ignore=.venv

# The foundation benchmark (2–3 minutes), then the procedures one (builds 300 guides × 9 languages: 10–15 minutes),
# then the booking one (3,000 bookings through the API: 3–5 minutes).
bench: install
	$(PY) bench/run.py
	$(PY) bench/procedures.py
	$(PY) bench/bookings.py
	$(PY) bench/news.py
	$(PY) bench/search.py

# Search relevance (docs/search.md): MRR@10 and recall@5 per language on SQLite and PostgreSQL, with the
# 300 generated guides as distractors. The first run builds its databases (20–30 minutes), later ones ~4.
search-quality: install
	$(PY) bench/search_quality.py

clean:
	rm -rf $(VENV) var node_modules db.sqlite3 db.sqlite3-wal db.sqlite3-shm
