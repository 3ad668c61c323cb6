"""``xl_addin.buttons.run``: the one entry point of every ribbon button."""

from __future__ import annotations

import importlib
import inspect
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import xlwings

from tests.conftest import write_book
from tests.xl_addin.payload import payload
from xl_addin import buttons
from xl_addin.buttons import HANDLERS, handler, main, run
from xl_addin.buttons_spec import BUTTONS


@pytest.fixture
def caller() -> Iterator[None]:
    """Forget the mock caller a test set (xlwings keeps it on the Book class)."""
    yield
    if hasattr(xlwings.Book, "_mock_caller"):
        del xlwings.Book._mock_caller


def _alerts(book: xlwings.Book) -> list[list[str]]:
    return [a["args"] for a in book.json()["actions"] if a["func"] == "alert"]


def _writes(book: xlwings.Book) -> list[dict[str, object]]:
    """The actions that change the workbook (not app settings, not the message box)."""
    return [
        a
        for a in book.json()["actions"]
        if a["sheet_position"] is not None or a["func"] == "addSheet"
    ]


def test_every_button_has_a_handler_and_every_handler_a_button() -> None:
    assert [b.tag for b in BUTTONS] == list(HANDLERS)
    for button in BUTTONS:
        function = handler(button.tag)
        module = importlib.import_module(f"xl_addin.handlers.{button.module}")
        assert function is getattr(module, button.tag)
        assert button.tag in module.__all__
        assert list(inspect.signature(function).parameters) == ["book"]
    assert handler("nope") is None
    assert list(HANDLERS) == [  # the buttons of issue 17, grouped as on the ribbon
        "make_templates",
        "mail_drafts",
        "remind",
        "collect_mail",
        "consolidate",
        "check_return",
        "undo_consolidate",
        "flag_overdue",
        "bulletin",
        "review",
        "draft_report",
        "import_study",
        "selftest",
    ]
    modules = Path(__file__).parents[2] / "xl_addin" / "handlers"
    exported = {
        name
        for path in modules.glob("[!_]*.py")
        if path.stem != "base"
        for name in importlib.import_module(f"xl_addin.handlers.{path.stem}").__all__
    }
    assert exported == set(HANDLERS)  # no handler without a button


def test_run_dispatches_to_the_handler_of_the_callers_book(
    demo_master: Path, open_book, caller
) -> None:
    book = open_book(demo_master)
    book.set_mock_caller()
    run("make_templates")
    [(message, title, _, mode, _)] = _alerts(book)
    assert message.startswith("已为 ") and (title, mode) == ("整改台账", "info")


def test_unknown_tag_is_a_clear_alert(demo_master: Path, open_book, caller) -> None:
    book = open_book(demo_master)
    book.set_mock_caller()
    run("no_such_button")
    [(message, title, _, mode, _)] = _alerts(book)
    assert "没有“no_such_button”这个按钮" in message and "zhenggai addin install" in message
    assert (title, mode) == ("整改台账", "critical")


def test_a_zhenggai_error_becomes_an_alert_not_a_traceback(
    tmp_path: Path, open_book, caller
) -> None:
    book = open_book(write_book(tmp_path / "别的表.xlsx", {"Sheet1": [["随便什么"]]}))
    book.set_mock_caller()
    run(BUTTONS[0].tag)
    [(message, _, _, mode, _)] = _alerts(book)
    assert message.startswith("这不是 zhenggai 台账") and mode == "critical"
    assert not _writes(book)


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="opens Excel there")
def test_main_needs_excel(capsys) -> None:
    assert main([BUTTONS[0].tag, "台账.xlsx"]) == 2
    assert "需要 Excel" in capsys.readouterr().err


def test_main_rejects_unknown_tags(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["no_such_button", "台账.xlsx"])
    assert buttons.__doc__ and "python -m xl_addin.buttons" in buttons.__doc__


def test_an_unsaved_book_is_refused_before_anything_is_written(demo_master: Path, caller) -> None:
    data = payload(demo_master)
    data["book"]["name"] = "工作簿1"  # what Excel calls a book never saved
    book = xlwings.Book(json=data)
    book.set_mock_caller()
    run(BUTTONS[0].tag)
    [(message, _, _, mode, _)] = _alerts(book)
    assert message.startswith("这个工作簿还没有保存成文件") and mode == "critical"
    assert not _writes(book)


def test_consolidate_without_a_returns_folder_says_where_it_looked(
    demo_master: Path, open_book, caller
) -> None:
    book = open_book(demo_master)
    book.set_mock_caller()
    run("consolidate")
    [(message, _, _, mode, _)] = _alerts(book)
    assert (
        message.startswith(f"找不到回收文件夹：{demo_master.parent / '回收'}")
        and mode == "critical"
    )


def test_importing_the_dispatcher_loads_no_part_of_the_library() -> None:
    """A click starts a fresh Python that imports the dispatcher first.

    It runs as the VBA add-in does on an office PC: pandas is not part of the
    default install (it is the "pandas" extra; xlwings imports it when it is
    there) and no xlwings licence key is set (with one, xlwings loads its
    Server and reports code, jinja2 included).
    """
    code = (
        "import sys; sys.modules['pandas'] = None; import xl_addin.buttons; "
        "print('\\n'.join(m for m, v in sys.modules.items() if v is not None))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={k: v for k, v in os.environ.items() if k != "XLWINGS_LICENSE_KEY"},
    )
    loaded = set(out.stdout.split())
    heavy = {"pandas", "docx", "jinja2", "pydantic", "openpyxl", "python_calamine"}
    assert "xl_addin.buttons" in loaded
    assert not {m for m in loaded if m.split(".")[0] in heavy}
    assert not {m for m in loaded if m.startswith("zhenggai.") and m != "zhenggai._version"}


@dataclass
class _Import:
    name: str
    children: list[_Import] = field(default_factory=list)

    def names(self, *, skip: str = "") -> set[str]:
        """This module and all it imported, leaving out *skip*'s own imports."""
        if self.name == skip:
            return {self.name}
        return {self.name}.union(*(c.names(skip=skip) for c in self.children))


def _import_tree(code: str) -> dict[str, _Import]:
    """``python -X importtime -c code``: each top-level import with what it imported."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={k: v for k, v in os.environ.items() if k != "XLWINGS_LICENSE_KEY"},
    )
    # Lines come children first, each indented two spaces per level of nesting.
    pending: dict[int, list[_Import]] = {}
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "imported package" in line:
            continue
        raw = line.rsplit("|", 1)[1][1:]
        depth = (len(raw) - len(raw.lstrip(" "))) // 2
        node = _Import(raw.strip(), pending.pop(depth + 1, []))
        pending.setdefault(depth, []).append(node)
    return {n.name: n for n in pending.get(0, [])}


HEAVY = {"pandas", "docx", "jinja2", "pydantic", "openpyxl", "python_calamine"}


def _heavy(names: set[str]) -> set[str]:
    return {n for n in names if n.split(".")[0] in HEAVY}


def test_importtime_keeps_pandas_docx_jinja2_and_pydantic_out_of_the_dispatcher() -> None:
    """-X importtime names who imported what: only xlwings may bring pandas (when installed)."""
    tree = _import_tree("import xl_addin.buttons")
    dispatcher = tree["xl_addin.buttons"]
    assert "xlwings" in {c.name for c in dispatcher.children}
    assert not _heavy(dispatcher.names(skip="xlwings"))
    assert not {n for n in dispatcher.names(skip="xlwings") if n.startswith("zhenggai.")}


@pytest.mark.parametrize("module", sorted({b.module for b in BUTTONS}))
def test_importing_a_handler_module_loads_nothing_heavy(module: str) -> None:
    """Each handler imports the library inside its body: a click pays for its own button only."""
    tree = _import_tree(f"import xl_addin.handlers.{module}")
    loaded = set().union(*(n.names(skip="xlwings") for n in tree.values()))
    assert f"xl_addin.handlers.{module}" in loaded
    assert not _heavy(loaded), module
