"""``zhenggai collect`` against a real IMAP server (Dovecot), with replies as mail programs write them."""

from __future__ import annotations

import hashlib
from datetime import date, datetime

from tests.collect.conftest import ADDRESS, BATCH, SUBJECT, Office
from tests.conftest import set_settings, write_book
from tests.support.mailbuild import File, craft_zip
from zhenggai.cli import main
from zhenggai.core.problems import Code

PDF = b"%PDF-1.4\n% minutes of the 11 November meeting\n" * 40
JPG = b"\xff\xd8\xff\xe0" + b"sign-in sheet photo" * 200
DOCX = b"PK\x03\x04 not really a docx but named so" * 10


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_replies_of_every_client_land_where_they_belong(office: Office, capsys):
    back = office.filled("机关党委", {("2", "progress"): "已召开联席会议。"})
    office.reply("机关党委", [back, File("2-联席会议纪要.pdf", PDF)], style="outlook")
    office.reply(
        "宣传教育科",
        [office.filled("宣传教育科"), File("喆堃同志签到表.jpg", JPG)],
        style="foxmail",
    )
    zipped = craft_zip(
        {"11月电子档案/6-2 专题课程截图.jpg": JPG + b"2", "11月电子档案/说明.docx": DOCX},
        gbk_names=True,
    )
    office.reply(
        "人事科", [office.filled("人事科"), File("人事科11月电子档案.zip", zipped)], style="qqmail"
    )
    office.reply(
        "网络安全科",
        [File("9-2督查报告.pdf", PDF + b"x")],
        style="thunderbird",
        subject="2026年11月电子档案",
    )

    code, out = office.collect(capsys=capsys)

    assert code == 0, out["problems"]
    assert out["batch"] == BATCH and out["messages"] == 4
    assert office.files() == {
        f"回收/{BATCH}/机关党委-整改进展填报-{BATCH}.xlsx",
        f"回收/{BATCH}/宣传教育科-整改进展填报-{BATCH}.xlsx",
        f"回收/{BATCH}/人事科-整改进展填报-{BATCH}.xlsx",
        f"电子档案/{BATCH}/机关党委/2-联席会议纪要.pdf",
        f"电子档案/{BATCH}/宣传教育科/喆堃同志签到表.jpg",
        f"电子档案/{BATCH}/人事科/人事科11月电子档案/11月电子档案/6-2 专题课程截图.jpg",
        f"电子档案/{BATCH}/人事科/人事科11月电子档案/11月电子档案/说明.docx",
        f"电子档案/{BATCH}/网络安全科/9-2督查报告.pdf",
    }
    # the bytes are the attachments' own
    assert (office.folder / f"电子档案/{BATCH}/机关党委/2-联席会议纪要.pdf").read_bytes() == PDF
    assert (
        office.folder / f"回收/{BATCH}/机关党委-整改进展填报-{BATCH}.xlsx"
    ).read_bytes() == back.data
    # every file is in 收件记录 with its message, unit, batch and hash
    log = office.log()
    rows = {(r["单位名称"], r["附件"]): r for r in log}
    assert len(log) == 8
    row = rows[("机关党委", "2-联席会议纪要.pdf")]
    assert (row["批次"], row["结果"], row["SHA256"]) == (BATCH, "已保存", sha(PDF))
    assert row["保存位置"] == f"电子档案/{BATCH}/机关党委/2-联席会议纪要.pdf"
    assert row["发件人"] == f"机关党委 <{ADDRESS['机关党委']}>"
    assert row["主题"] == "答复: " + SUBJECT.format(unit="机关党委")
    assert rows[("网络安全科", "9-2督查报告.pdf")]["说明"] is None  # nothing to explain
    # the 佐证材料 sheet links every archived file; 编号 in a name links it to the item
    index = {r["位置"]: r for r in office.index()}
    assert set(index) == {p for p in office.files() if p.startswith("电子档案/")}
    assert index[f"电子档案/{BATCH}/网络安全科/9-2督查报告.pdf"]["编号"] == "9-2"
    assert index[f"电子档案/{BATCH}/网络安全科/9-2督查报告.pdf"]["关联依据"] == "文件名含编号"
    assert index[f"电子档案/{BATCH}/宣传教育科/喆堃同志签到表.jpg"]["编号"] is None
    # the mailbox is as it was: nothing marked read, nothing moved
    assert all(b"\\Seen" not in f for f in office.box.flags())
    assert len(office.box.flags()) == 4


def test_collecting_twice_collects_once(office: Office, capsys):
    office.reply("办公室", [office.filled("办公室"), File("1-党组会议纪要.pdf", PDF)])
    code, first = office.collect(capsys=capsys)
    assert code == 0 and first["messages"] == 1
    before = office.master.read_bytes()
    files = office.files()

    code, second = office.collect(capsys=capsys)
    assert code == 0
    assert (second["messages"], second["already_collected"], second["files"]) == (0, 1, [])
    assert second["saved"] is None  # nothing new: the master is not written again
    assert office.master.read_bytes() == before and office.files() == files


def test_the_same_bytes_again_are_not_saved_again_and_nothing_is_overwritten(
    office: Office, capsys
):
    office.reply("办公室", [File("会议纪要.pdf", PDF)], subject="2026年11月电子档案")
    office.collect(capsys=capsys)
    # resent in a new message, and a different file under the same name
    office.reply("办公室", [File("会议纪要.pdf", PDF), File("纪要副本.pdf", PDF)], subject="再次报送2026年11月电子档案",
                 received=datetime(2026, 11, 30, 11, 0))  # fmt: skip
    office.reply("办公室", [File("会议纪要.pdf", PDF + b"v2")], subject="2026年11月电子档案（更正）",
                 received=datetime(2026, 11, 30, 12, 0))  # fmt: skip
    code, out = office.collect(capsys=capsys)
    assert code == 0
    outcomes = [(f["name"], f["outcome"], f["path"]) for f in out["files"]]
    first = f"电子档案/{BATCH}/办公室/会议纪要.pdf"
    assert outcomes == [
        ("会议纪要.pdf", "重复", first),
        ("纪要副本.pdf", "重复", first),
        ("会议纪要.pdf", "已保存", f"电子档案/{BATCH}/办公室/会议纪要（2）.pdf"),
    ]
    assert (office.folder / first).read_bytes() == PDF
    assert (
        office.folder / f"电子档案/{BATCH}/办公室/会议纪要（2）.pdf"
    ).read_bytes() == PDF + b"v2"


def test_unknown_senders_are_listed_not_guessed(office: Office, capsys):
    office.reply("办公室", [office.filled("办公室")], sender="liuyang.home@qq.example.org")
    office.box.deliver(
        b"From: shop@ads.example.com\r\nSubject: Black Friday\r\nMessage-ID: <ad@x>\r\n\r\nbuy"
    )
    code, out = office.collect(capsys=capsys)
    assert code == 1
    assert out["messages"] == 0 and out["files"] == [] and office.files() == set()
    (unknown,) = out["unknown_senders"]
    assert unknown["sender"] == "办公室 <liuyang.home@qq.example.org>"
    assert out["unrelated"] == 1  # the advert is counted, not listed
    assert [p["code"] for p in out["problems"]] == [Code.MAIL_UNKNOWN_SENDER.value]
    assert office.log() == []  # not recorded: collected once the address is known

    set_settings(office.master, {})  # the office adds the address to 单位 邮箱
    _add_address(office, "办公室", "liuyang.home@qq.example.org")
    code, out = office.collect(capsys=capsys)
    assert code == 0 and out["messages"] == 1
    assert office.files() == {f"回收/{BATCH}/办公室-整改进展填报-{BATCH}.xlsx"}


def _add_address(office: Office, unit: str, address: str) -> None:
    import openpyxl

    wb = openpyxl.load_workbook(office.master)
    ws = wb["单位"]
    for row in ws.iter_rows(min_row=2):
        if row[1].value == unit:
            row[3].value = f"{row[3].value}；{address}"
    wb.save(office.master)


def test_batch_from_the_signed_template_wins_and_other_batches_wait(office: Office, capsys):
    # no batch in the subject: the signed template says 2026年11月
    office.reply("机关党委", [office.filled("机关党委")], subject="填好了，请查收")
    # nothing says which batch: listed, not filed
    office.reply(
        "人事科", [File("照片.jpg", JPG)], subject="材料", received=datetime(2026, 11, 30, 11, 0)
    )
    # an earlier batch by its subject: left for `--batch 2026年10月`
    office.reply(
        "办公室",
        [File("10月纪要.pdf", PDF)],
        subject="2026年10月电子档案",
        received=datetime(2026, 11, 30, 12, 0),
    )
    code, out = office.collect(capsys=capsys)
    assert code == 1
    assert office.files() == {f"回收/{BATCH}/机关党委-整改进展填报-{BATCH}.xlsx"}
    reasons = {m["sender"].split(" ")[0]: m["reason"] for m in out["unfiled"]}
    assert "没有写明批次" in reasons["人事科"]
    assert "2026年10月" in reasons["办公室"] and "--batch 2026年10月" in reasons["办公室"]
    assert [p["code"] for p in out["problems"]] == [Code.MAIL_NO_BATCH.value]

    code, out = office.collect("--batch", "2026年10月", "--since", "2026-11-01", capsys=capsys)
    assert "电子档案/2026年10月/办公室/10月纪要.pdf" in office.files()


def test_a_shared_address_needs_the_template_to_say_which_unit(office: Office, capsys):
    _add_address(office, "人事科", ADDRESS["办公室"])  # 办公室 also mails for 人事科
    office.reply("办公室", [office.filled("人事科")], subject="2026年11月人事科填报")
    office.reply(
        "办公室",
        [File("照片.jpg", JPG)],
        subject="2026年11月材料",
        received=datetime(2026, 11, 30, 11, 0),
    )
    code, out = office.collect(capsys=capsys)
    assert code == 1
    assert office.files() == {f"回收/{BATCH}/人事科-整改进展填报-{BATCH}.xlsx"}
    assert [p["code"] for p in out["problems"]] == [Code.MAIL_SHARED_ADDRESS.value]


def test_workbooks_that_are_not_templates(office: Office, tmp_path, capsys):
    sign_in = write_book(
        tmp_path / "签到表.xlsx", {"Sheet1": [["姓名", "单位", "签到"], ["周红", "机关党委", "是"]]}
    )
    legacy = write_book(
        tmp_path / "进展.xlsx",
        {
            "Sheet1": [
                ["编号", "整改措施", "整改进展", "整改状态"],
                ["2", "措施", "已召开会议", "正在整改"],
            ]
        },
    )
    old = tmp_path / "报表.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    office.reply("机关党委", [File(p.name, p.read_bytes()) for p in (sign_in, legacy, old)])
    code, out = office.collect(capsys=capsys)
    assert code == 0 and len(out["files"]) == 3
    assert office.files() == {
        f"电子档案/{BATCH}/机关党委/签到表.xlsx",  # a sign-in sheet is evidence
        f"回收/{BATCH}/机关党委-进展.xlsx",  # the ledger's own layout: a legacy return
        f"回收/{BATCH}/机关党委-报表.xls",  # consolidate tells the unit to save it as .xlsx
    }


def test_dry_run_saves_nothing_and_says_where(office: Office, capsys):
    office.reply("办公室", [office.filled("办公室"), File("1-纪要.pdf", PDF)])
    before = office.master.read_bytes()
    code, out = office.collect("--dry-run", capsys=capsys)
    assert code == 0 and out["dry_run"]
    assert [(f["path"], f["outcome"]) for f in out["files"]] == [
        (f"回收/{BATCH}/办公室-整改进展填报-{BATCH}.xlsx", "将保存"),
        (f"电子档案/{BATCH}/办公室/1-纪要.pdf", "将保存"),
    ]
    assert office.files() == set() and office.master.read_bytes() == before
    assert not (office.folder / "回收").exists() and not (office.folder / "电子档案").exists()
    code, out = office.collect(capsys=capsys)
    assert out["messages"] == 1  # the dry run recorded nothing


def test_starttls_and_a_folder_with_a_chinese_name(office: Office, capsys):
    folder = office.box.maildir / ".&ZXRlOVbeZTY-"  # 整改回收, as Dovecot names it on disk
    for sub in ("cur", "new", "tmp"):
        (folder / sub).mkdir(parents=True)
    (folder / "maildirfolder").touch()
    office.box._own(office.box.maildir)
    raw = office.reply("办公室", [File("1-纪要.pdf", PDF)], subject="2026年11月电子档案")
    office.box.deliver(
        raw.replace(b"Message-ID: <", b"Message-ID: <moved."), folder=".&ZXRlOVbeZTY-"
    )
    set_settings(office.master, office.box.settings("STARTTLS", folder="整改回收"))
    code, out = office.collect(capsys=capsys)
    assert code == 0 and out["messages"] == 1
    assert out["mailbox"].endswith("（STARTTLS） 整改回收")


def test_mail_before_the_batch_was_issued_is_not_read(office: Office, capsys):
    office.reply(
        "办公室",
        [File("旧材料.pdf", PDF)],
        subject="2026年11月材料",
        received=datetime(2026, 11, 10, 9, 0),
    )
    code, out = office.collect(capsys=capsys)
    assert out["since"] == date(2026, 11, 20).isoformat()
    assert (code, out["messages"], office.files()) == (0, 0, set())
    code, out = office.collect("--since", "2026-11-01", capsys=capsys)
    assert (code, out["messages"]) == (0, 1)


def test_console_says_what_it_saved_where(office: Office, capsys):
    office.reply("办公室", [office.filled("办公室"), File("1-纪要[red].pdf", PDF)])
    assert main(["collect", str(office.master)]) == 0
    text = capsys.readouterr().out
    assert f"回收/{BATCH}/办公室-整改进展填报-{BATCH}.xlsx" in text
    assert "1-纪要[red].pdf" in text  # user data shown literally, never as markup
    assert "收取 1 封邮件" in text and "已在台账“收件记录”表登记" in text


def test_files_saved_by_a_run_that_could_not_write_the_master_are_recognised(
    office: Office, capsys
):
    from tests.support.imapd import PASSWORD
    from zhenggai.collect.run import collect_mail
    from zhenggai.io.master import read_ledger
    from zhenggai.mail.imap import ImapConfig, ImapInbox

    office.reply("办公室", [office.filled("办公室"), File("1-纪要.pdf", PDF)])
    config = ImapConfig("127.0.0.1", office.box.ssl_port, "SSL", office.box.user)
    with ImapInbox(config, password=PASSWORD, ssl_context=office.box.client_context()) as inbox:
        lost = collect_mail(read_ledger(office.master), inbox)  # its changes never reach the master
    assert [f.outcome.value for f in lost.files] == ["已保存", "已保存"]
    saved = office.files()

    code, out = office.collect(capsys=capsys)
    assert code == 0 and out["messages"] == 1  # 收件记录 never heard of it: read again
    assert [(f["outcome"], f["path"]) for f in out["files"]] == [
        ("重复", f"回收/{BATCH}/办公室-整改进展填报-{BATCH}.xlsx"),
        ("重复", f"电子档案/{BATCH}/办公室/1-纪要.pdf"),
    ]
    assert office.files() == saved  # no second copy, no "（2）"
    assert len(office.log()) == 2
