"""The SMTP transport against a real server on 127.0.0.1: plain, STARTTLS, SSL, AUTH."""

from __future__ import annotations

import ssl

import pytest

from tests.support.mailtools import free_port, mail_server
from zhenggai import MailError, UsageError
from zhenggai.core.settings import Settings
from zhenggai.mail.message import build_message, eml_bytes
from zhenggai.mail.smtp import SmtpConfig, SmtpSender

DATA = eml_bytes(
    build_message(
        subject="【请填报】测试",
        body="正文",
        to=[("办公室", "a@example.org")],
        sender="o@example.org",
    )
)


def _config(server, **kw) -> SmtpConfig:
    values = {
        "host": "127.0.0.1",
        "port": server.port,
        "security": server.security,
        "sender": "o@example.org",
    }
    return SmtpConfig(**(values | kw))


def test_plain_send_arrives(tmp_path):
    with mail_server(tmp_path) as server, SmtpSender(_config(server)) as smtp:
        outcomes = smtp.send(["a@example.org", "b@example.org"], DATA)
    assert [(o.address, o.ok) for o in outcomes] == [
        ("a@example.org", True),
        ("b@example.org", True),
    ]
    (got,) = server.received
    assert got.mail_from == "o@example.org"
    assert got.rcpt_tos == ["a@example.org", "b@example.org"]
    assert got.message["Subject"] == "【请填报】测试"


def test_refused_recipient_fails_alone(tmp_path):
    with (
        mail_server(tmp_path, refuse=["bad@example.org"]) as server,
        SmtpSender(_config(server)) as smtp,
    ):
        outcomes = smtp.send(["bad@example.org", "a@example.org"], DATA)
        alone = smtp.send(["bad@example.org"], DATA)
        after = smtp.send(["a@example.org"], DATA)
    assert [(o.address, o.ok) for o in outcomes] == [
        ("bad@example.org", False),
        ("a@example.org", True),
    ]
    assert "550" in outcomes[0].error and "收件人被拒收" in outcomes[0].error
    assert [(o.ok, "550" in o.error) for o in alone] == [(False, True)]
    assert after[0].ok
    assert [r.rcpt_tos for r in server.received] == [["a@example.org"], ["a@example.org"]]


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
@pytest.mark.parametrize("security", ["STARTTLS", "SSL"])
def test_tls_with_login(tmp_path, security):
    with mail_server(tmp_path, security=security, password="s3cret-Token") as server:
        config = _config(server, user="office")
        with SmtpSender(
            config, password="s3cret-Token", ssl_context=server.client_context()
        ) as smtp:
            (outcome,) = smtp.send(["a@example.org"], DATA)
    assert outcome.ok
    assert server.handler.logins == [("office", "s3cret-Token")]
    assert len(server.received) == 1


def test_wrong_password_is_a_clear_error(tmp_path):
    with mail_server(tmp_path, security="STARTTLS", password="right") as server:
        sender = SmtpSender(
            _config(server, user="office"), password="wrong", ssl_context=server.client_context()
        )
        with pytest.raises(MailError, match=r"拒绝了用户“office”的登录.*授权码"):
            sender.connect()
    assert server.received == []


def test_non_ascii_password_is_a_clear_error(tmp_path):
    with mail_server(tmp_path, security="STARTTLS", password="right") as server:
        sender = SmtpSender(
            _config(server, user="office"), password="密码", ssl_context=server.client_context()
        )
        with pytest.raises(MailError, match=r"含有中文或全角字符"):
            sender.connect()


def test_user_without_password_refused_before_connecting(tmp_path):
    with pytest.raises(MailError, match=r"需要密码.*ZHENGGAI_SMTP_PASSWORD"):
        SmtpSender(
            SmtpConfig("127.0.0.1", free_port(), "无", user="office", sender="o@example.org")
        )


def test_server_requiring_login_without_user_is_a_clear_error(tmp_path):
    with (
        mail_server(tmp_path, security="STARTTLS", password="pw") as server,
        SmtpSender(_config(server), ssl_context=server.client_context()) as smtp,
        pytest.raises(MailError, match=r"要求先登录.*SMTP用户.*ZHENGGAI_SMTP_PASSWORD"),
    ):
        smtp.send(["a@example.org"], DATA)
    assert server.received == []


def test_login_over_plain_connection_refused_by_server(tmp_path):
    # the server offers AUTH only after STARTTLS; the settings say 无
    with mail_server(tmp_path, password="pw") as server:
        sender = SmtpSender(_config(server, security="无", user="office"), password="pw")
        with pytest.raises(MailError, match=r"不接受登录.*STARTTLS 或 SSL.*清空“SMTP用户”"):
            sender.connect()


def test_starttls_not_offered(tmp_path):
    with mail_server(tmp_path) as server:
        sender = SmtpSender(_config(server, security="STARTTLS"))
        with pytest.raises(MailError, match=r"不支持 STARTTLS"):
            sender.connect()


def test_untrusted_certificate(tmp_path):
    with mail_server(tmp_path, security="SSL") as server:
        sender = SmtpSender(_config(server), ssl_context=ssl.create_default_context())
        with pytest.raises(MailError, match=r"证书校验失败.*SSL_CERT_FILE"):
            sender.connect()


def test_ssl_against_a_plain_server(tmp_path):
    with mail_server(tmp_path) as server:
        sender = SmtpSender(_config(server, security="SSL"))
        with pytest.raises(MailError, match=r"建立连接失败.*465"):
            sender.connect()


def test_nobody_listening(tmp_path):
    sender = SmtpSender(SmtpConfig("127.0.0.1", free_port(), "无", sender="o@example.org"))
    with pytest.raises(MailError, match=r"连不上邮件服务器 127\.0\.0\.1"):
        sender.connect()


def test_config_from_settings_with_overrides():
    settings = Settings(
        smtp_host="smtp.example.org",
        smtp_port=465,
        smtp_user="office@example.org",
        smtp_security="SSL",
        sender_name="办公室",
    )
    config = SmtpConfig.from_settings(settings, port=587, security="STARTTLS")
    assert config == SmtpConfig(
        "smtp.example.org", 587, "STARTTLS", "office@example.org", "office@example.org", "办公室"
    )
    config.check()


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (SmtpConfig("", 25, "无", sender="o@example.org"), "没有设置 SMTP 服务器"),
        (SmtpConfig("h", 25, "TLS", sender="o@example.org"), "SMTP加密只能是"),
        (SmtpConfig("h", 0, "无", sender="o@example.org"), "1 到 65535"),
        (SmtpConfig("h", 25, "无"), "没有发件人地址"),
    ],
)
def test_unusable_config(config, message):
    with pytest.raises(UsageError, match=message):
        config.check()
