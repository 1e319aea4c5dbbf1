# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
RAW ?= raw
OUT ?= clean
N ?= 1000

.PHONY: run test lint typecheck unit bench bench-flow bench-profile bench-quality bench-stress bench-adversarial bench-templates \
	bench-digest golden fmt serve

# The project's own modules compiled to bytecode, as Python does on first import where it may
# write (PYTHONDONTWRITEBYTECODE=1 forbids that): an editable install compiles none, and
# every process would compile them again from source (0.06 s for the library's imports).
# Benches run it first, so they measure the product as installed, not a first import.
BYTECODE = $(PY) -m compileall -q pipeline flows bench

# (Re)install when the project's dependencies or pins change.
$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev,dask]'
	$(BYTECODE)
	touch $@

run: $(STAMP)
	$(PY) -m flows.clean_folder --raw $(RAW) --out $(OUT)

test: $(STAMP) lint typecheck unit

lint: $(STAMP)
	$(PY) -m pip check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(STAMP)
	$(VENV)/bin/mypy

unit: $(STAMP)
	$(VENV)/bin/pytest -q

# Speed and memory (issue 6): N inputs (N=10000 to change; LARGE=1 for 100,000), each job in a
# fresh process; CORPUS=path adds the dev corpus's raw text and HTML pages (only when given on
# the command line or in the environment); JOBS=floor,lib2,... runs some jobs only; REPEATS=3
# runs the jobs in 3 rounds (each job's median; default 3 to N=1000, else 1).
given = $(filter command line environment,$(origin $(1)))
BENCH_ARGS = --docs $(N) $(if $(LARGE),--large) $(if $(JOBS),--only $(JOBS)) \
	$(if $(REPEATS),--repeats $(REPEATS)) $(if $(call given,CORPUS),--corpus $(CORPUS))
bench: $(STAMP)
	$(BYTECODE)
	$(PY) -m bench.speed $(strip $(BENCH_ARGS))

# The flow against the library alone, its start-up, a re-run with nothing changed.
bench-flow: $(STAMP)
	$(BYTECODE)
	$(PY) -m bench.speed --docs $(or $(FLOW_N),2000) --only lib2,flow,check,server

# Where the library's time goes (cProfile): KIND=seeds (default), or text/html with CORPUS=.
PROFILE_ARGS = --docs $(or $(PROFILE_N),300) --kind $(or $(KIND),seeds) \
	$(if $(call given,CORPUS),--corpus $(CORPUS))
bench-profile: $(STAMP)
	$(BYTECODE)
	$(PY) -m bench.hotspots $(strip $(PROFILE_ARGS))

# Quality against gold, on both development corpora in one run (CORPUS=path for one only);
# corpora are read by path, never copied into the project. STANDFIRST=body scores the product
# with [html] standfirst = "body".
QUALITY_CORPORA ?= ../shared/eval/zyte-dev ../shared/eval/trafilatura-dev
bench-quality: $(STAMP)
	$(BYTECODE)
	$(PY) -m bench.quality $(if $(STANDFIRST),--standfirst $(STANDFIRST)) \
		$(if $(call given,CORPUS),$(CORPUS),$(QUALITY_CORPORA))

# The HTML path on pages whose markup extractors read badly: zyte-dev's English pages with
# hashed class names, <div> paragraphs, <br> bodies, split bodies (CORPUS=path for another).
bench-stress: $(STAMP)
	$(BYTECODE)
	$(PY) -m bench.stress $(if $(call given,CORPUS),$(CORPUS),../shared/eval/zyte-dev)

# Learned templates (issue 13): injected template lines in synthetic sites made of the corpora's
# gold bodies, and the learner's peak memory at 10,000 and 100,000 documents.
bench-templates: $(STAMP)
	$(PY) -m bench.templates $(if $(call given,CORPUS),$(CORPUS),$(QUALITY_CORPORA))

# Every rule's regex and whole hostile documents at sizes N and 10N: time ratios near 10 show
# linear cost (quadratic would be near 100).
bench-adversarial: $(STAMP)
	$(PY) -m bench.adversarial

# One SHA-256 over all outputs of the seeds and both dev corpora, default and --lang auto: a
# speed change must leave it unchanged (CORPORA=path for another eval folder).
bench-digest: $(STAMP)
	$(PY) -m bench.digest $(CORPORA)

golden: $(STAMP)
	$(VENV)/bin/pytest -q tests/test_golden.py --update-golden

fmt: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Scheduled runs every 15 minutes (CRON='...' to change); starts a local Prefect server on
# 127.0.0.1:4200 unless PREFECT_API_URL is set. Ctrl-C stops both.
CRON ?= */15 * * * *
serve: $(STAMP)
	$(PY) -m flows.serve --raw $(RAW) --out $(OUT) --cron '$(CRON)'
