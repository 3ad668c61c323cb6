"""``zhenggai mail --send`` end to end against a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import email
import json
import subprocess
import sys
import textwrap
import zipfile
from email import policy
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from tests.conftest import set_settings
from tests.mail.test_run import set_email
from tests.support.mailtools import issue_batch, mail_server, smtp_settings
from zhenggai import MailError, MasterBusyError, read_ledger
from zhenggai.cli import cli, main
from zhenggai.core.ledger import records
from zhenggai.core.sheets import MAIL_LOG, RETURNS
from zhenggai.demo.ledger import DEMO_UNITS
from zhenggai.mail.compose import plan_mail
from zhenggai.mail.run import deliver
from zhenggai.mail.smtp import SmtpConfig

UNITS = [u[1] for u in DEMO_UNITS]
ADDRESS = {u[1]: u[3] for u in DEMO_UNITS}
BATCH = "2026年11月"
PASSWORD = "Sm7p-Pa55-0417"


def log(master: Path) -> list[dict[str, object]]:
    return records(read_ledger(master).grid(MAIL_LOG.name), MAIL_LOG)


def contains(folder: Path, secret: str) -> list[Path]:
    """Files under *folder* holding *secret*, looking inside .xlsx packages too."""
    found = []
    needle = secret.encode()
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as zf:
                data = b"".join(zf.read(n) for n in zf.namelist())
        if needle in data:
            found.append(path)
    return found


def test_send_every_unit_refused_one_recorded_no_resend(demo_master, tmp_path, capsys):
    files = issue_batch(demo_master, BATCH, UNITS)
    with mail_server(tmp_path, refuse=[ADDRESS["人事科"]]) as server:
        set_settings(demo_master, smtp_settings(server))
        assert main(["mail", str(demo_master), "--send"]) == 1
        text = capsys.readouterr().out
        assert "mail-refused" in text and "人事科" in text

        # every other unit's message arrived, intact
        assert len(server.received) == 5
        by_unit = {}
        for got in server.received:
            msg = got.message
            (att,) = msg.iter_attachments()
            unit = msg["To"].addresses[0].display_name
            by_unit[unit] = msg
            assert got.rcpt_tos == [ADDRESS[unit]]
            assert got.mail_from == "office@example.org"
            assert msg["Subject"] == f"【请填报】{BATCH}整改进展（{unit}）"
            assert str(msg["From"]) == "××局办公室 <office@example.org>"
            assert msg["X-Unsent"] is None
            assert att.get_filename() == files[unit].name
            assert att.get_content() == files[unit].read_bytes()
        assert sorted(by_unit) == sorted(set(UNITS) - {"人事科"})

        rows = log(demo_master)
        assert [(r["单位名称"], r["邮箱"], r["结果"]) for r in rows] == [
            (u, ADDRESS[u], "失败" if u == "人事科" else "已发送") for u in UNITS
        ]
        assert all(r["批次"] == BATCH and r["类型"] == "下发" for r in rows)
        refused = next(r for r in rows if r["结果"] == "失败")
        assert "550" in str(refused["说明"])
        for r in rows:
            if r["结果"] == "已发送":
                assert r["邮件编号"] == by_unit[str(r["单位名称"])]["Message-ID"]
                assert r["附件"] == files[str(r["单位名称"])].name

        # a second run sends nothing that went out; the refused address is tried again
        assert main(["mail", str(demo_master), "--send"]) == 1
        assert "本批次下发邮件已于" in capsys.readouterr().out
        assert len(server.received) == 5
        assert len(log(demo_master)) == 7

        # once the address is fixed, only that unit gets mail
        set_email(demo_master, "人事科", "renshi2@example.org")
        assert main(["mail", str(demo_master), "--send"]) == 0
        assert [r.rcpt_tos for r in server.received[5:]] == [["renshi2@example.org"]]

        # --resend sends to everyone again
        assert main(["mail", str(demo_master), "--send", "--resend"]) == 0
        assert len(server.received) == 12
    assert [r["结果"] for r in log(demo_master)[-6:]] == ["已发送"] * 6


def test_starttls_login_password_from_environment_never_written(demo_master, tmp_path, monkeypatch):
    issue_batch(demo_master, BATCH, UNITS[:2])
    with mail_server(tmp_path, security="STARTTLS", password=PASSWORD) as server:
        set_settings(demo_master, smtp_settings(server, user="office@example.org"))
        monkeypatch.setenv("ZHENGGAI_SMTP_PASSWORD", PASSWORD)
        assert server.cert is not None
        monkeypatch.setenv("SSL_CERT_FILE", str(server.cert))
        assert main(["mail", str(demo_master), "--send"]) == 0
        assert main(["mail", str(demo_master)]) == 0  # .eml drafts beside the templates
    assert server.handler.logins == [("office@example.org", PASSWORD)]
    assert len(server.received) == 2
    assert len(list((demo_master.parent / "下发" / BATCH / "邮件").glob("*.eml"))) == 2
    assert (demo_master.parent / "备份").is_dir()  # backups are scanned too
    assert contains(tmp_path, PASSWORD) == []
    # the scan does look inside the workbooks: the user name is in 设置
    assert demo_master in contains(tmp_path, "office@example.org")


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_password_prompt_over_ssl(demo_master, tmp_path, monkeypatch):
    issue_batch(demo_master, BATCH, UNITS[:1])
    monkeypatch.delenv("ZHENGGAI_SMTP_PASSWORD", raising=False)
    with mail_server(tmp_path, security="SSL", password=PASSWORD) as server:
        set_settings(demo_master, smtp_settings(server, user="office"))
        assert server.cert is not None
        monkeypatch.setenv("SSL_CERT_FILE", str(server.cert))
        result = CliRunner().invoke(
            cli, ["mail", str(demo_master), "--send"], input=PASSWORD + "\n"
        )
        assert result.exit_code == 0, result.output
        assert "密码" in result.output and PASSWORD not in result.output
    assert server.handler.logins == [("office", PASSWORD)]
    assert len(server.received) == 1
    assert contains(tmp_path, PASSWORD) == []


def test_no_password_and_no_terminal_is_a_clear_error(demo_master, tmp_path, monkeypatch):
    issue_batch(demo_master, BATCH, UNITS[:1])
    monkeypatch.delenv("ZHENGGAI_SMTP_PASSWORD", raising=False)
    with mail_server(tmp_path, security="STARTTLS", password=PASSWORD) as server:
        set_settings(demo_master, smtp_settings(server, user="office"))
        result = CliRunner().invoke(cli, ["mail", str(demo_master), "--send"], input="")
    assert isinstance(result.exception, MailError)
    assert "ZHENGGAI_SMTP_PASSWORD" in str(result.exception)
    assert server.received == [] and log(demo_master) == []


def test_server_wants_login_but_no_user_is_configured(demo_master, tmp_path, monkeypatch, capsys):
    issue_batch(demo_master, BATCH, UNITS[:2])
    with mail_server(tmp_path, security="STARTTLS", password=PASSWORD) as server:
        set_settings(demo_master, smtp_settings(server))
        assert server.cert is not None
        monkeypatch.setenv("SSL_CERT_FILE", str(server.cert))
        assert main(["mail", str(demo_master), "--send"]) == 2
    assert "要求先登录" in capsys.readouterr().err
    assert server.received == [] and log(demo_master) == []


HOLD = textwrap.dedent("""
    import fcntl, sys, time
    fh = open(sys.argv[1], "r+b")
    fcntl.lockf(fh.fileno(), fcntl.LOCK_EX)
    print("locked", flush=True)
    time.sleep(30)
""")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX locks")
def test_master_open_elsewhere_stops_before_password_and_sending(demo_master, tmp_path):
    issue_batch(demo_master, BATCH, UNITS[:1])
    with mail_server(tmp_path, security="STARTTLS", password=PASSWORD) as server:
        set_settings(demo_master, smtp_settings(server, user="office"))
        owner = demo_master.with_name(f".~lock.{demo_master.name}#")
        owner.write_text(",陈静,pc-01,28.11.2026 10:00,;", encoding="utf-8")
        proc = subprocess.Popen(
            [sys.executable, "-c", HOLD, str(demo_master)], stdout=subprocess.PIPE
        )
        try:
            assert proc.stdout is not None
            assert proc.stdout.readline().strip() == b"locked"
            result = CliRunner().invoke(cli, ["mail", str(demo_master), "--send"], input="pw\n")
        finally:
            proc.kill()
            proc.wait()
    assert isinstance(result.exception, MasterBusyError)
    assert "陈静" in str(result.exception)
    assert "密码" not in result.output
    assert server.received == []


def test_unreachable_server_leaves_the_master_alone(demo_master, tmp_path, capsys):
    issue_batch(demo_master, BATCH, UNITS[:1])
    with mail_server(tmp_path) as server:
        set_settings(demo_master, smtp_settings(server))
    before = demo_master.read_bytes()
    assert main(["mail", str(demo_master), "--send"]) == 2
    assert "连不上邮件服务器" in capsys.readouterr().err
    assert demo_master.read_bytes() == before


def test_old_master_without_the_log_sheet_gets_it(demo_master, tmp_path):
    issue_batch(demo_master, BATCH, UNITS[:1])
    wb = openpyxl.load_workbook(demo_master)
    del wb[MAIL_LOG.name]
    wb.save(demo_master)
    with mail_server(tmp_path) as server:
        set_settings(demo_master, smtp_settings(server))
        assert main(["mail", str(demo_master), "--send"]) == 0
    grid = read_ledger(demo_master).grid(MAIL_LOG.name)
    assert tuple(grid[0]) == MAIL_LOG.headers
    assert [(r["单位名称"], r["结果"]) for r in log(demo_master)] == [("办公室", "已发送")]


def test_flags_override_settings(demo_master, tmp_path):
    issue_batch(demo_master, BATCH, UNITS[:1])
    set_settings(demo_master, {"SMTP服务器": "smtp.invalid", "发件人地址": "office@example.org"})
    with mail_server(tmp_path) as server:
        argv = ["mail", str(demo_master), "--send", "--smtp-host", "127.0.0.1"]
        argv += ["--smtp-port", str(server.port), "--smtp-security", "无"]
        assert main(argv) == 0
    assert len(server.received) == 1


def test_connection_lost_midway_keeps_what_was_sent(demo_master, tmp_path):
    issue_batch(demo_master, BATCH, UNITS)
    ledger = read_ledger(demo_master)
    result = plan_mail(ledger, skip_sent=True)
    with mail_server(tmp_path) as server:
        config = SmtpConfig("127.0.0.1", server.port, "无", sender="office@example.org")
        stop = server.stop

        def progress(outgoing):
            if outgoing.unit == "宣传教育科":  # the third message finds the server gone
                stop()

        deliver(result, ledger, config, progress=progress)
    assert len(server.received) == 2
    results = [(d.unit, d.result) for d in result.deliveries]
    assert results == [(u, "已发送" if u in ("办公室", "机关党委") else "失败") for u in UNITS]
    assert "连接中断" in result.deliveries[2].error
    assert "未发送" in result.deliveries[3].error
    assert len(result.changes.appends) == 6
    assert {p.as_tuple()[2] for p in result.problems} == {"mail-refused"}


def test_reminders_go_to_the_right_units_once(demo_master, tmp_path, capsys):
    files = issue_batch(demo_master, BATCH, UNITS, returned=["办公室", "机关党委", "人事科"])
    with mail_server(tmp_path) as server:
        set_settings(demo_master, smtp_settings(server))
        assert main(["mail", str(demo_master), "--send"]) == 0  # the templates first
        capsys.readouterr()
        reminder = ["mail", str(demo_master), "--reminder", "--send", "--today", "2026-11-28"]
        assert main([*reminder, "--json"]) == 0
        data = json.loads(capsys.readouterr().out)
        assert data["kind"] == "催报"
        # overdue on 2026-11-28, from the deadlines: 2 (机关党委) and 5-2 (宣传教育科)
        assert [m["overdue"] for m in data["messages"]] == [["2"], ["5-2"], [], []]
        reminders = server.received[6:]
        assert [r.message["To"].addresses[0].display_name for r in reminders] == [
            "机关党委",
            "宣传教育科",
            "网络安全科",
            "舆情信息科",
        ]
        party = reminders[0].message
        assert party["Subject"] == f"【催报】{BATCH}整改进展（机关党委）"
        assert list(party.iter_attachments()) == []
        assert "（1）编号 2：" in party.get_body().get_content()
        (att,) = reminders[1].message.iter_attachments()
        assert att.get_content() == files["宣传教育科"].read_bytes()
        assert main(reminder) == 0
        assert len(server.received) == 10
    kinds = [r["类型"] for r in log(demo_master)]
    assert kinds == ["下发"] * 6 + ["催报"] * 4


def test_json_output(demo_master, tmp_path, capsys):
    issue_batch(demo_master, BATCH, UNITS[:2])
    set_email(demo_master, "机关党委", None)
    with mail_server(tmp_path) as server:
        set_settings(demo_master, smtp_settings(server))
        assert main(["mail", str(demo_master), "--send", "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["batch"] == BATCH and data["kind"] == "下发"
    assert [m["unit"] for m in data["messages"]] == ["办公室"]
    (d,) = data["deliveries"]
    assert (d["unit"], d["address"], d["result"]) == ("办公室", ADDRESS["办公室"], "已发送")
    assert d["message_id"].startswith("<")
    assert [p["code"] for p in data["problems"]] == ["mail-no-address"]
    assert data["saved"] == str(demo_master.resolve())


def test_eml_mode_json_and_flag_checks(demo_master, capsys):
    issue_batch(demo_master, BATCH, UNITS[:2])
    assert main(["mail", str(demo_master), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["eml_files"]) == 2 and data["deliveries"] == []
    assert main(["mail", str(demo_master), "--resend"]) == 2
    assert "只能与 --send 一起使用" in capsys.readouterr().err
    assert main(["mail", str(demo_master), "--send", "--eml", "x"]) == 2
    assert "不能同时使用" in capsys.readouterr().err


def test_real_templates_mailed_end_to_end(demo_master, tmp_path, capsys):
    assert main(["templates", str(demo_master), "--batch", BATCH, "--today", "2026-11-28"]) == 0
    folder = demo_master.parent / "下发" / BATCH
    made = {p.name: p.read_bytes() for p in folder.glob("*.xlsx")}
    issued = {
        r["单位名称"]: r["下发文件"]
        for r in records(read_ledger(demo_master).grid("回收情况"), RETURNS)
    }
    assert sorted(issued.values()) == sorted(made)

    assert main(["mail", str(demo_master)]) == 0  # .eml drafts first
    emls = sorted((folder / "邮件").glob("*.eml"))
    assert len(emls) == len(made)
    for path in emls:
        msg = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        (att,) = msg.iter_attachments()
        unit = msg["To"].addresses[0].display_name
        assert att.get_filename() == issued[unit]
        assert att.get_content() == made[issued[unit]]

    with mail_server(tmp_path) as server:
        set_settings(demo_master, smtp_settings(server))
        assert main(["mail", str(demo_master), "--send"]) == 0
        assert main(["mail", str(demo_master), "--send"]) == 0  # nothing twice
    assert len(server.received) == len(made)
    for got in server.received:
        msg = got.message
        unit = msg["To"].addresses[0].display_name
        assert got.rcpt_tos == [ADDRESS[unit]]
        assert msg["Subject"] == f"【请填报】{BATCH}整改进展（{unit}）"
        assert "12月5日前" in msg.get_body().get_content()
        (att,) = msg.iter_attachments()
        assert att.get_filename() == issued[unit]
        assert att.get_content() == made[issued[unit]]
    assert [r["附件"] for r in log(demo_master)] == [
        issued[str(r["单位名称"])] for r in log(demo_master)
    ]
