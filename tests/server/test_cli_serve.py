"""``zhenggai serve`` and the add-in writers, as a user runs them."""

from __future__ import annotations

import json
import os
import signal
import ssl
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.server.conftest import free_port
from xl_addin.buttons_spec import BUTTONS
from xl_addin.server.certs import CA_FILE
from xl_addin.server.contract import PING
from xl_addin.server.settings import ServeSettings, config_dir, load_settings
from zhenggai import ZhenggaiError, __version__
from zhenggai.cli import main as cli


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "config"
    monkeypatch.setenv("ZHENGGAI_CONFIG_DIR", str(folder))
    return folder


def test_token_is_made_once_and_kept_private(config: Path) -> None:
    first = load_settings()
    assert len(first.token) >= 40 and load_settings().token == first.token
    if os.name == "posix":
        assert stat.S_IMODE((config / "serve.json").stat().st_mode) == 0o600


def test_unreadable_settings_say_what_to_do(config: Path) -> None:
    config.mkdir()
    (config / "serve.json").write_text("{", encoding="utf-8")
    with pytest.raises(ZhenggaiError, match="删除它后重新运行"):
        load_settings()


def test_config_folder_per_system() -> None:
    assert (
        config_dir({"APPDATA": r"C:\Users\a\AppData\Roaming"}, platform="win32")
        == Path(r"C:\Users\a\AppData\Roaming") / "zhenggai"
    )
    assert config_dir({"HOME": "/home/a"}, platform="linux") == Path("/home/a/.config/zhenggai")
    assert config_dir({"HOME": "/Users/a"}, platform="darwin") == Path(
        "/Users/a/Library/Application Support/zhenggai"
    )


@pytest.mark.slow
def test_serve_https_answers_with_a_certificate_signed_by_the_local_authority(
    config: Path, tmp_path: Path
) -> None:
    port = free_port()
    env = {**os.environ, "ZHENGGAI_CONFIG_DIR": str(config)}
    exe = Path(sys.executable).with_name("zhenggai")
    proc = subprocess.Popen(
        [str(exe), "serve", "--https", "--port", str(port), "--root", str(tmp_path)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        token = _wait_for_settings(config, proc)
        url = f"https://localhost:{port}{PING}"
        answer = _ping(
            url, token, verify=ssl.create_default_context(cafile=config / CA_FILE), proc=proc
        )
        assert answer["version"] == __version__ and answer["roots"] == [str(tmp_path.resolve())]
        with pytest.raises(httpx.ConnectError):  # not trusted without the local authority
            httpx.get(url, headers={"Authorization": token})
    finally:
        proc.send_signal(signal.SIGINT)
        output = proc.communicate(timeout=30)[0]
    assert f"整改台账服务：https://localhost:{port}" in output
    assert str(config / "serve.json") in output


def _wait_for_settings(config: Path, proc: subprocess.Popen[str]) -> str:
    for _ in range(300):
        if (config / "serve.json").exists():
            data = json.loads((config / "serve.json").read_text() or "{}")
            if data.get("https"):
                return str(data["token"])
        assert proc.poll() is None, proc.communicate()[0]
        proc_wait(0.05)
    raise AssertionError("zhenggai serve wrote no settings")


def _ping(
    url: str, token: str, *, verify: ssl.SSLContext, proc: subprocess.Popen[str]
) -> dict[str, object]:
    for _ in range(300):
        try:
            r = httpx.get(url, headers={"Authorization": token}, verify=verify)
            return dict(r.json())
        except httpx.ConnectError:
            assert proc.poll() is None, proc.communicate()[0]
            proc_wait(0.05)
    raise AssertionError("zhenggai serve never answered")


def proc_wait(seconds: float) -> None:
    import threading

    threading.Event().wait(seconds)


def test_serve_without_the_extra_says_how_to_install_it(
    config: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import xl_addin.server

    monkeypatch.setitem(sys.modules, "uvicorn", None)  # as if not installed
    monkeypatch.delitem(sys.modules, "xl_addin.server.serve", raising=False)
    monkeypatch.delattr(xl_addin.server, "serve", raising=False)
    assert cli(["serve"]) == 2
    assert 'pip install "zhenggai[serve]"' in capsys.readouterr().err


def test_addin_wps_writes_the_addin_and_keeps_other_addins_registered(
    config: Path, tmp_path: Path
) -> None:
    jsaddons = tmp_path / "jsaddons"
    jsaddons.mkdir()
    other = '<jsplugins><jsplugin name="oa" type="wps" url="oa_1.0" version="1.0"/></jsplugins>'
    (jsaddons / "publish.xml").write_text(other, encoding="utf-8")
    assert cli(["addin", "wps", "--out", str(jsaddons)]) == 0
    assert cli(["addin", "wps", "--out", str(jsaddons)]) == 0  # again: still one entry
    folder = jsaddons / f"zhenggai_{__version__}"
    for name in (
        "index.html",
        "main.js",
        "ribbon.xml",
        "js/zhenggai.js",
        "js/adapter.js",
        "ui/taskpane.html",
    ):
        assert (folder / name).is_file(), name
    settings = ServeSettings(**json.loads((config / "serve.json").read_text()))
    config_js = (folder / "js" / "config.js").read_text(encoding="utf-8")
    assert settings.token in config_js and f"http://127.0.0.1:{settings.port}" in config_js
    ribbon = (folder / "ribbon.xml").read_text(encoding="utf-8")
    assert all(f'id="zhenggai_{b.tag}" label="{b.label}"' in ribbon for b in BUTTONS)
    for registry in ("publish.xml", "jsplugins.xml"):
        text = (jsaddons / registry).read_text(encoding="utf-8")
        assert text.count('name="zhenggai"') == 1 and f'url="zhenggai_{__version__}"' in text
    assert 'name="oa"' in (jsaddons / "publish.xml").read_text(encoding="utf-8")
