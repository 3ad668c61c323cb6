"""A whole month without a hand step: templates mailed, replies collected, consolidated, archived, reported.

The office's SMTP server (aiosmtpd) and mailbox (Dovecot) both run on
127.0.0.1; the units' replies are written as their mail programs write them
and delivered into the mailbox as an MTA would. Every step is the command
the office runs.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from tests.collect.conftest import ADDRESS, BATCH
from tests.conftest import set_settings
from tests.support.imapd import PASSWORD, imap_server
from tests.support.mailbuild import File, build_reply, craft_zip
from tests.support.mailtools import mail_server, smtp_settings
from tests.support.returns_kit import fill
from zhenggai.cli import main
from zhenggai.core.ledger import records
from zhenggai.core.sheets import BULLETIN, EVIDENCE, MAIL_IN, RETURNS
from zhenggai.io.master import read_ledger

PDF = b"%PDF-1.4\n" + b"evidence " * 200

# what each unit types into its template, the evidence it attaches, and its mail program
REPLIES: dict[str, tuple[str, dict[tuple[str, str], object], list[File]]] = {
    "机关党委": (
        "outlook",
        {
            ("2", "status"): "已完成",
            ("2", "progress"): "2026年11月20日召开下半年意识形态联席会议。",
            ("2", "done_date"): date(2026, 11, 20),
            ("2", "evidence"): "联席会议通知、会议纪要",
        },
        [File("联席会议通知.pdf", PDF + b"1"), File("会议纪要.pdf", PDF + b"2")],
    ),
    "人事科": (
        "foxmail",
        {
            ("4", "status"): "已完成",
            ("4", "done_date"): date(2026, 11, 25),
            ("4", "evidence"): "干部培训计划",
        },
        [
            File(
                "人事科11月电子档案.zip",
                craft_zip({"电子档案/4-干部培训计划.pdf": PDF + b"3"}, gbk_names=True),
            )
        ],
    ),
    "网络安全科": (
        "qqmail",
        {("9-2", "progress"): "已完成3个基层单位实地督查指导。"},
        [File("9-2 督查报告.pdf", PDF + b"4")],
    ),
    "宣传教育科": (
        "thunderbird",
        {("6-2", "status"): "正在整改", ("6-2", "progress"): "已上线专题课程2门。"},
        [
            File("喆堃同志签到表.jpg", b"\xff\xd8" + b"jpg" * 300),
            File("../../../覆盖.zip", craft_zip({"../x": b"x"})),
        ],
    ),
    "办公室": ("gbk2231", {("7-2", "progress"): "已对排名后10名人员进行提醒。"}, []),
    # 舆情信息科 does not reply
}


def _run(*argv: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, object]]:
    code = main([*argv, "--json"])
    return code, json.loads(capsys.readouterr().out)


@pytest.mark.slow
def test_a_month_of_mail_end_to_end(demo_master: Path, tmp_path, monkeypatch, capsys):
    folder = demo_master.parent
    with imap_server() as box, mail_server(tmp_path) as smtp:
        set_settings(demo_master, smtp_settings(smtp) | box.settings("SSL"))
        monkeypatch.setenv("ZHENGGAI_IMAP_PASSWORD", PASSWORD)
        monkeypatch.setenv("SSL_CERT_FILE", str(box.cert))

        # 1. templates issued and mailed through the office's SMTP server
        monkeypatch.setenv("ZHENGGAI_TODAY", "2026-11-28")
        assert main(["templates", str(demo_master), "--batch", BATCH]) == 0
        capsys.readouterr()
        code, sent = _run("mail", str(demo_master), "--send", capsys=capsys)
        assert code == 0 and len(smtp.received) == len(sent["deliveries"]) == 6

        # 2. the units reply from their mail programs, into the office's mailbox
        unit_dir = tmp_path / "各单位"
        replies: list[bytes] = []
        for got in smtp.received:
            msg = got.message
            unit = msg["To"].addresses[0].display_name
            if unit not in REPLIES:
                continue
            style, values, evidence = REPLIES[unit]
            (att,) = msg.iter_attachments()
            template = unit_dir / unit / att.get_filename()
            template.parent.mkdir(parents=True)
            template.write_bytes(att.get_content())
            filled = fill(
                template,
                unit_dir / unit / "已填" / template.name,
                values,
                saved=datetime(2026, 11, 29, 16),
            )
            replies.append(
                build_reply(
                    style,
                    sender=ADDRESS[unit],
                    sender_name=unit,
                    subject=str(msg["Subject"]),
                    files=[File(filled.name, filled.read_bytes()), *evidence],
                    in_reply_to=str(msg["Message-ID"]),
                    sent=datetime(2026, 11, 30, 9, 0),
                )
            )
            box.deliver(replies[-1], received=datetime(2026, 11, 30, 9, 1))
        box.deliver(  # someone the office does not know, about the batch
            build_reply("qqmail", sender="stranger@qq.example.org", sender_name="某人",
                        subject=f"【请填报】{BATCH}整改进展（办公室）", files=[File("x.pdf", PDF)]),
            received=datetime(2026, 11, 30, 12, 0),
        )  # fmt: skip

        # 3. collect: returns into 回收/, evidence into 电子档案/, the rest listed
        monkeypatch.setenv("ZHENGGAI_TODAY", "2026-12-01")
        code, got = _run("collect", str(demo_master), capsys=capsys)

    assert code == 1  # a stranger and a hostile zip are listed
    assert [m["sender"] for m in got["unknown_senders"]] == ["某人 <stranger@qq.example.org>"]
    returns = sorted(p.name for p in (folder / "回收" / BATCH).iterdir())
    assert returns == sorted(f"{u}-整改进展填报-{BATCH}.xlsx" for u in REPLIES)
    archived = sorted(
        p.relative_to(folder / "电子档案" / BATCH).as_posix()
        for p in (folder / "电子档案").rglob("*")
        if p.is_file()
    )
    assert archived == [
        "人事科/人事科11月电子档案/电子档案/4-干部培训计划.pdf",
        "宣传教育科/喆堃同志签到表.jpg",
        "机关党委/会议纪要.pdf",
        "机关党委/联席会议通知.pdf",
        "网络安全科/9-2 督查报告.pdf",
    ]
    refused = [f for f in got["files"] if f["outcome"] == "未保存"]
    assert [(f["unit"], f["name"]) for f in refused] == [("宣传教育科", "覆盖.zip")]
    assert len(records(read_ledger(demo_master).grid(MAIL_IN.name), MAIL_IN)) == 11

    # 4. consolidate what was collected; the 佐证材料 sheet follows the evidence applied
    code, merged = _run("consolidate", str(demo_master), capsys=capsys)
    assert code == 0, merged
    assert sorted(f["unit"] for f in merged["files"]) == sorted(REPLIES)
    ledger = read_ledger(demo_master)
    rows = ledger.table.by_id()
    assert (rows["2"].values["status"], rows["4"].values["status"]) == ("已完成", "已完成")
    log = {
        r["单位名称"]: r for r in records(ledger.grid(RETURNS.name), RETURNS) if r["批次"] == BATCH
    }
    assert [u for u, r in log.items() if r["回收时间"] is None] == ["舆情信息科"]
    index = {r["位置"]: r for r in records(ledger.grid(EVIDENCE.name), EVIDENCE)}
    linked = {Path(p).name: (r["编号"], r["关联依据"], r["来源"]) for p, r in index.items()}
    assert linked == {
        "联席会议通知.pdf": ("2", "佐证材料写明", f"邮件：机关党委 <{ADDRESS['机关党委']}>"),
        "会议纪要.pdf": ("2", "佐证材料写明", f"邮件：机关党委 <{ADDRESS['机关党委']}>"),
        "4-干部培训计划.pdf": (
            "4",
            "文件名含编号、佐证材料写明",
            f"邮件：人事科 <{ADDRESS['人事科']}>",
        ),
        "9-2 督查报告.pdf": ("9-2", "文件名含编号", f"邮件：网络安全科 <{ADDRESS['网络安全科']}>"),
        "喆堃同志签到表.jpg": (None, None, f"邮件：宣传教育科 <{ADDRESS['宣传教育科']}>"),
    }
    ws = openpyxl.load_workbook(demo_master)[EVIDENCE.name]
    targets = {c.value: c.hyperlink.target for c in ws["D"][1:] if c.hyperlink}
    assert targets["会议纪要.pdf"] == f"电子档案/{BATCH}/机关党委/会议纪要.pdf"
    assert (folder / targets["喆堃同志签到表.jpg"]).is_file()  # relative to the master's folder
    assert targets["9-2 督查报告.pdf"] == f"电子档案/{BATCH}/网络安全科/9-2%20督查报告.pdf"

    # 5. the bulletin counts done items without an archived file (1, 5-1 and 8 of the demo)
    docx = folder / "督查通报.docx"
    assert main(["bulletin", str(demo_master), "--docx", str(docx)]) == 0
    capsys.readouterr()
    draft = "".join(str(r[0] or "") for r in read_ledger(demo_master).grid(BULLETIN.name))
    assert (
        "已完成的5项台账事项中，有3项在电子档案中没有佐证材料文件：办公室1项（编号1）；机关党委1项（编号5-1）；"
        "网络安全科1项（编号8）。请相关单位及时报送佐证材料。"
    ) in draft
    assert docx.is_file()

    # 6. a second collect finds nothing new and leaves the master alone
    with imap_server() as box2:  # a new server, the same mail: only 收件记录 prevents repeats
        for raw in replies:
            box2.deliver(raw)
        set_settings(demo_master, box2.settings("SSL"))
        monkeypatch.setenv("SSL_CERT_FILE", str(box2.cert))
        before = demo_master.read_bytes()
        code, again = _run("collect", str(demo_master), capsys=capsys)
    assert again["files"] == [] and again["already_collected"] == 5
    assert again["saved"] is None and demo_master.read_bytes() == before
