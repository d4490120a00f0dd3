# Two commands do all the set-up on a fresh machine with Python 3.10+:
#   make lab    build .venv if missing, open JupyterLab on notebooks/
#   make test   build .venv if missing, run every test (unit tests, every notebook under strict nbval, the
#               student edition run top to bottom, the site in a browser)
# Also: make course (execute every notebook into build/, render pages and slides, write build/index.html
# and the README gallery, print a table), make slides (the same; decks are build/NAME.slides.html),
# make execute (developers: refresh the committed outputs), make lint, make student (the student edition:
# build/student/, solutions replaced by stubs).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NBVAL  := --nbval --nbval-current-env --nbval-sanitize-with tests/sanitize.cfg --nbval-cell-timeout=900

.PHONY: venv lab test unit notebooks student test-student browser lint course slides execute sync clean

venv: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "Python 3.10 or newer is needed, found " + sys.version)'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -r requirements.txt
	# d2l 1.0.3 pins numpy==1.23.5 and more, which break on Python 3.12+: install it without its pins.
	$(BIN)/python -m pip install --no-deps d2l==1.0.3
	$(BIN)/python -m pip install --no-deps -e .
	touch $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/ $(if $(filter 0,$(shell id -u)),--allow-root)

lint: $(STAMP)
	$(BIN)/ruff check .

# Tests never download: offline mode on, progress bars off.
TESTENV := D2L_EXT_OFFLINE=1 TQDM_DISABLE=1

unit: $(STAMP)
	$(TESTENV) $(BIN)/python -m pytest tests --ignore=tests/browser --ignore=tests/student

notebooks: $(STAMP)
	$(TESTENV) $(BIN)/python -m pytest $(NBVAL) notebooks

# The student edition: each solution cell replaced by its stub, the exercise outputs cleared.
student: $(STAMP)
	$(BIN)/python tools/student.py

# ... and it runs top to bottom, every check reporting "not done yet".
test-student: student
	$(TESTENV) $(BIN)/python -m pytest tests/student

# The site in a real browser (Debian's chromium + chromium-driver) and the two exercises in JupyterLab.
browser: course
	$(TESTENV) $(BIN)/python -m pytest tests/browser

test: lint unit notebooks test-student browser

course: $(STAMP)
	$(TESTENV) $(BIN)/python tools/course.py build

slides: course

execute: $(STAMP)
	$(TESTENV) $(BIN)/python tools/course.py execute

sync: $(STAMP)
	$(BIN)/python tools/sync.py

clean:
	rm -rf build .pytest_cache
