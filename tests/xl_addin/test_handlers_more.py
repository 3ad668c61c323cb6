"""The buttons added for ribbon parity, and how every button fails: one Chinese sentence.

Each runs through the dispatcher (``run(tag, file)``, as the VBA calls it) on a
real xlwings Book of a real master; files the handlers read and write are real.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
import xlwings

from tests.support.blocked import unwritable
from tests.support.returns_kit import issue
from tests.xl_addin.payload import payload
from tests.xl_addin.replay import replay
from xl_addin import buttons
from xl_addin.buttons import run
from xl_addin.handlers import issue as issue_handlers
from xl_addin.handlers import selftest
from xl_addin.picked import FILE_SETTING, encode_path
from zhenggai.core.sheets import LEDGER
from zhenggai.demo.returns import fill_demo_returns
from zhenggai.io.master import read_ledger
from zhenggai.returns.consolidate import consolidate_folder

WORKBOOKS = Path(__file__).parents[2] / "workbooks"


@pytest.fixture
def caller() -> Iterator[None]:
    """Forget the mock caller a test set (xlwings keeps it on the Book class)."""
    yield
    if hasattr(xlwings.Book, "_mock_caller"):
        del xlwings.Book._mock_caller


def _click(book: xlwings.Book, tag: str, file: Path | None = None) -> list[tuple[str, str]]:
    """Click *tag* on *book* as the VBA does; the (message, mode) of each message box."""
    book.set_mock_caller()
    run(tag, encode_path(str(file)) if file else "")
    return [(a["args"][0], a["args"][3]) for a in book.json()["actions"] if a["func"] == "alert"]


def _writes(book: xlwings.Book) -> list[str]:
    return [
        a["func"]
        for a in book.json()["actions"]
        if a["sheet_position"] is not None or a["func"] == "addSheet"
    ]


def _issued(master: Path) -> Path:
    return next(iter(issue(master).values())).parent


def test_mail_drafts_write_one_eml_per_unit_and_leave_the_book(
    demo_master: Path, open_book, caller
) -> None:
    folder = _issued(demo_master)
    book = open_book(demo_master)
    [(message, mode)] = _click(book, "mail_drafts")
    emls = sorted((folder / "邮件").glob("*.eml"))
    assert len(emls) == len(read_ledger(demo_master).units) and mode == "info"
    assert message.startswith(
        f"已生成{folder.name}填报模板邮件 {len(emls)} 封，在 {folder / '邮件'}。"
    )
    assert b"X-Unsent: 1" in emls[0].read_bytes()
    assert not _writes(book)


def test_reminders_go_to_the_units_that_have_not_returned(
    demo_master: Path, open_book, caller
) -> None:
    folder = _issued(demo_master)
    book = open_book(demo_master)
    [(message, _)] = _click(book, "remind")
    emls = sorted((folder / "邮件").glob("*.eml"))
    assert emls and message.startswith(f"已生成{folder.name}催报邮件 {len(emls)} 封")
    assert not _writes(book)
    assert issue_handlers.__all__ == ["mail_drafts", "make_templates", "remind"]


def test_check_one_file_from_the_dialog_changes_nothing(
    demo_master: Path, open_book, caller
) -> None:
    returns = demo_master.parent / "回收"
    fill_demo_returns(_issued(demo_master), returns)
    picked = returns / "宣传教育科-整改进展填报-2026年11月.xlsx"
    want = read_ledger(demo_master)
    book = open_book(demo_master)
    [(message, mode)] = _click(book, "check_return", picked)
    assert message.startswith(f"{picked.name}（宣传教育科，2026年11月）：") and mode == "info"
    assert "问题 " in message and "按台账预览：汇总时将修改" in message
    assert message.endswith("（只做了检查，没有改动任何文件。）")
    assert not _writes(book) and read_ledger(demo_master).table.rows == want.table.rows


def test_check_one_file_from_a_web_client_reads_the_setting_row(
    demo_master: Path, open_book, caller
) -> None:
    returns = demo_master.parent / "回收"
    fill_demo_returns(_issued(demo_master), returns)
    picked = returns / "人事科-整改进展填报-2026年11月.xlsx"
    wb = openpyxl.load_workbook(demo_master)
    wb["设置"].append([FILE_SETTING, str(picked)])
    wb.save(demo_master)
    [(message, _)] = _click(open_book(demo_master), "check_return")
    assert message.startswith(f"{picked.name}（人事科，2026年11月）：")


def test_check_without_a_file_says_how_to_give_one(demo_master: Path, open_book, caller) -> None:
    [(message, mode)] = _click(open_book(demo_master), "check_return")
    assert message.startswith("没有选择要检查的报送文件") and FILE_SETTING in message
    assert mode == "critical"


def test_study_import_takes_the_month_the_export_names(
    demo_master: Path, open_book, caller
) -> None:
    picked = demo_master.parent / "积分.xlsx"
    shutil.copy2(WORKBOOKS / "学习积分导出-2026年10月.xlsx", picked)
    book = open_book(demo_master)
    [(message, mode)] = _click(book, "import_study", picked)
    assert message.startswith("已导入2026年10月（按表格标题）学习积分：22 人") and mode == "info"
    excel = replay(payload(demo_master), book.json()["actions"])
    history = excel["学习积分"].grid()
    assert {row[0] for row in history[1:]} == {"2026年10月"} and len(history) == 23


def test_selftest_writes_its_mark_into_a_sheet_of_its_own(
    demo_master: Path, open_book, caller
) -> None:
    book = open_book(demo_master)
    [(message, mode)] = _click(book, "selftest")
    assert message.startswith("自检通过") and mode == "info"
    excel = replay(payload(demo_master), book.json()["actions"])
    grid = excel[selftest.SHEET].grid()
    assert str(grid[0][0]).startswith(selftest.MARK_OK + " ")  # what the VBA reads back
    assert "[通过] Python 程序包" in str(grid[2][0])
    assert excel.names[-1] == selftest.SHEET


# --- failures ---------------------------------------------------------------------------------


def test_problem_lists_not_written_after_the_ledger_changed_say_both(
    demo_master: Path, open_book, caller
) -> None:
    fill_demo_returns(_issued(demo_master), demo_master.parent / "回收")
    want = consolidate_folder(read_ledger(demo_master))
    book = open_book(demo_master)
    with unwritable(demo_master.parent / "反馈"):
        [(message, mode)] = _click(book, "consolidate")
    assert mode == "critical"
    assert message.startswith(
        f"台账已更新（尚未保存，检查后按 Ctrl+S 保存）：共 {len(want.files)} 个文件，"
        f"修改 {want.n_changes} 处，冲突 0 处；但问题清单 2 份未写出，第一份："
    )
    assert "没有写入权限" in message and "“校验问题”表" in message
    excel = replay(payload(demo_master), book.json()["actions"])
    assert len(excel["变更记录"].grid()) - 1 == want.n_changes  # the ledger did change


def test_a_word_file_that_cannot_be_written_says_the_draft_is_in_the_sheet(
    demo_master: Path, open_book, caller
) -> None:
    book = open_book(demo_master)
    (demo_master.parent / "报告草稿").mkdir()
    with unwritable(demo_master.parent):
        [(message, mode)] = _click(book, "draft_report")
    assert message.startswith("草稿已写入“报告草稿”表（尚未保存，检查后按 Ctrl+S 保存）；但“")
    assert "没有写入权限" in message and mode == "critical"
    assert "setValues" in _writes(book)


def test_an_unexpected_error_is_one_sentence_and_a_log(
    demo_master: Path, open_book, caller, monkeypatch, tmp_path: Path
) -> None:
    """A bug (here a handler that raises KeyError) never shows the user a traceback."""
    from xl_addin.handlers import overdue

    def broken(book: xlwings.Book) -> None:
        raise KeyError("预警")

    log = tmp_path / "errors.log"
    monkeypatch.setattr(buttons, "ERROR_LOG", log)
    monkeypatch.setattr(overdue, "flag_overdue", broken)
    [(message, mode)] = _click(open_book(demo_master), "flag_overdue")
    assert (
        message.startswith("“逾期预警”没有完成：程序内部错误（KeyError）。") and mode == "critical"
    )
    assert "Traceback" not in message and str(log) in message
    assert "Traceback (most recent call last)" in log.read_text(encoding="utf-8")
    assert "KeyError: '预警'" in log.read_text(encoding="utf-8")


def test_excel_is_quiet_while_a_handler_writes_and_restored_when_it_fails(
    demo_master: Path, caller, monkeypatch
) -> None:
    data = payload(demo_master)
    data["book"]["calculation"] = "Automatic"  # what the Office.js client sends
    monkeypatch.chdir(demo_master.parent)
    book = xlwings.Book(json=data)
    messages = _click(book, "consolidate")  # no 回收 folder: fails after quiet() began
    assert messages[0][0].startswith("找不到回收文件夹")
    funcs = [(a["func"], a["args"]) for a in book.json()["actions"]]
    settings = [f for f in funcs if f[0] in ("setScreenUpdating", "setCalculation")]
    assert settings == [
        ("setScreenUpdating", [False]),
        ("setCalculation", ["Manual"]),
        ("setCalculation", ["Automatic"]),
        ("setScreenUpdating", [True]),
    ]
    assert funcs.index(settings[-1]) < funcs.index(next(f for f in funcs if f[0] == "alert"))


def test_an_unsaved_book_is_told_to_save_first(demo_master: Path, caller) -> None:
    data = payload(demo_master)
    data["book"]["name"] = "工作簿1"
    book = xlwings.Book(json=data)
    for tag in ("consolidate", "undo_consolidate", "flag_overdue"):
        book = xlwings.Book(json=data)
        [(message, mode)] = _click(book, tag)
        assert message.startswith("这个工作簿还没有保存成文件") and mode == "critical", tag
        assert not _writes(book)


def test_a_sheet_missing_from_the_ledger_is_a_clear_message(
    demo_master: Path, open_book, caller
) -> None:
    wb = openpyxl.load_workbook(demo_master)
    del wb[LEDGER]
    wb.save(demo_master)
    [(message, mode)] = _click(open_book(demo_master), "flag_overdue")
    assert mode == "critical" and "台账" in message and "Traceback" not in message


def test_an_undo_record_that_cannot_be_saved_is_said_and_the_consolidation_stands(
    demo_master: Path, open_book, caller
) -> None:
    fill_demo_returns(_issued(demo_master), demo_master.parent / "回收")
    book = open_book(demo_master)
    with unwritable(demo_master.parent / "备份"):
        [(message, mode)] = _click(book, "consolidate")
    assert mode == "info" and message.startswith("共 ")
    assert "注意：撤销信息未能保存，这次汇总不能用“撤销上次汇总”撤销：" in message
    assert "没有写入权限" in message
    assert (demo_master.parent / "反馈").is_dir()  # the problem lists were still written
