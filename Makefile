# Two commands for a new user on Debian: `make demo` and `make test`. Both set up what they need.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
APT_PACKAGES := tesseract-ocr tesseract-ocr-eng tesseract-ocr-osd ghostscript poppler-utils \
                fonts-dejavu-core python3-venv redis-server postgresql chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PYTEST_ARGS ?=

.PHONY: setup system-deps demo test lint bench-accuracy bench-speed bench-ui clean

setup: $(VENV)/.installed

system-deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

$(VENV)/.installed: pyproject.toml
	$(MAKE) system-deps
	[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

demo: setup
	$(BIN)/intake process samples/referrals
	@pw=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(12))'); \
	if printf '%s\n' "$$pw" | $(BIN)/intake users add demo --role admin --password-stdin >/dev/null 2>&1; then \
	  echo "demo user: demo  password: $$pw  (shown once)"; \
	else echo "demo user already exists (password was shown when it was created)"; fi
	@echo "review workspace: http://127.0.0.1:8000/  (Ctrl-C stops)"
	$(BIN)/intake serve --host 127.0.0.1 --port 8000

test: setup
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .

bench-accuracy: setup
	$(BIN)/python -m bench.accuracy

bench-speed: setup
	$(BIN)/python -m bench.speed

bench-ui: setup
	$(BIN)/python -m bench.ui

clean:
	rm -rf data .pytest_cache
