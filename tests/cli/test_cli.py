"""The CLI speaks Chinese, and the README documents every command."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from zhenggai.cli import cli, main

README = Path(__file__).resolve().parents[2] / "README.md"
ENGLISH = re.compile(r"Usage:|Options:|Commands:|Show this message|\[default:|\[required\]")


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, list[str]]]:
    found = []
    for name, cmd in group.commands.items():
        path = f"{prefix}{name}"
        found.append((path, path.split()))
        if isinstance(cmd, click.Group):
            found += _commands(cmd, path + " ")
    return found


COMMANDS = _commands(cli)


def test_top_level_help_is_chinese(capsys):
    assert main(["--help"]) == 0
    text = capsys.readouterr().out
    assert "用法：" in text and "命令：" in text
    assert not ENGLISH.search(text)


@pytest.mark.parametrize(("name", "argv"), COMMANDS, ids=[c[0] for c in COMMANDS])
def test_every_command_help_is_chinese(capsys, name, argv):
    assert main([*argv, "--help"]) == 0
    text = capsys.readouterr().out
    assert "用法：" in text
    assert not ENGLISH.search(text), text
    assert re.search(r"[\u4e00-\u9fff]", text)


@pytest.mark.parametrize(("name", "argv"), COMMANDS, ids=[c[0] for c in COMMANDS])
def test_readme_documents_every_command(name, argv):
    assert f"zhenggai {name}" in README.read_text(encoding="utf-8")


def test_unknown_command_and_option_are_chinese(capsys):
    assert main(["nope"]) == 2
    assert "没有命令“nope”" in capsys.readouterr().err
    assert main(["init", "--bogus"]) == 2
    assert "没有选项 --bogus" in capsys.readouterr().err
    assert main(["init"]) == 2
    assert "缺少参数" in capsys.readouterr().err
