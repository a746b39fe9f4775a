# EasyVoice: `make run` sets up and runs the app; `make test` sets up and runs every test.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run serve test setup translations lint bench clean

$(VENV)/.installed: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,postgres]'
	touch $@

setup: $(VENV)/.installed
	$(PY) -m babel.messages.frontend compile --use-fuzzy -d translations >/dev/null

# The app on http://$(HOST):$(PORT) (127.0.0.1:5000 unless set) with SQLite in instance/, demo
# data and audio built, and beside it the audio worker (it builds what publishing queues). The printed links and the links in mail use EASYVOICE_EXTERNAL_URL.
EASYVOICE_EXTERNAL_URL ?= http://$(HOST):$(PORT)
run: setup
	tools/system-packages.sh --optional espeak-ng
	tools/system-packages.sh libpango-1.0-0 libpangoft2-1.0-0
	$(FLASK) init-db
	EASYVOICE_EXTERNAL_URL=$(EASYVOICE_EXTERNAL_URL) $(FLASK) demo --responses 500
	$(FLASK) load-surveys
	@echo "Building the audio (read-aloud) ..."
	@$(FLASK) build-audio || echo "Going on without built audio (Listen buttons may be silent, \
	/health answers 503). Later: $(FLASK) build-audio"
	@echo "EasyVoice is starting on $(EASYVOICE_EXTERNAL_URL)/ (Ctrl+C stops it), with the audio worker"
	EASYVOICE_EXTERNAL_URL=$(EASYVOICE_EXTERNAL_URL) tools/with-audio-worker.sh "$(FLASK) audio-worker" $(FLASK) run --host $(HOST) --port $(PORT)

# Production-style serving: gunicorn with several workers (see gunicorn.conf.py and README).
serve: setup
	$(FLASK) init-db
	$(FLASK) load-surveys
	-$(FLASK) build-audio
	tools/with-audio-worker.sh "$(FLASK) audio-worker" $(VENV)/bin/gunicorn -c gunicorn.conf.py wsgi:app

# Every test (unit, flow, browser in Debian chromium with axe-core) on SQLite, then all but the
# browser tests again on PostgreSQL (TEST_BROWSER_ON_POSTGRES=1 runs those too). Each run is
# spread over the machine's cores (pytest-xdist; a test file stays on one worker), and lists its
# slowest tests. TEST_WORKERS=0 runs in one process. Why the browser tests run once: on a 2-core
# machine 2.7 times slower than the one before, the SQLite run took 36 minutes, and two full runs
# would pass CI's 90.
TEST_POSTGRES ?= postgresql+psycopg://postgres@127.0.0.1:5432
TEST_WORKERS ?= auto
TEST_BROWSER_ON_POSTGRES ?=
POSTGRES_ONLY_ARGS := $(if $(TEST_BROWSER_ON_POSTGRES),,--ignore=tests/browser)
PYTEST := $(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile --durations=15
test: setup
	tools/system-packages.sh espeak-ng chromium fonts-dejavu-core postgresql-client poppler-utils \
		libpango-1.0-0 libpangoft2-1.0-0
	tools/postgres.sh
	@echo "== The test suite on SQLite =="
	$(PYTEST) $(PYTEST_ARGS)
	@echo "== The test suite on PostgreSQL =="
	EASYVOICE_TEST_POSTGRES=$(TEST_POSTGRES) $(PYTEST) $(POSTGRES_ONLY_ARGS) $(PYTEST_ARGS)

translations: setup
	$(PY) -m babel.messages.frontend extract -F babel.cfg -k N_ -k lazy_gettext \
	  --add-comments=i18n: --no-location --sort-output -o translations/messages.pot .
	$(PY) -m babel.messages.frontend update --no-fuzzy-matching -i translations/messages.pot -d translations
	$(PY) -m babel.messages.frontend compile --use-fuzzy -d translations

lint: setup
	$(VENV)/bin/ruff check app tests bench tools
	$(VENV)/bin/ruff format --check .

bench: setup
	tools/system-packages.sh espeak-ng wrk postgresql-client
	tools/postgres.sh
	$(PY) -m bench

clean:
	rm -rf $(VENV) instance *.egg-info
