PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install run test bench stress clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(VENV)/bin/casedesk --demo

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

stress: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -s -m stress -o addopts='' -p no:cacheprovider

bench: $(STAMP)
	$(PY) bench/run.py; status=$$?; QT_QPA_PLATFORM=offscreen $(PY) bench/ui_start.py || status=1; \
	$(PY) bench/import_bench.py || status=1; exit $$status

clean:
	rm -rf $(VENV) build *.egg-info
