# The README's commands. Everything runs from the project's own virtualenv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
STAMP := $(VENV)/.installed
TEST_PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
#: mail workers `make serve` starts (more than one only on PostgreSQL)
MAIL_WORKERS ?= 1
# development is declared, never assumed: these targets run on the developer's machine
DEV := ESMON_ENV=development
#: the port of `make run` (`make run PORT=8080`); the demo's links point at it
PORT ?= 5000

.PHONY: run serve install test test-browser test-sqlite test-postgres test-js lint typecheck bench check-defs clean translations

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Start the app with demo data on SQLite (mail kept in instance/outbox/), on PORT.
run: export ESMON_BASE_URL ?= http://127.0.0.1:$(PORT)
run: install
	$(DEV) $(FLASK) db upgrade
	$(DEV) $(FLASK) demo
	$(DEV) $(FLASK) run --host 127.0.0.1 --port $(PORT)

## Production: migrations, then gunicorn (gunicorn.conf.py; ESMON_BIND, ESMON_WORKERS …) and
## the mail worker side by side (Procfile, run by honcho); Ctrl+C or SIGTERM stops both.
serve: export ESMON_ENV ?= production
serve: install
	$(FLASK) db upgrade
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/honcho --procfile Procfile start \
		--concurrency web=1,mail=$(MAIL_WORKERS)

## Every test: SQLite and PostgreSQL (skipped with a reason when not reachable) side by side,
## then JS. The browser tests run once: their live server keeps its own SQLite file whatever
## --db says. The two passes share nothing (SQLite files in temporary folders, a scratch schema
## per PostgreSQL test), so they run at once on two cores; the PostgreSQL pass's output is
## printed after the SQLite one's.
PG_LOG := .pytest-postgres.log
test: install
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(DEV) $(FLASK) surveys check
	node --test tests/js/
	@$(DEV) $(BIN)/pytest --db $(TEST_PG_URL) -m "not sqlite_only" --ignore=tests/browser \
		> $(PG_LOG) 2>&1 & pg=$$!; \
	$(DEV) $(BIN)/pytest; sqlite=$$?; \
	wait $$pg; postgres=$$?; \
	echo "== pytest --db $(TEST_PG_URL)"; cat $(PG_LOG); rm -f $(PG_LOG); \
	echo "== SQLite: $$sqlite, PostgreSQL: $$postgres (0 = passed)"; \
	test $$sqlite -eq 0 && test $$postgres -eq 0

## Only the browser tests (Chromium + axe-core); `make test` runs them too.
test-browser: install
	$(DEV) $(BIN)/pytest tests/browser

test-sqlite: install
	$(DEV) $(BIN)/pytest

test-postgres: install
	$(DEV) $(BIN)/pytest --db $(TEST_PG_URL) -m "not sqlite_only" --ignore=tests/browser

## Interface texts: extract the Polish msgids, merge them into translations/*/messages.po, compile.
## Translate new entries in translations/en/LC_MESSAGES/messages.po (and Polish plural forms in
## translations/pl/…), then run it again; the .mo files are committed.
translations: install
	$(BIN)/pybabel extract -F babel.cfg -o translations/messages.pot --no-wrap --sort-by-file \
		--ignore-dirs ".* __pycache__" \
		--project=esmon --msgid-bugs-address=esmon@rops.example.pl .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-wrap \
		--ignore-pot-creation-date --ignore-obsolete
	$(BIN)/pybabel compile -d translations --statistics

lint: install
	$(BIN)/ruff check .

## The type checker on the plain libraries and the services (settings in pyproject.toml).
typecheck: install
	$(BIN)/mypy

bench: install
	$(DEV) $(BIN)/python -m bench

clean:
	rm -rf $(VENV) instance .pytest_cache
