# Two commands do everything on a fresh machine with Python 3.11+ and make:
#   make lab   - install, prepare your workspace, open JupyterLab on the start page
#   make test  - install (with test extras and Debian chromium), run every test
# The course in Simplified Chinese: COURSE_LANG=zh-CN make lab (the workspace then
# remembers it; COURSE_LANG=en make lab switches back).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
UV     := $(BIN)/uv
PORT   ?= 8888
# JupyterLab refuses to run as root unless told; CI and containers often are root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: lab test install chromium release workspace keys benchmark clean

# The workspace's language (.course-lang) reaches the kernels (COURSE_LANG), JupyterLab's
# menus (its settings folder in the workspace) and Voila (the course's page templates, which
# also let a page's kernel shut down when the page is left). Notebooks and Voila pages get
# kernels that have imported pandas, matplotlib, seaborn and ipywidgets ahead of time
# (grading/kernels: the same settings as grading.kernels.SERVER_ARGS).
WARM_KERNELS := --ServerApp.jpserver_extensions=grading.kernels=True \
  --ServerApp.kernel_manager_class=grading.kernels.pages.ReadAheadKernelManager \
  --KernelProvisionerFactory.default_provisioner_name=course-warm-kernel
lab: install workspace
	lang=$$(cat workspace/.course-lang); \
	COURSE_LANG=$$lang JUPYTERLAB_SETTINGS_DIR=workspace/.jupyter/lab/user-settings JUPYTER_PATH=$(CURDIR)/share/jupyter \
	  $(BIN)/jupyter lab --ServerApp.root_dir=workspace --LabApp.default_url=/lab/tree/00-start-here.ipynb --port=$(PORT) $(ROOT_FLAG) \
	  $(WARM_KERNELS) \
	  --VoilaConfiguration.template=course-$$lang $$(test "$$lang" = en || echo --VoilaConfiguration.classic_tree=True)

test: install chromium
	$(BIN)/python -m pytest

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed, found " + sys.version.split()[0]'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.9
	$(UV) pip install --quiet -p $(BIN)/python -c constraints.txt -e ".[test]"
	@# No "get Jupyter news?" pop-up over the trainee's notebook.
	$(BIN)/jupyter labextension disable --level=sys_prefix "@jupyterlab/apputils-extension:announcements" >/dev/null 2>&1
	touch $@

# Browser tests drive Debian's chromium (never a downloaded browser).
chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium fonts-wqy-zenhei >/dev/null; }

workspace: install
	$(BIN)/python -m grading workspace $(if $(COURSE_LANG),--lang $(COURSE_LANG))

release: install
	$(BIN)/python -m grading release $(if $(COURSE_LANG),--lang $(COURSE_LANG))

keys: install
	$(BIN)/python -m grading keys

# Performance figures (printed, not asserted): engine, grader, browser.
benchmark: install chromium
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/grade.py
	$(BIN)/python benchmarks/cluster.py
	$(BIN)/python benchmarks/browser.py

clean:
	rm -rf build .pytest_cache
