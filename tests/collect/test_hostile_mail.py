"""Hostile attachments in a unit's reply: nothing lands outside its folder, the rest is saved."""

from __future__ import annotations

import base64
import os
import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from tests.collect.conftest import ADDRESS, BATCH, Office
from tests.support.mailbuild import File, craft_zip
from zhenggai.core.problems import Code
from zhenggai.mail.imap import MAX_MESSAGE

PDF = b"%PDF-1.4 good evidence\n" * 30


def _everything(top: Path) -> set[str]:
    return {p.relative_to(top).as_posix() for p in top.rglob("*") if p.is_file()}


def test_hostile_attachments_are_refused_one_by_one(office: Office, capsys):
    outside = office.folder.parent
    before = _everything(outside)
    bomb_xlsx = craft_zip(
        {"[Content_Types].xml": b"<Types/>", "xl/worksheets/sheet1.xml": b"\0" * (30 << 20)}
    )
    files = [
        File("1-好的佐证.pdf", PDF),
        File("炸弹.zip", craft_zip({"zeros.pdf": b"\0" * (40 << 20)})),
        File(
            "穿越.zip",
            craft_zip({"ok.pdf": b"ok", "../../../../passwd": b"root:x"}, gbk_names=True),
        ),
        File("巨大.zip", craft_zip({"big.pdf": b"tiny"}, declared={"big.pdf": 0xFFFFFFF0})),
        File("很多.zip", craft_zip({"a.pdf": b"a"}, entries=60000)),
        File("bzip2.zip", craft_zip({"a.pdf": b"a" * 100}, method=zipfile.ZIP_BZIP2)),
        File("..\\..\\..\\回收\\覆盖.pdf", b"would overwrite"),
        File("/etc/cron.d/evil", b"* * * * * root rm -rf /"),
        File("办公室-整改进展填报-2026年11月.xlsx", bomb_xlsx),  # a bomb named like a return
        File("winmail.dat", b"\x78\x9f\x3e\x22" + b"\0" * 100),
    ]
    office.reply("办公室", files, style="foxmail")

    code, out = office.collect(capsys=capsys)

    assert code == 1
    outcomes = {f["name"]: (f["outcome"], f["path"]) for f in out["files"]}
    assert outcomes["1-好的佐证.pdf"] == ("已保存", f"电子档案/{BATCH}/办公室/1-好的佐证.pdf")
    for name in ("炸弹.zip", "穿越.zip", "巨大.zip", "很多.zip", "bzip2.zip", "winmail.dat"):
        assert outcomes[name] == ("未保存", ""), name
    # path names in MIME keep only their last part, inside the unit's folder
    assert outcomes["覆盖.pdf"] == ("已保存", f"电子档案/{BATCH}/办公室/覆盖.pdf")
    assert outcomes["evil"] == ("已保存", f"电子档案/{BATCH}/办公室/evil")
    # a hostile workbook is stored as bytes for the consolidation to refuse, never parsed here
    assert (
        outcomes["办公室-整改进展填报-2026年11月.xlsx"][1]
        == f"回收/{BATCH}/办公室-整改进展填报-2026年11月.xlsx"
    )
    codes = sorted(p["code"] for p in out["problems"])
    assert codes == sorted(
        [Code.FILE_TOO_LARGE.value, Code.FILE_UNSAFE.value, Code.FILE_TOO_LARGE.value,
         Code.FILE_TOO_LARGE.value, Code.FILE_UNSUPPORTED.value, Code.ATTACHMENT_REFUSED.value]
    )  # fmt: skip
    # nothing was written anywhere but the two folders collecting owns (and the master)
    after = _everything(outside) - before
    written = {
        p
        for p in after
        if not p.startswith((f"{office.folder.name}/回收/", f"{office.folder.name}/电子档案/"))
    }
    assert written <= {f"{office.folder.name}/台账.xlsx"} | {p for p in after if "/备份/" in p}
    assert not (Path("/etc/cron.d/evil")).exists()
    # the refusals are in 收件记录 for good: a second run does not download the message again
    log = {r["附件"]: r for r in office.log()}
    assert log["炸弹.zip"]["结果"] == "未保存" and "炸弹" in log["炸弹.zip"]["说明"]
    code, again = office.collect(capsys=capsys)
    assert again["already_collected"] == 1 and again["files"] == []


def test_consolidate_refuses_the_hostile_workbook_collect_saved(office: Office, capsys):
    bomb = craft_zip(
        {"[Content_Types].xml": b"<Types/>", "xl/worksheets/sheet1.xml": b"\0" * (30 << 20)}
    )
    office.reply("办公室", [File("办公室-整改进展填报-2026年11月.xlsx", bomb)])
    office.collect(capsys=capsys)
    from zhenggai.cli import main

    assert main(["consolidate", str(office.master), "--json"]) == 1
    text = capsys.readouterr().out
    assert "rejected" in text and "file-too-large" in text


@pytest.mark.slow
def test_a_message_over_the_limit_is_not_downloaded(office: Office, capsys):
    size = MAX_MESSAGE + (1 << 20)
    head = (
        f"From: <{ADDRESS['办公室']}>\r\nTo: <office@example.org>\r\nSubject: 2026年11月电子档案\r\n"
        "Message-ID: <huge@unit.example.org>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="B"\r\n\r\n--B\r\n'
        'Content-Type: application/pdf; name="huge.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
    ).encode()
    line = base64.b64encode(os.urandom(57)) + b"\r\n"
    raw = head + line * (size // len(line)) + b"--B--\r\n"
    office.box.deliver(raw, received=datetime(2026, 11, 30, 10, 0))
    code, out = office.collect(capsys=capsys)
    assert code == 1 and out["files"] == []
    (listed,) = out["unfiled"]
    assert "没有下载" in listed["reason"]
    assert [p["code"] for p in out["problems"]] == [Code.MAIL_TOO_LARGE.value]
