# Two commands do all the set-up on a fresh machine with Python 3.10+:
#   make lab    build .venv if missing, open JupyterLab on notebooks/
#   make test   build .venv (and .venv-colab) if missing, run every test, print the time of each stage
# Also: make fast (the inner loop, under a minute: lint, then the unit tests, notebook hygiene included),
# make course (render the committed notebooks as pages and slides into build/, write build/index.html and
# the README gallery, print a table), make execute (developers: refresh the
# committed outputs), make lint, make student (the student edition: build/student/, solutions replaced by stubs),
# make assignment (the exercises as an nbgrader course: build/nbgrader/).
# The stages of make test, each a target of its own: lint unit notebooks test-colab test-student test-grading binder
# browser.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NBVAL  := --nbval --nbval-sanitize-with tests/sanitize.cfg --nbval-cell-timeout=900

# A second numeric configuration on the same machine: one thread, and the baseline CPU kernels (torch's
# "default" dispatch instead of AVX2/AVX-512, MKL's SSE4.2 code path). Other summation orders and other last
# digits, as on another processor: the committed outputs must pass strict nbval in both configurations.
PORTABLE := OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 ATEN_CPU_CAPABILITY=default MKL_ENABLE_INSTRUCTIONS=SSE4_2

# The Colab emulation: Colab's preinstalled versions, without d2l and d2l_ext (the setup cells install them).
COLAB_VENV  := .venv-colab
COLAB_STAMP := $(COLAB_VENV)/.installed
COLAB_ENV   := JUPYTER_PATH=$(CURDIR)/build/colab GIT_CONFIG_GLOBAL=$(CURDIR)/build/colab/gitconfig GIT_CONFIG_NOSYSTEM=1

.PHONY: venv lab test unit notebooks notebooks-portable test-colab student test-student browser lint course \
        fast binder assignment test-grading execute sync clean

venv: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "Python 3.10 or newer is needed, found " + sys.version)'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -r requirements.txt
	# d2l 1.0.3 pins numpy==1.23.5 and more, which break on Python 3.12+: install it without its pins.
	$(BIN)/python -m pip install --no-deps d2l==1.0.3
	$(BIN)/python -m pip install --no-deps -e .
	# nbgrader is for an instructor on a JupyterHub (README, "Grading with nbgrader"; make assignment runs it from
	# the command line): its JupyterLab panels and server extensions, and the MathJax extension it brings, stay
	# off in this venv, so that make lab is the student's lab (with the slideshow button added).
	for e in formgrader validate_assignment assignment_list course_list; do \
	  $(BIN)/jupyter server extension disable --sys-prefix nbgrader.server_extensions.$$e; done
	$(BIN)/jupyter labextension disable --level=sys_prefix @jupyter/nbgrader @jupyterlab/mathjax3-extension
	touch $(STAMP)

$(COLAB_STAMP): tests/colab/requirements-colab.txt
	test -x $(COLAB_VENV)/bin/python || $(PYTHON) -m venv $(COLAB_VENV)
	$(COLAB_VENV)/bin/python -m pip install -r tests/colab/requirements-colab.txt
	touch $(COLAB_STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/ $(if $(filter 0,$(shell id -u)),--allow-root)

lint: $(STAMP)
	$(BIN)/ruff check .

# Tests never download: offline mode on, progress bars off.
TESTENV := D2L_EXT_OFFLINE=1 TQDM_DISABLE=1

# The contributor's inner loop: lint and every unit test (d2l_ext, hygiene, environment files), well under a minute.
fast: lint unit

unit: $(STAMP)
	$(TESTENV) $(BIN)/python -m pytest tests --ignore=tests/browser --ignore=tests/student --ignore=tests/colab --ignore=tests/binder --ignore=tests/grading

# Every notebook under strict nbval in this venv, as the machine runs it.
notebooks: $(STAMP)
	$(TESTENV) $(BIN)/python -m pytest $(NBVAL) --nbval-current-env notebooks

# The same in the second numeric configuration (make test-colab runs it too, in the Colab emulation).
notebooks-portable: $(STAMP)
	$(PORTABLE) $(TESTENV) $(BIN)/python -m pytest $(NBVAL) --nbval-current-env notebooks

# Every notebook under strict nbval in an emulated Colab runtime, in the second numeric configuration: the setup
# cells install d2l and d2l_ext (from this working tree, served at the course's URL) and must change no version
# Colab has; then both interactive exercises in the classic Notebook front end with ipywidgets 7.
test-colab: $(STAMP) $(COLAB_STAMP)
	$(BIN)/python tools/colab_emulation.py prepare
	$(PORTABLE) $(TESTENV) $(COLAB_ENV) $(BIN)/python -m pytest $(NBVAL) --nbval-kernel-name=colab-emulation notebooks
	$(BIN)/python tools/colab_emulation.py verify
	$(TESTENV) $(COLAB_ENV) $(BIN)/python -m pytest tests/colab

# The exercises as an nbgrader course (build/nbgrader/): one assignment per notebook, source and release.
assignment: $(STAMP)
	$(BIN)/python tools/assignment.py

# ... and nbgrader end to end: generate every assignment; two submissions of 01 autograded, full and zero marks.
test-grading: $(STAMP)
	$(TESTENV) $(BIN)/python -m pytest tests/grading

# The repo2docker configuration (binder/): the Dockerfile it generates, and postBuild in a fresh venv.
binder: $(STAMP)
	$(TESTENV) $(BIN)/python -m pytest tests/binder

# The student edition: each solution cell replaced by its stub, the exercise outputs cleared.
student: $(STAMP)
	$(BIN)/python tools/student.py

# ... and it runs top to bottom, every check reporting "not done yet".
test-student: student
	$(TESTENV) $(BIN)/python -m pytest tests/student

# The site in a real browser (Debian's chromium + chromium-driver) and the two exercises in JupyterLab.
browser: course
	$(TESTENV) $(BIN)/python -m pytest tests/browser

test: $(STAMP)
	@$(BIN)/python tools/stages.py lint unit notebooks test-colab test-student test-grading binder browser

course: $(STAMP)
	$(TESTENV) $(BIN)/python tools/course.py build


execute: $(STAMP)
	$(TESTENV) $(BIN)/python tools/course.py execute
	$(BIN)/python tools/clock.py --write

sync: $(STAMP)
	$(BIN)/python tools/sync.py

clean:
	rm -rf build .pytest_cache
