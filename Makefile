# The README's two commands: `make demo` and `make test`. Both build .venv themselves.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEMO   := demo-out

.PHONY: demo test test-fast lint imports typecheck pytest workbooks bench bundle pictures clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall when the package definition or the message catalogue (compiled by the build) changes.
BUILD_INPUTS := pyproject.toml setup.py tools/msgfmt.py lib/zhenggai/cli/locale/zh_CN/LC_MESSAGES/zhenggai.po

$(VENV)/.runtime: $(BUILD_INPUTS) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.dev: $(BUILD_INPUTS) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.runtime

# The monthly flow on the demo ledger, end to end; every step prints what it wrote.
# The whole run takes one day as today (ZHENGGAI_TODAY), so every date it writes agrees.
DEMO_DAY ?= 2026-11-28
demo: export ZHENGGAI_TODAY = $(DEMO_DAY)
demo: $(VENV)/.runtime
	rm -rf $(DEMO) && mkdir -p $(DEMO)
	$(BIN)/zhenggai init $(DEMO)/示例台账.xlsx --demo
	$(BIN)/zhenggai templates $(DEMO)/示例台账.xlsx --batch 2026年11月
	$(BIN)/zhenggai mail $(DEMO)/示例台账.xlsx
	$(BIN)/python -m zhenggai.demo.returns $(DEMO)/下发/2026年11月 $(DEMO)/回收
	$(BIN)/zhenggai check $(DEMO)/回收/宣传教育科-整改进展填报-2026年11月.xlsx --master $(DEMO)/示例台账.xlsx || test $$? -eq 1
	$(BIN)/zhenggai consolidate $(DEMO)/示例台账.xlsx || test $$? -eq 1
	$(BIN)/zhenggai overdue $(DEMO)/示例台账.xlsx
	$(BIN)/zhenggai study $(DEMO)/学习积分导出-2026年10月.xlsx --into $(DEMO)/示例台账.xlsx --period 2026年10月
	$(BIN)/zhenggai study $(DEMO)/学习积分导出-2026年11月.xlsx --into $(DEMO)/示例台账.xlsx --period 2026年11月
	$(BIN)/zhenggai bulletin $(DEMO)/示例台账.xlsx --docx $(DEMO)/督查通报.docx
	$(BIN)/zhenggai review $(DEMO)/示例台账.xlsx
	$(BIN)/zhenggai mail $(DEMO)/示例台账.xlsx --reminder
	$(BIN)/zhenggai report $(DEMO)/示例台账.xlsx --docx $(DEMO)/整改情况报告.docx
	$(BIN)/zhenggai addin build --out $(DEMO)/整改台账.xlam
	$(BIN)/zhenggai import $(DEMO)/示例台账.xlsx --sheet 台账 --into $(DEMO)/导入的台账.xlsx
	@echo "演示输出都在：$(CURDIR)/$(DEMO)"

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The layout's import contract (pyproject.toml [tool.importlinter]): a pure core, files only through io.
imports: $(VENV)/.dev
	$(BIN)/lint-imports

typecheck: $(VENV)/.dev
	$(BIN)/mypy --strict lib/ xl_addin/ tools/

pytest: $(VENV)/.dev
	$(BIN)/python -m pytest -q

test: lint imports typecheck pytest

# While you work: everything but the tests marked slow (hostile corpus, kills, LibreOffice, big data).
test-fast: $(VENV)/.dev
	$(BIN)/python -m pytest -q -m "not slow" -x

# Regenerate the shipped workbooks (a test fails when they drift from the code).
workbooks: $(VENV)/.runtime
	$(BIN)/zhenggai init workbooks/整改台账模板.xlsx --force
	$(BIN)/zhenggai init workbooks/示例台账.xlsx --demo --force   # writes the two study exports beside it

# Offline bundles for office PCs without internet (needs the package index to build):
# dist/zhenggai-<version>-windows-x64-offline.zip and dist/zhenggai-<version>-linux-x86_64-offline.zip.
bundle: $(VENV)/.dev
	$(BIN)/python -m tools.bundle --out dist

# The README's pictures, from the demo (LibreOffice -> PDF -> pdftoppm PNG); committed under docs/pictures/.
pictures: $(VENV)/.dev
	$(BIN)/python -m tools.pictures --out docs/pictures

clean:
	rm -rf $(VENV) $(DEMO) build dist .pytest_cache .mypy_cache .ruff_cache
