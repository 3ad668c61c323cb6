"""click's own messages in Chinese, from the gettext catalogue compiled at build time."""

from __future__ import annotations

import ast
import gettext
import io
import os
import re
import string
from pathlib import Path

import click
import pytest

from tools.msgfmt import mo_bytes, parse_po
from zhenggai.cli import main
from zhenggai.cli.i18n import DOMAIN, LOCALEDIR, catalogue, chinese_messages

PO = LOCALEDIR / "zh_CN" / "LC_MESSAGES" / f"{DOMAIN}.po"
ENTRIES = parse_po(PO.read_text(encoding="utf-8"))


def _click_messages() -> set[str]:
    """Every literal message the installed click passes to gettext or ngettext, as .mo keys."""
    found: set[str] = set()
    for path in Path(click.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            texts = [a.value for a in node.args if isinstance(a, ast.Constant)]
            if node.func.id == "_" and texts:
                found.add(texts[0])
            elif node.func.id == "ngettext" and len(texts) >= 2:
                found.add(f"{texts[0]}\0{texts[1]}")
    return found


def test_every_click_message_has_a_translation():
    # "required" is looked up dynamically: _(extra["required"])
    missing = sorted((_click_messages() | {"required"}) - set(ENTRIES))
    assert missing == [], "add these to zhenggai.po: " + repr(missing)


def test_no_translation_asks_for_a_placeholder_its_message_does_not_give():
    def fields(text: str) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}

    for key, value in ENTRIES.items():
        if not key:  # the header
            continue
        given = set().union(*(fields(k) for k in key.split("\0")))
        for form in value.split("\0"):
            assert fields(form) <= given, (key, form)
            assert re.search(r"[\u4e00-\u9fff]", form), f"not translated: {key!r}"


def test_the_compiled_catalogue_is_current():
    path = catalogue()
    assert path.is_file(), "build the package (pip install -e .) to compile the catalogue"
    with path.open("rb") as installed:
        built = gettext.GNUTranslations(installed)
    fresh = gettext.GNUTranslations(io.BytesIO(mo_bytes(ENTRIES)))
    assert built._catalog == fresh._catalog, "zhenggai.po changed: reinstall (make .venv/.dev)"


@pytest.mark.parametrize(
    ("argv", "chinese", "english"),
    [
        (["check", "--json=1", "x.xlsx"], "选项 --json 后面不能带值。", "does not take a value"),
        (["mail", "x.xlsx", "--batch"], "选项 --batch 后面需要 1 个值。", "requires an argument"),
        (["mail", "x.xlsx", "--smtp-port", "abc"], "“abc”不是数字。", "is not a valid integer"),
        (["mail", "x.xlsx", "--smtp-security", "TLS"], "不在可选范围内", "is not one of"),
        (["check", "无此文件.xlsx"], "“无此文件.xlsx”不存在。", "does not exist"),
        (["init", "a.xlsx", "b.xlsx"], "多了参数（b.xlsx）", "unexpected extra argument"),
        (["init", "--demoo", "a.xlsx"], "（是不是 '--demo'？）", "Did you mean"),
        (["study", str(PO)], "缺少选项 --into。", "Missing option"),
        (["init"], "缺少参数 台账.xlsx。", "Missing argument"),
    ],
)
def test_click_errors_are_chinese(capsys, argv, chinese, english):
    assert main(argv) == 2
    text = capsys.readouterr().err
    assert chinese in text and english not in text


def test_a_usage_error_shows_the_usage_line(capsys):
    assert main(["init"]) == 2
    assert capsys.readouterr().err.splitlines()[:2] == [
        "用法：zhenggai init [选项] 台账.xlsx",
        "试试“zhenggai init --help”。",
    ]


def test_help_marks_come_from_the_catalogue(capsys):
    assert main(["study", "--help"]) == 0
    text = capsys.readouterr().out
    assert "[必填]" in text and "显示本帮助并退出。" in text and "选项：" in text


def test_gettext_state_is_restored_after_a_command(monkeypatch):
    monkeypatch.setenv("LANGUAGE", "en_GB")
    before = gettext.textdomain()
    with chinese_messages():
        assert gettext.textdomain() == DOMAIN
        assert gettext.gettext("Usage:") == "用法："
    assert gettext.textdomain() == before
    assert os.environ["LANGUAGE"] == "en_GB"
    assert gettext.gettext("Usage:") == "Usage:"


def test_chinese_whatever_the_locale_says(monkeypatch, capsys):
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)  # an office PC on Windows sets none of them
    assert main(["check", "--json=1", "x.xlsx"]) == 2
    assert "后面不能带值" in capsys.readouterr().err
