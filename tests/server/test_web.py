"""The web add-ins' JavaScript under node, and the Office.js manifest under Microsoft's tools.

- ``node --test tests/web``: the core and both adapters against labelled
  stand-ins of the Office.js and WPS object models (no Excel, no WPS here);
- every button pressed end to end: the real adapters read a stand-in built
  from a real master, post to a real server on 127.0.0.1 and apply its
  actions; the stand-in must then hold what Python's replay of the same
  actions holds (tests/xl_addin/replay.py);
- the manifest ``zhenggai addin officejs`` writes, converted and validated
  offline by Microsoft's office-addin-manifest-converter and office-addin-manifest
  (``npm ci --prefix tests/web``; .ci/run does it).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.server.conftest import TOKEN, client_payload
from tests.server.test_run import SETUP
from tests.support.imapd import mail_waiting
from tests.xl_addin.payload import payload
from tests.xl_addin.replay import replay
from xl_addin.buttons import HANDLERS
from xl_addin.buttons_spec import BUTTONS
from xl_addin.server.app import create_app
from zhenggai.cli import main as cli

ROOT = Path(__file__).resolve().parents[2]
WEB_TESTS = ROOT / "tests" / "web"
NODE = shutil.which("node")
needs_node = pytest.mark.skipif(NODE is None, reason="node is not installed (.ci/run installs it)")


def _node(*args: str) -> subprocess.CompletedProcess[str]:
    assert NODE is not None
    return subprocess.run([NODE, *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


@needs_node
def test_node_tests_of_the_core_and_both_adapters_pass() -> None:
    run = _node("--test", "tests/web")
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "# fail 0" in run.stdout and "# pass 0" not in run.stdout


def _shown(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


@needs_node
@pytest.mark.parametrize("host", ["wps", "office"])
@pytest.mark.parametrize("tag", sorted(HANDLERS))
def test_button_pressed_in_a_stand_in_host_gives_what_excel_would_hold(
    host: str, tag: str, demo_master: Path, live, tmp_path: Path, request
) -> None:
    master = SETUP.get(tag, lambda p: p)(demo_master)
    if tag == "collect_mail":  # a mailbox on the session's Dovecot, a reply waiting in it
        box, patch = request.getfixturevalue("mailbox"), request.getfixturevalue("monkeypatch")
        master = mail_waiting(master, box, patch)
    url = live(create_app(token=TOKEN))
    book = tmp_path / "book.json"
    book.write_text(json.dumps(client_payload(master), ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out.json"
    run = _node("tests/web/e2e/press.js", host, url, TOKEN, tag, str(book), str(out))
    assert run.returncode == 0, run.stderr
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["actions"], result["alerts"]
    assert [a["error"] for a in result["alerts"]] == [False], result["alerts"]
    excel = replay(payload(master), result["actions"])
    assert [s["name"] for s in result["sheets"]] == excel.names
    assert len(result["sheets"][0]["values"]) > 1  # the ledger itself was read and compared
    for sheet in result["sheets"]:
        want = [[_shown(v) for v in row] for row in excel[sheet["name"]].grid()]
        got = [[_shown(v) for v in row] for row in sheet["values"]]
        assert got == want, sheet["name"]


def _manifest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ZHENGGAI_CONFIG_DIR", str(tmp_path / "config"))
    assert cli(["addin", "officejs", "--out", str(tmp_path / "catalog")]) == 0
    return tmp_path / "catalog" / "zhenggai-manifest.xml"


def _validate(xml: Path, out: Path) -> dict[str, Any]:
    if not (WEB_TESTS / "node_modules" / "office-addin-manifest").is_dir():
        message = "npm ci --prefix tests/web has not been run (.ci/run runs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    run = _node("tests/web/manifest/validate.js", str(xml), str(out))
    report: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    return report


@needs_node
def test_manifest_passes_microsofts_converter_and_validator(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    xml = _manifest(tmp_path, monkeypatch)
    report = _validate(xml, tmp_path / "json")
    assert report == {"ok": True, "errors": [], "json": str(tmp_path / "json" / "manifest.json")}
    converted = json.loads((tmp_path / "json" / "manifest.json").read_text(encoding="utf-8"))
    [tab] = converted["extensions"][0]["ribbons"][0]["tabs"]
    [group] = tab["groups"]
    controls = [(c["id"], c["label"], c["actionId"]) for c in group["controls"]]
    buttons = [(f"zhenggai.{b.tag}", b.label, "zhenggaiRun") for b in BUTTONS]
    assert controls[:-1] == buttons
    assert controls[-1][:2] == ("zhenggai.taskpane", "进度和结果")
    token = json.loads((tmp_path / "config" / "serve.json").read_text())["token"]
    assert f"commands.html?token={token}" in xml.read_text(encoding="utf-8")


@needs_node
def test_the_manifest_check_rejects_a_broken_manifest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    xml = _manifest(tmp_path, monkeypatch)
    broken = xml.with_name("broken.xml")
    broken.write_text(
        xml.read_text(encoding="utf-8").replace('<Label resid="Group.Label"/>', ""),
        encoding="utf-8",
    )
    report = _validate(broken, tmp_path / "json")
    assert report["ok"] is False and report["errors"]
