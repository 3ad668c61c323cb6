"""收取邮件 on a real xlwings Book, from a real mailbox (Dovecot on 127.0.0.1)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import xlwings

from tests.support.imapd import Mailbox, mail_waiting
from tests.support.mailbuild import File, build_reply
from tests.xl_addin.payload import payload
from tests.xl_addin.replay import replay, save
from xl_addin.buttons import run
from zhenggai.core.sheets import EVIDENCE, MAIL_IN


@pytest.fixture
def caller() -> Iterator[None]:
    yield
    if hasattr(xlwings.Book, "_mock_caller"):
        del xlwings.Book._mock_caller


def _click(book: xlwings.Book) -> tuple[list[tuple[str, str]], list[dict[str, object]]]:
    book.set_mock_caller()
    run("collect_mail", "")
    actions = book.json()["actions"]
    return [(a["args"][0], a["args"][3]) for a in actions if a["func"] == "alert"], actions


def test_the_button_saves_the_files_and_writes_the_logs_into_the_book(
    demo_master: Path, mailbox: Mailbox, open_book, caller, monkeypatch
) -> None:
    mail_waiting(demo_master, mailbox, monkeypatch)
    book = open_book(demo_master)
    [(message, mode)], actions = _click(book)
    assert mode == "info"
    assert message.startswith(
        "收取2026年11月的回复 1 封：报送表 1 个存进回收文件夹，佐证材料 1 个存进电子档案文件夹。"
    )
    assert "点“一键汇总”汇总报送表。" in message
    folder = demo_master.parent
    assert (folder / "回收/2026年11月/办公室-整改进展填报-2026年11月.xlsx").is_file()
    assert (folder / "电子档案/2026年11月/办公室/1-党组会议纪要.pdf").read_bytes() == b"%PDF-1.4"
    excel = replay(payload(demo_master), actions)
    log = excel[MAIL_IN.name]
    assert log.values[(2, MAIL_IN.column("附件"))] == "办公室-整改进展填报-2026年11月.xlsx"
    assert (
        log.values[(3, MAIL_IN.column("保存位置"))]
        == "电子档案/2026年11月/办公室/1-党组会议纪要.pdf"
    )
    formulas = [a for a in actions if a["func"] == "setFormula"]
    assert [a["values"] for a in formulas] == [
        [['=HYPERLINK("电子档案/2026年11月/办公室/1-党组会议纪要.pdf","1-党组会议纪要.pdf")']]
    ]
    assert (formulas[0]["start_row"], formulas[0]["start_column"]) == (
        1,
        EVIDENCE.column("文件") - 1,
    )
    assert excel[EVIDENCE.name].values[(2, EVIDENCE.column("编号"))] == "1"


def test_more_mail_costs_no_more_calls_into_excel(
    demo_master: Path, mailbox: Mailbox, open_book, caller, monkeypatch
) -> None:
    mail_waiting(demo_master, mailbox, monkeypatch)
    _, actions = _click(open_book(demo_master))
    first = Counter(a["func"] for a in actions)
    save(replay(payload(demo_master), actions), demo_master)  # the user saves the book
    for n in range(12):
        mailbox.deliver(
            build_reply(
                "qqmail",
                sender="xuanjiao@example.org",
                sender_name="宣传教育科",
                subject=f"2026年11月电子档案（第{n}批）",
                files=[
                    File(f"6-2 截图{n}.png", b"png%d" % n),
                    File(f"7-1 纪要{n}.pdf", b"pdf%d" % n),
                ],
            ),
            received=datetime(2026, 11, 30, 11, n),
        )
    [(message, _)], actions = _click(open_book(demo_master))
    assert message.startswith(
        "收取2026年11月的回复 12 封：报送表 0 个存进回收文件夹，佐证材料 24 个"
    )
    later = Counter(a["func"] for a in actions)
    assert abs(sum(later.values()) - sum(first.values())) <= 2, (first, later)


def test_without_a_saved_password_it_says_how_to_save_one(
    demo_master: Path, mailbox: Mailbox, open_book, caller, monkeypatch
) -> None:
    mail_waiting(demo_master, mailbox, monkeypatch)
    monkeypatch.delenv("ZHENGGAI_IMAP_PASSWORD")
    [(message, mode)], _ = _click(open_book(demo_master))
    assert mode == "critical"
    assert "zhenggai collect 台账.xlsx --save-password" in message
    assert not (demo_master.parent / "回收").exists()
