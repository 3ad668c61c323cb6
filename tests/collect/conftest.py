"""The demo office with a real mailbox: templates issued, replies delivered into Dovecot."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import set_settings
from tests.support.imapd import PASSWORD, Mailbox
from tests.support.mailbuild import File, build_reply
from tests.support.returns_kit import fill, issue
from zhenggai.cli import main
from zhenggai.core.ledger import records
from zhenggai.core.sheets import EVIDENCE, MAIL_IN
from zhenggai.demo.ledger import DEMO_UNITS
from zhenggai.io.master import read_ledger

BATCH = "2026年11月"
ADDRESS = {u[1]: u[3] for u in DEMO_UNITS}
SUBJECT = "【请填报】2026年11月整改进展（{unit}）"


@dataclass
class Office:
    """The demo master with the batch issued, and its mailbox."""

    master: Path
    templates: dict[str, Path]
    box: Mailbox
    scratch: Path

    @property
    def folder(self) -> Path:
        return self.master.parent

    def filled(
        self, unit: str, values: Mapping[tuple[str, str], Any] | None = None, *, name: str = ""
    ) -> File:
        """The unit's template filled in and saved, as a file to attach."""
        template = self.templates[unit]
        dest = self.scratch / unit / (name or template.name)
        fill(template, dest, values or {})
        return File(dest.name, dest.read_bytes())

    def reply(
        self,
        unit: str,
        files: Sequence[File],
        *,
        style: str = "outlook",
        subject: str | None = None,
        sender: str | None = None,
        received: datetime = datetime(2026, 11, 30, 10, 0),
        **kwargs: Any,
    ) -> bytes:
        """A reply from *unit*'s address delivered into the mailbox; returns its bytes."""
        raw = build_reply(
            style,
            sender=sender or ADDRESS[unit],
            sender_name=unit,
            subject=SUBJECT.format(unit=unit) if subject is None else subject,
            files=files,
            sent=received,
            **kwargs,
        )
        self.box.deliver(raw, received=received)
        return raw

    def collect(self, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any]]:
        """``zhenggai collect MASTER --json …``: the exit code and the JSON."""
        code = main(["collect", str(self.master), "--json", *args])
        captured = capsys.readouterr()
        return code, json.loads(captured.out)

    def log(self) -> list[dict[str, Any]]:
        return records(read_ledger(self.master).grid(MAIL_IN.name), MAIL_IN)

    def index(self) -> list[dict[str, Any]]:
        return records(read_ledger(self.master).grid(EVIDENCE.name), EVIDENCE)

    def files(self) -> set[str]:
        """Every file under the master's folder that collecting may write, relative, "/"-joined."""
        out = set()
        for top in ("回收", "电子档案"):
            for p in (self.folder / top).rglob("*"):
                if p.is_file():
                    out.add(p.relative_to(self.folder).as_posix())
        return out


@pytest.fixture
def office(make_master, mailbox, tmp_path, monkeypatch) -> Office:
    master = make_master(demo=True)
    templates = issue(master)
    set_settings(master, mailbox.settings("SSL"))
    monkeypatch.setenv("ZHENGGAI_IMAP_PASSWORD", PASSWORD)
    monkeypatch.setenv("SSL_CERT_FILE", str(mailbox.cert))
    monkeypatch.setenv("ZHENGGAI_TODAY", "2026-12-01")
    scratch = tmp_path / "单位的电脑"
    scratch.mkdir()
    return Office(master, templates, mailbox, scratch)
