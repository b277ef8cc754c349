# teachnet: `make demo` serves a demo on http://127.0.0.1:8000, `make test` runs the whole suite.
# Everything beyond Python 3.11 that the project needs (npm packages, Debian's Chromium for browser tests,
# Debian's ffmpeg for video uploads) is installed here, or the target stops and says exactly what to install.

SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
VAR := var
VENDOR := src/teachnet/static/vendor
APT_GET := DEBIAN_FRONTEND=noninteractive apt-get

.PHONY: demo test lint serve install assets browser media-tools clean-demo

$(BIN)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "teachnet needs Python >= 3.11: install python3.11 (apt-get install python3.11 python3.11-venv) or run make PYTHON=/path/to/python3.11")'
	@$(PYTHON) -m venv --help >/dev/null 2>&1 || { echo "Python's venv module is missing: apt-get install python3-venv"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed

# Front-end packages from the npm registry, pinned by package-lock.json and served by the app (no CDN).
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then $(APT_GET) update -qq && $(APT_GET) install -y -qq npm; \
	  else echo "npm is missing: install Node.js and npm (sudo apt-get install npm), then run make again"; exit 1; fi; }
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)/htmx $(VENDOR)/echarts
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/echarts/
	rm -rf $(VENDOR)/quill && mkdir -p $(VENDOR)/quill
	cp node_modules/quill/dist/quill.js node_modules/quill/dist/quill.js.map node_modules/quill/dist/quill.snow.css node_modules/quill/dist/quill.snow.css.map $(VENDOR)/quill/
	rm -rf $(VENDOR)/pdfjs && mkdir -p $(VENDOR)/pdfjs
	cp node_modules/pdfjs-dist/legacy/build/pdf.min.mjs node_modules/pdfjs-dist/legacy/build/pdf.worker.min.mjs $(VENDOR)/pdfjs/
	cp -r node_modules/pdfjs-dist/cmaps node_modules/pdfjs-dist/standard_fonts $(VENDOR)/pdfjs/
	touch $@

assets: node_modules/.installed

# Debian's Chromium and CJK fonts for the Playwright browser tests (Playwright cannot download browsers here).
browser:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "noto.*cjk"; then \
	  if [ "$$(id -u)" = 0 ]; then $(APT_GET) update -qq && $(APT_GET) install -y -qq chromium fonts-noto-cjk; \
	  else echo "Browser tests need Debian's Chromium: sudo apt-get install chromium fonts-noto-cjk"; exit 1; fi; fi

# Debian's ffmpeg: ffprobe reads every uploaded video (core.media) before it is stored.
media-tools:
	@if ! command -v ffprobe >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then $(APT_GET) update -qq && $(APT_GET) install -y -qq ffmpeg; \
	  else echo "Video uploads need ffprobe from Debian's ffmpeg: sudo apt-get install ffmpeg"; exit 1; fi; fi

$(VAR)/secret_key:
	@mkdir -p $(VAR)
	@$(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@
	@chmod 600 $@

# The demo runs as production does: DEBUG off, gunicorn, static files collected and served by whitenoise.
# Every address the demo prints is where it serves: `make demo HOST=0.0.0.0 PORT=8200`.
DEMO_URL = http://$(HOST):$(PORT)
DEMO_ENV = SECRET_KEY="$$(cat $(VAR)/secret_key)" DEBUG=0 ALLOWED_HOSTS=$(HOST),127.0.0.1,localhost SECURE_COOKIES=0 \
  SITE_URL=$(DEMO_URL)

demo: install assets media-tools $(VAR)/secret_key
	$(DEMO_ENV) $(BIN)/teachnet migrate --noinput -v0
	$(DEMO_ENV) $(BIN)/teachnet collectstatic --noinput -v0
	$(DEMO_ENV) $(BIN)/teachnet demo --url $(DEMO_URL)
	@echo "Serving on $(DEMO_URL)/ (Ctrl-C stops; SMS codes are printed here and kept in the SMS log)"
	$(DEMO_ENV) $(BIN)/gunicorn teachnet.wsgi:application --bind $(HOST):$(PORT) --workers 2 --threads 2 \
	  --access-logfile - --graceful-timeout 5

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

# SQLite by default; with DATABASE_URL set (e.g. postgres://postgres@127.0.0.1:5432/test) against that server.
test: install assets browser media-tools lint
	$(BIN)/teachnet makemigrations --check --dry-run --settings=teachnet.test_settings -v0
	$(BIN)/pytest --create-db $(PYTEST_ARGS)
