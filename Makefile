# dlref: the two commands a new user needs are `make serve` and `make test`.
# Both create .venv on first use and install the pinned stack of a profile:
#   PROFILE=cpu (default): requirements/cpu.lock, every package pinned exactly
#   PROFILE=gpu: requirements/gpu.lock, the CUDA builds, for the GPU runner
# Set-up runs again only when a requirements file or pyproject.toml changes:
# the stamp's name carries a hash of them.

PROFILE ?= cpu
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

ifeq ($(PROFILE),cpu)
REQUIREMENTS := requirements/cpu.lock
else ifeq ($(PROFILE),gpu)
REQUIREMENTS := requirements/gpu.lock
else
$(error PROFILE must be cpu or gpu, not '$(PROFILE)')
endif

SETUP_HASH := $(shell cat requirements/*.in requirements/*.lock pyproject.toml | sha256sum | cut -c1-16)
STAMP := $(VENV)/.installed-$(PROFILE)-$(SETUP_HASH)

export PATH := $(CURDIR)/$(BIN):$(PATH)
# Quiet TensorFlow's start-up logs; keep libraries' caches inside the checkout.
export TF_CPP_MIN_LOG_LEVEL ?= 2
export TF_ENABLE_ONEDNN_OPTS ?= 0
export NO_MKDOCS_2_WARNING := 1
export KERAS_HOME := $(CURDIR)/.cache/keras
export MPLCONFIGDIR := $(CURDIR)/.cache/matplotlib
# Set-up installs with uv, pinned here (and used by lock-gpu): it installs the lock
# in seconds where pip took a minute, links files from its cache, and compiles no
# bytecode, so Python compiles, and caches, only the modules that are imported
# (that cache must be writable). uv does not read pip's configuration: the
# find-links folders pip is given through PIP_FIND_LINKS (on the developers'
# machines, the local CPU build of torch) are passed on.
UV := uv==0.13.9
UV_INSTALL = $(BIN)/uv pip install --quiet --python $(BIN)/python $(foreach link,$(PIP_FIND_LINKS),--find-links $(link))
unexport PYTHONDONTWRITEBYTECODE

.PHONY: setup serve build test check update standalone lint lint-only version publish zensical links pdf screenshots perf lock lock-gpu browser clean npm a11y lighthouse

setup: $(STAMP)

$(STAMP):
	@# A venv built for another profile or older pins is replaced, not patched.
	@if ls $(VENV)/.installed-* >/dev/null 2>&1; then echo "requirements changed: rebuilding $(VENV)"; rm -rf $(VENV); fi
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "$(UV)"
	$(UV_INSTALL) -r $(REQUIREMENTS)
	$(UV_INSTALL) --no-deps -e .
	touch $@

# --dirty: after an edit, rebuild only the pages that changed (a full build takes seconds);
# MkDocs warns that a dirty build may leave stale links, so serve is not strict (build is).
serve: setup npm
	$(BIN)/mkdocs serve --dirty --no-strict --dev-addr 127.0.0.1:8000

build: setup npm
	$(BIN)/mkdocs build --strict

lint: setup
	@$(MAKE) --no-print-directory lint-only

# The linters alone, from PATH (.venv's first): CI's lint job installs only
# requirements/lint.in and runs this. zizmor audits .github/ (workflows and
# Dependabot); with GH_TOKEN set it also runs its online audits.
lint-only:
	ruff check .
	ruff format --check .
	zizmor --no-progress .github

# Build the site as one published version with mike, committed to the local
# gh-pages branch (never pushed: the deploy job pushes), with Material's version
# selector on. VERSION=v1.2.0, and ALIAS=latest to move that alias to it and make
# it the default. mike adds the version's folder to DLREF_SITE_URL.
version: setup npm
	@test -n "$(VERSION)" || { echo "make version needs VERSION=..., e.g. VERSION=1.2.0" >&2; exit 2; }
	DLREF_VERSION_PROVIDER=mike $(BIN)/mike deploy $(if $(ALIAS),--update-aliases $(VERSION) $(ALIAS),$(VERSION))
	$(if $(ALIAS),$(BIN)/mike set-default $(ALIAS))

# The same, between fetching and pushing the gh-pages branch that GitHub Pages
# serves (CI's deploy jobs). The token in GH_TOKEN reaches git's fetch and push
# through their environment, never .git/config, and the build never sees it.
GIT_AUTH = GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=http.https://github.com/.extraheader \
  GIT_CONFIG_VALUE_0="AUTHORIZATION: basic $$(printf 'x-access-token:%s' "$$GH_TOKEN" | base64 -w0)"
publish: setup
	@test -n "$$GH_TOKEN" || { echo "make publish needs GH_TOKEN; make version builds without pushing" >&2; exit 2; }
	$(GIT_AUTH) git fetch --depth=1 origin gh-pages:gh-pages || echo "no gh-pages branch yet: mike creates it"
	env -u GH_TOKEN $(MAKE) --no-print-directory version
	$(GIT_AUTH) git push origin gh-pages

# Python's set-up and the browser's (Chromium, Node.js, the npm packages) are
# independent: they run side by side with the linters, then the suite runs.
# uv compiles no bytecode, so in a new venv pytest's two workers would each compile
# the same framework modules while collecting (about 20 s of CPU each here). Importing
# the heavy packages first compiles them once: torch in one process, TensorFlow (which
# imports Keras, scikit-learn and pyplot) in another, beside npm's install and the linters.
BYTECODE := $(VENV)/.bytecode-$(PROFILE)-$(SETUP_HASH)
$(BYTECODE): $(STAMP)
	$(BIN)/python -c "import torch" & torch=$$!; \
	  $(BIN)/python -c "import tensorflow, keras, sklearn, matplotlib.pyplot" && wait $$torch
	touch $@

test:
	@$(MAKE) --no-print-directory -j2 $(BYTECODE) npm lint
	$(BIN)/pytest -n 2 --dist loadgroup

# Rerun what changed since it last passed, and check outputs, parity, figures and pages.
# Name topics or examples with TARGETS="autograd training/loop"; ARGS="--all" reruns everything.
check: setup
	$(BIN)/dlref check $(ARGS) $(TARGETS)

# The same, rewriting stale generated files (never while the two frameworks disagree).
update: setup
	$(BIN)/dlref check --update $(ARGS) $(TARGETS)

# Every script as its own python process from an empty folder, as a reader runs it
# (several minutes: a lane of its own, not part of make test). REPEAT=50 for flake rates.
standalone: setup
	$(BIN)/dlref standalone --repeat $(or $(REPEAT),1) $(TARGETS)

# The comparison table on one printable page, from the strictly built site.
pdf: setup browser npm
	$(BIN)/dlref pdf

# Rerun the benchmark (every training mode, inference, matmul peak, accuracy over seeds) and
# rewrite this device's results file and plots; refuses a busy machine (ARGS=--allow-busy).
perf: setup
	$(BIN)/dlref bench $(ARGS)

# Retake the TensorBoard screenshot from fresh runs of both frameworks.
screenshots: setup browser
	$(BIN)/dlref screenshots

# Re-resolve requirements/cpu.in into requirements/cpu.lock in a scratch venv.
# The lock keeps torch's +cpu label: it can only ever resolve to the CPU build.
lock:
	rm -rf .cache/lock-venv
	$(PYTHON) -m venv .cache/lock-venv
	.cache/lock-venv/bin/python -m pip install --quiet --upgrade "pip==26.3"
	.cache/lock-venv/bin/python -m pip install --quiet -r requirements/cpu.in
	{ echo "# Generated by 'make lock' from requirements/cpu.in: every package of the CPU profile, exactly."; \
	  .cache/lock-venv/bin/python -m pip freeze; } > requirements/cpu.lock
	rm -rf .cache/lock-venv

# Build the site with Zensical, Material's successor, beside the MkDocs build and
# print in Markdown what its build lacks (CI's non-blocking zensical job). Its own
# venv, with the lock's versions of what it shares; strict off, since every gap
# would stop it. Zensical 0.0.74 and later need zensical-ui, which PyPI has no
# files for (checked 2026-12-01).
ZENSICAL := zensical==0.0.73
zensical: build
	rm -rf .cache/zensical-venv .cache/site-zensical
	$(PYTHON) -m venv .cache/zensical-venv
	.cache/zensical-venv/bin/python -m pip install --quiet -c requirements/cpu.lock "$(ZENSICAL)" mkdocstrings-python
	@# Zensical wants its configuration at the top of the project: a copy, removed after.
	{ sed 's/^strict: true$$/strict: false/' mkdocs.yml; echo "site_dir: .cache/site-zensical"; } > zensical-build.yml
	.cache/zensical-venv/bin/zensical build --config-file zensical-build.yml; status=$$?; rm -f zensical-build.yml; exit $$status
	$(BIN)/python -m dlref.site.zensical_report site .cache/site-zensical > .cache/zensical-report.md; \
	  status=$$?; cat .cache/zensical-report.md; exit $$status

# Request every link from the built site to another site and write a Markdown
# report to .cache/outside-links.md (CI's weekly links job; the tests never
# leave the machine).
links: build
	$(BIN)/python -m dlref.site.outside_links site > .cache/outside-links.md; \
	  status=$$?; cat .cache/outside-links.md; exit $$status

# Resolve requirements/gpu.in into requirements/gpu.lock for the GPU runner
# (Linux x86_64, Python 3.11) from PyPI's metadata alone, on any machine: uv
# resolves for the named platform, so no GPU is needed and no CUDA wheel is
# downloaded. pip cannot: it resolves for the machine it runs on.
lock-gpu:
	rm -rf .cache/lock-gpu-venv
	$(PYTHON) -m venv .cache/lock-gpu-venv
	.cache/lock-gpu-venv/bin/python -m pip install --quiet "$(UV)"
	{ echo "# Generated by 'make lock-gpu' from requirements/gpu.in: every package of the GPU profile,"; \
	  echo "# exactly, resolved from PyPI for Linux x86_64 and Python 3.11 without a GPU ($(UV))."; \
	  echo "# PyPI's torch wheel is its CUDA 13 build and tensorflow[and-cuda] brings CUDA 12"; \
	  echo "# libraries: the two sets of nvidia-* packages have different names and install side by side."; \
	  .cache/lock-gpu-venv/bin/uv pip compile requirements/gpu.in --quiet --no-config \
	    --default-index https://pypi.org/simple --python-version 3.11.5 \
	    --python-platform x86_64-manylinux_2_28 --no-header --no-annotate; } > requirements/gpu.lock
	rm -rf .cache/lock-gpu-venv

# The browser test drives Debian's chromium; never a browser downloaded by a tool.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "The browser test needs Debian's chromium: sudo apt-get install chromium" >&2; exit 1; fi; \
	fi

# axe-core and Lighthouse for the site's checks, and onnxruntime-web, which the build copies
# into the in-browser inference page, exactly as package-lock.json pins them;
# reinstalled only when package.json or package-lock.json changes. No install scripts run:
# nothing is downloaded beyond the packages (Chromium is Debian's).
NPM_STAMP := node_modules/.installed-$(shell cat package.json package-lock.json | sha256sum | cut -c1-16)

npm: $(NPM_STAMP)

# After the browser's set-up: both may run apt-get, which allows one at a time.
$(NPM_STAMP): | browser
	@if ! command -v npm >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null; \
	  else echo "The site checks need Node.js and npm: sudo apt-get install nodejs npm" >&2; exit 1; fi; \
	fi
	npm ci --ignore-scripts --no-audit --no-fund --prefer-offline
	touch $@

# Lighthouse (mobile) on the home page, the heaviest concept page and the architectures
# page: performance, accessibility, best practices and SEO at least 95 (a few minutes).
# axe-core on every page in both palettes, and every page's transfer budget (minutes:
# a lane of its own, like standalone; make test audits the home page only).
a11y: setup browser npm
	$(BIN)/pytest -p no:cacheprovider -m a11y tests/test_accessibility.py

lighthouse: setup browser npm
	$(BIN)/pytest -p no:cacheprovider -m lighthouse -s tests/test_lighthouse.py

clean:
	rm -rf $(VENV) site .cache .pytest_cache .ruff_cache
