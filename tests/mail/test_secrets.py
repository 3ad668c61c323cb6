"""The SMTP password from the environment, then the system keyring, then a prompt.

The keyring here is keyring's plain-file backend (keyrings.alt), chosen the way
an office would choose one: keyring's own config file (keyringrc.cfg) under
XDG_CONFIG_HOME, with its data under XDG_DATA_HOME, both in a temporary folder.
The user's real keyring is never touched (the root conftest makes the default
backend keyring's "fail" backend).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.core
import pytest
from click.testing import CliRunner
from keyring.backends import fail

from tests.conftest import set_settings
from tests.mail.test_send import BATCH, PASSWORD, UNITS, contains
from tests.support.mailtools import issue_batch, mail_server, smtp_settings
from zhenggai.cli import cli, main
from zhenggai.mail.secrets import Account, find_password, forget_password, save_password

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


@pytest.fixture
def file_keyring(tmp_path_factory, monkeypatch) -> Iterator[Path]:
    """keyring's file backend, configured through keyringrc.cfg; yields its data folder."""
    home = tmp_path_factory.mktemp("keyring-home")
    config = home / "config" / "python_keyring"
    config.mkdir(parents=True)
    (config / "keyringrc.cfg").write_text(
        "[backend]\ndefault-keyring=keyrings.alt.file.PlaintextKeyring\n", encoding="utf-8"
    )
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.delenv("ZHENGGAI_SMTP_PASSWORD", raising=False)
    keyring.core.init_backend()  # read the config again, as a new process would
    assert type(keyring.get_keyring()).__name__ == "PlaintextKeyring"
    yield home / "data"
    keyring.set_keyring(fail.Keyring())


def test_environment_first_then_keyring(file_keyring, monkeypatch):
    who = Account("SMTP", "smtp.example.org", "office")
    assert find_password(who).password is None
    assert "PlaintextKeyring" in save_password(who, "from-keyring")
    found = find_password(who)
    assert (
        found.password == "from-keyring" and found.source == "系统密码库（file PlaintextKeyring）"
    )
    monkeypatch.setenv("ZHENGGAI_SMTP_PASSWORD", "from-env")
    assert find_password(who).password == "from-env"
    assert find_password(Account("SMTP", "other.example.org", "office")).password == "from-env"
    monkeypatch.delenv("ZHENGGAI_SMTP_PASSWORD")
    assert find_password(Account("SMTP", "other.example.org", "office")).password is None
    assert forget_password(who) is True and forget_password(who) is False


def test_save_password_then_send_without_a_prompt(file_keyring, demo_master, tmp_path):
    issue_batch(demo_master, BATCH, UNITS[:2])
    with mail_server(tmp_path, security="SSL", password=PASSWORD) as server:
        set_settings(demo_master, smtp_settings(server, user="office"))
        assert server.cert is not None
        env = {"SSL_CERT_FILE": str(server.cert)}
        saved = CliRunner().invoke(
            cli, ["mail", str(demo_master), "--save-password"], input=f"{PASSWORD}\n{PASSWORD}\n"
        )
        assert saved.exit_code == 0, saved.output
        assert "已保存到系统密码库" in saved.output and server.received == []
        # no input at all: a prompt would abort the run
        sent = CliRunner().invoke(cli, ["mail", str(demo_master), "--send"], input="", env=env)
        assert sent.exit_code == 0, sent.output
        assert "SMTP 密码取自系统密码库" in sent.output
    assert server.handler.logins == [("office", PASSWORD)]
    assert len(server.received) == 2
    assert contains(tmp_path, PASSWORD) == []  # not in the master, the templates or backups
    # only in the keyring's own file (which this backend keeps base64-encoded)
    assert keyring.get_password("zhenggai-smtp/127.0.0.1", "office") == PASSWORD
    assert [p.name for p in file_keyring.rglob("*.cfg")] == ["keyring_pass.cfg"]


def test_forget_password(file_keyring, demo_master, capsys):
    set_settings(demo_master, {"SMTP服务器": "smtp.example.org", "SMTP用户": "office"})
    keyring.set_password("zhenggai-smtp/smtp.example.org", "office", "x")
    assert main(["mail", str(demo_master), "--forget-password"]) == 0
    assert "已从系统密码库删除" in capsys.readouterr().out
    assert keyring.get_password("zhenggai-smtp/smtp.example.org", "office") is None
    assert main(["mail", str(demo_master), "--forget-password"]) == 0
    assert "没有" in capsys.readouterr().out


def test_no_keyring_on_this_computer_falls_back_to_the_prompt(demo_master, tmp_path, monkeypatch):
    monkeypatch.delenv("ZHENGGAI_SMTP_PASSWORD", raising=False)  # the fail backend stays
    issue_batch(demo_master, BATCH, UNITS[:1])
    with mail_server(tmp_path, security="SSL", password=PASSWORD) as server:
        set_settings(demo_master, smtp_settings(server, user="office"))
        assert server.cert is not None
        result = CliRunner().invoke(
            cli,
            ["mail", str(demo_master), "--send"],
            input=PASSWORD + "\n",
            env={"SSL_CERT_FILE": str(server.cert)},
        )
        assert result.exit_code == 0, result.output
        assert "没有读取系统密码库：本机没有可用的系统密码库" in result.output
    assert server.handler.logins == [("office", PASSWORD)]
    saved = CliRunner().invoke(cli, ["mail", str(demo_master), "--save-password"], input="x\nx\n")
    assert saved.exit_code != 0
    assert "无法保存到系统密码库" in str(saved.exception)


def test_save_password_needs_a_user_and_stands_alone(demo_master, capsys):
    set_settings(demo_master, {"SMTP服务器": "smtp.example.org", "SMTP用户": ""})
    assert main(["mail", str(demo_master), "--save-password"]) == 2
    assert "SMTP用户 为空" in capsys.readouterr().err
    assert main(["mail", str(demo_master), "--save-password", "--send"]) == 2
    assert "不能与发送同用" in capsys.readouterr().err


def test_the_prompt_shows_a_hostile_user_name_literally(file_keyring, demo_master):
    user = "office\x9b2J\u202e[red]"
    set_settings(demo_master, {"SMTP服务器": "smtp.example.org", "SMTP用户": user})
    saved = CliRunner().invoke(cli, ["mail", str(demo_master), "--save-password"], input="x\nx\n")
    assert saved.exit_code == 0, saved.output
    assert "\x9b" not in saved.output and "\u202e" not in saved.output
    assert "office\ufffd2J\ufffd[red]" in saved.output
    assert keyring.get_password("zhenggai-smtp/smtp.example.org", user) == "x"  # the real name
