# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHROMIUM_BIN ?= /usr/bin/chromium

.PHONY: run test lint ingest ui eval bench clean reader browser-deps ocr-deps postgres-deps

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# CPU torch first and explicitly: a bare `torch` would pull a multi-GB CUDA build.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The reading model (a cross-encoder trained here, never committed): a wheel in READER_CACHE
# with a matching checksum is installed; otherwise the pinned training run builds it, offline.
READER_CACHE ?= $(HOME)/.cache/rag-chat/wheels
READER_STAMP := $(VENV)/.reader-$(shell sed -n 's/^version = "\(.*\)"/\1/p' reader/pyproject.toml)

$(READER_STAMP): $(STAMP) reader/pyproject.toml reader/build.sh eval/train_reader.py eval/reader_data.py eval/reader_notes.py eval/reader_words.py
	bash reader/build.sh $(BIN)/python $(READER_CACHE)
	touch $(READER_STAMP)

reader: $(READER_STAMP)

run: $(STAMP) $(READER_STAMP) ocr-deps
	$(BIN)/rag ingest seeds
	$(BIN)/rag ui

# Debian's Chromium for the browser tests. Installed with apt when missing and possible (root);
# otherwise the browser tests skip with the reason, or fail when REQUIRE_BROWSER is set (CI).
browser-deps:
	@if [ -x $(CHROMIUM_BIN) ]; then \
		true; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing Debian chromium for the browser tests"; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get install -y -qq chromium chromium-driver >/dev/null 2>&1 \
			|| { apt-get update -qq && apt-get install -y -qq chromium chromium-driver; }; \
	elif [ -n "$$REQUIRE_BROWSER" ]; then \
		echo "error: $(CHROMIUM_BIN) is missing and cannot be installed (needs root and apt-get)"; \
		exit 1; \
	else \
		echo "warning: $(CHROMIUM_BIN) is missing; browser tests will be skipped"; \
	fi

# Debian's PostgreSQL for the database tests (started by a pytest fixture in a temp directory,
# never as a system service). Installed with apt when missing and possible (root); otherwise
# those tests skip, or fail when REQUIRE_POSTGRES is set (CI).
postgres-deps:
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1; then \
		true; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing Debian postgresql for the database tests"; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get install -y -qq postgresql >/dev/null 2>&1 \
			|| { apt-get update -qq && apt-get install -y -qq postgresql; }; \
	elif [ -n "$$REQUIRE_POSTGRES" ]; then \
		echo "error: PostgreSQL (initdb) is missing and cannot be installed (needs root and apt-get)"; \
		exit 1; \
	else \
		echo "warning: PostgreSQL is missing; the PostgreSQL tests will be skipped"; \
	fi

# Debian's Tesseract reads scanned PDF pages. Installed with apt when missing and possible (root);
# otherwise scanned pages are reported as skipped and the OCR tests skip, or fail when
# REQUIRE_OCR is set (CI).
ocr-deps:
	@if command -v tesseract >/dev/null 2>&1; then \
		true; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing Debian tesseract-ocr for scanned PDF pages"; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get install -y -qq tesseract-ocr >/dev/null 2>&1 \
			|| { apt-get update -qq && apt-get install -y -qq tesseract-ocr; }; \
	elif [ -n "$$REQUIRE_OCR" ]; then \
		echo "error: tesseract is missing and cannot be installed (needs root and apt-get)"; \
		exit 1; \
	else \
		echo "warning: tesseract is missing; scanned PDF pages are skipped, OCR tests too"; \
	fi

test: $(STAMP) $(READER_STAMP) browser-deps ocr-deps postgres-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Seeds (all), then fixed samples of the shared sets; full runs: see README "Evaluation results".
# The shared sets are found by name in the eval-data folder (RAG_EVAL_DATA, or EVAL_DATA=DIR here;
# default: shared/eval-data beside the repository).
EVAL_SAMPLE ?= 50
EVAL_DATA_OPT := $(if $(EVAL_DATA),--eval-data $(EVAL_DATA))
eval: $(STAMP) $(READER_STAMP)
	$(BIN)/rag eval --dataset eval/gold/seeds.jsonl --docs seeds --baseline --without-reader
	$(BIN)/rag eval --dataset eval/gold/notes.jsonl --docs eval/gold/notes --baseline --without-reader
	$(BIN)/rag eval --dataset covid-qa-deepset --limit $(EVAL_SAMPLE) --seed 0 --baseline --without-reader $(EVAL_DATA_OPT)
	$(BIN)/rag eval --dataset docugami-kg-rag-sec-10q --limit $(EVAL_SAMPLE) --seed 0 --baseline --without-reader $(EVAL_DATA_OPT)
	$(BIN)/rag eval --dataset eval/gold/sec_tables.jsonl --docs $(or $(EVAL_DATA),../shared/eval-data)/docugami-kg-rag-sec-10q/source_files

clean:
	rm -rf .rag .pytest_cache .mypy_cache .ruff_cache

# Corpus sizes in chunks (commas: `make bench SIZES=1000,10000`) and the output folder.
SIZES ?= 1000,10000,100000
OUT ?= bench-results

bench: $(STAMP) $(READER_STAMP)
	$(BIN)/rag bench --sizes $(SIZES) --out $(OUT)
