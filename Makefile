# 施策ナビ — two commands do all the set-up on a fresh machine:
#   make run    set up, build the index on first use, and start the chat app on 127.0.0.1:7860
#   make test   set up (Python packages, Debian's chromium for browser tests) and run every check
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test setup system-deps lint eval-guard index clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found (Python >= 3.11 needed)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# torch first and pinned: this exact version resolves to the CPU build here.
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

# Browser tests drive Debian's Chromium; never a downloaded browser.
# A bare Debian has no Japanese font, so Chromium would draw the page's Japanese as boxes.
# The storage tests start their own PostgreSQL server from Debian's binaries.
system-deps:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing="$$missing fonts-noto-cjk"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian's$$missing for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

index: $(STAMP)
	$(PY) -m bot index build

run: $(STAMP)
	$(PY) app.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .

eval-guard: $(STAMP)
	$(PY) -m eval run --guard

test: $(STAMP) system-deps
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -q -rs
	$(PY) -m eval run --guard

clean:
	rm -rf var artifacts
