"""Connecting to the mailbox: settings that cannot work say so in Chinese; passwords never stored."""

from __future__ import annotations

import pytest

from tests.collect.conftest import Office
from tests.conftest import set_settings
from tests.mail.test_secrets import file_keyring  # noqa: F401  (the fixture)
from tests.support.imapd import PASSWORD
from tests.support.mailbuild import File
from zhenggai.cli import main
from zhenggai.core.errors import MailError
from zhenggai.mail.imap import ImapConfig, ImapInbox


def _error(office: Office, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["collect", str(office.master), *args]) == 2
    return capsys.readouterr().err


def test_wrong_password(office: Office, capsys, monkeypatch):
    monkeypatch.setenv("ZHENGGAI_IMAP_PASSWORD", "wrong")
    text = _error(office, capsys)
    assert f"拒绝了用户“{office.box.user}”的登录" in text and "授权码" in text


@pytest.mark.slow  # the plain client waits GREETING seconds for a server that waits for TLS
def test_ssl_on_the_starttls_port_and_back(office: Office, capsys):
    set_settings(office.master, {"IMAP端口": office.box.starttls_port, "IMAP加密": "SSL"})
    assert "建立连接失败" in _error(office, capsys)
    set_settings(office.master, {"IMAP端口": office.box.ssl_port, "IMAP加密": "STARTTLS"})
    assert "IMAP加密" in _error(office, capsys)


def test_untrusted_certificate(office: Office, capsys, monkeypatch):
    monkeypatch.delenv("SSL_CERT_FILE")
    assert "证书校验失败" in _error(office, capsys)


def test_unknown_folder_lists_the_ones_there(office: Office, capsys):
    set_settings(office.master, {"收件文件夹": "整改回收"})
    text = _error(office, capsys)
    assert "没有文件夹“整改回收”" in text and "INBOX" in text


def test_no_server_set(office: Office, capsys):
    set_settings(office.master, {"IMAP服务器": ""})
    assert "没有设置 IMAP 服务器" in _error(office, capsys)


def test_plain_imap_is_not_offered():
    config = ImapConfig("127.0.0.1", 143, "无", "office")
    with pytest.raises(Exception, match="IMAP加密只能是"):
        config.check()


@pytest.mark.filterwarnings("ignore::getpass.GetPassWarning")  # the password typed on stdin
def test_password_saved_in_the_keyring_is_used(office: Office, capsys, monkeypatch, file_keyring):  # noqa: F811
    monkeypatch.delenv("ZHENGGAI_IMAP_PASSWORD")
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO(f"{PASSWORD}\n{PASSWORD}\n"))
    assert main(["collect", str(office.master), "--save-password"]) == 0
    saved = capsys.readouterr().out
    assert "zhenggai-imap/127.0.0.1" in saved
    assert PASSWORD.encode() not in office.master.read_bytes()
    office.reply("办公室", [File("1-纪要.pdf", b"%PDF")])
    code, out = office.collect(capsys=capsys)
    assert code == 0 and out["messages"] == 1
    assert main(["collect", str(office.master), "--forget-password"]) == 0
    assert "已从系统密码库删除" in capsys.readouterr().out


def test_library_refuses_without_a_password(office: Office):
    config = ImapConfig("127.0.0.1", office.box.ssl_port, "SSL", office.box.user)
    with pytest.raises(MailError, match="需要密码"):
        ImapInbox(config, password=None)
