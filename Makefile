# Two commands set everything up on a fresh machine (README):
#   make demo   create .venv, install foedus with pinned dependencies, build the store, summarise
#   make test   lint and run the whole test suite (two pytest-xdist workers)
# Data come from FOEDUS_DATA_MIRROR (default ../shared/data, made absolute) or the cache.
# Front-end libraries come from npm (Node.js 20, npm 11), pinned by package-lock.json.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FOEDUS_DATA_MIRROR ?= ../shared/data
export FOEDUS_DATA_MIRROR := $(abspath $(FOEDUS_DATA_MIRROR))

NPM    ?= npm
VENDOR := src/foedus/web/static/vendor/manifest.json

.PHONY: demo test lint vendor docs bench sensitivity clean harden

$(BIN)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,docs]'
	touch $@

# The front-end libraries: npm installs the lockfile's exact versions (no install scripts),
# tools/vendor.py copies each browser build with its licence into the package (and MathJax
# into docs/_vendor) and writes the manifests that tests/web checks.
node_modules/.package-lock.json: package.json package-lock.json
	$(NPM) ci --ignore-scripts --no-audit --no-fund

$(VENDOR): node_modules/.package-lock.json tools/vendor.py
	$(PYTHON) tools/vendor.py

vendor: $(VENDOR)

demo: $(BIN)/.installed vendor
	$(BIN)/foedus data build
	$(BIN)/foedus summary
	@echo; echo "Who is bound to defend Estonia, Japan at the Senkaku Islands and Taiwan today, and why:"
	$(BIN)/foedus obligations --attacker RUS --target EST
	$(BIN)/foedus obligations --attacker CHN --target JPN --place "Senkaku Islands"
	$(BIN)/foedus obligations --attacker CHN --target TWN
	@echo; echo "Burden sharing in NATO since the Wales pledge (plots in demo-plots/):"
	$(BIN)/foedus burden --alliance NATO --years 2014-2024 --plot demo-plots
	@echo; echo "How credible are those pledges? P(honoured) from the record of wars 1816-2003:"
	$(BIN)/foedus obligations --attacker RUS --target LTU --credibility
	$(BIN)/foedus credibility --ally USA --partner EST --against RUS
	$(BIN)/foedus credibility --ally USA --partner LVA --against RUS
	$(BIN)/foedus credibility --ally USA --partner LTU --against RUS
	$(BIN)/foedus credibility --ally USA --partner JPN --against CHN
	$(BIN)/foedus credibility --ally USA --partner PHL --against CHN
	@echo; echo "The replication suite: published tables reproduced from foedus's data (foedus replicate NAME for the tables):"
	$(BIN)/foedus replicate --summary
	@echo; echo "Crisis simulations (docs/crisis.md): is the attacker deterred, who is drawn in, who is entrapped:"
	$(BIN)/foedus simulate scenarios/baltic-estonia-2013.toml
	$(BIN)/foedus simulate scenarios/baltic-estonia-2017.toml
	$(BIN)/foedus simulate scenarios/baltic-estonia-2024.toml
	$(BIN)/foedus simulate scenarios/senkaku-japan-2024.toml
	@echo; echo "What if the United States left NATO? The same metrics before and after (docs/counterfactuals.md):"
	$(BIN)/foedus compare scenarios/baltic-estonia-2024.toml scenarios/us-withdrawal-2024.toml --draws 100000 --plot demo-plots
	@echo; echo "Reports (one self-contained HTML file each): the case library, every scenario with"
	@echo "its Monte Carlo errors and map, and Russia attacks Estonia in 2024 (modest draws):"
	$(BIN)/foedus report library scenarios --out demo-reports/library.html --draws 5000 \
	  --workers 2
	$(BIN)/foedus report scenario scenarios/baltic-estonia-2024.toml \
	  --out demo-reports/baltic-estonia-2024.html --draws 20000
	@echo; echo "Open in a browser (no network needed):"
	@echo "  $(abspath demo-reports/library.html)"
	@echo "  $(abspath demo-reports/baltic-estonia-2024.html)"
	@echo; echo "The web app (atlas, who must defend whom, treaties, crisis lab, burden, studies; docs/web.md):"
	@echo "  $(BIN)/foedus serve        then open http://127.0.0.1:8000/ (read-only; --token-file FILE allows saving)"

# ruff (style, and numpydoc sections on the lens packages), then import-linter (the one-way
# layers of README "Layers", declared in pyproject.toml).
lint: $(BIN)/.installed
	$(BIN)/ruff check src tests benchmarks tools docs
	$(BIN)/lint-imports

# Two xdist workers (the machine's two cores); tests/conftest.py puts each module on one
# worker and the browser, panel and Dask tests on one worker each (--dist loadgroup).
test: lint vendor
	$(BIN)/python -m pytest -n 2 --dist loadgroup

# The bad-input corpus (issue 20, tools/badinputs.py): every input as a CLI subprocess; prints
# inputs tried, clean answers, tracebacks, wrong answers (exit 0), hangs and half-written
# files. Needs a built store (make demo, or foedus data build).
harden: $(BIN)/.installed
	$(BIN)/python tools/badinputs.py

# The documentation site, offline, warnings as errors; then its internal links and that no
# page loads anything from outside the site.
# The examples (docs/examples) run against the store: it is built first when missing.
docs: $(BIN)/.installed vendor
	rm -rf docs/_build/html docs/api/generated docs/auto_examples
	test -f "$$($(BIN)/python -c 'from foedus.config import store_path; print(store_path())')" \
	  || $(BIN)/foedus data build
	$(BIN)/sphinx-build -W --keep-going -q -b html docs docs/_build/html
	$(PYTHON) tools/check_docs.py docs/_build/html
	@echo "docs: docs/_build/html/index.html"

bench: $(BIN)/.installed
	$(BIN)/foedus data build
	$(BIN)/python benchmarks/startup.py
	$(BIN)/python benchmarks/bench_build.py
	$(BIN)/python benchmarks/speed.py
	$(BIN)/python benchmarks/panel.py
	$(BIN)/python benchmarks/crisis.py
	$(BIN)/python benchmarks/web.py
	$(BIN)/python benchmarks/backtest.py --quiet
	$(BIN)/python benchmarks/backtest.py --quiet --unrecorded-conditions

sensitivity: $(BIN)/.installed
	$(BIN)/foedus data build
	$(BIN)/foedus library scenarios --draws 50000 --workers 2 --sensitivity sensitivity-plots

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .ruff_cache node_modules \
	  src/foedus/web/static/vendor docs/_vendor docs/_build docs/api/generated docs/auto_examples test-output demo-reports
