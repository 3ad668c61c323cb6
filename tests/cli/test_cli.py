"""The CLI speaks Chinese, and the README documents every command."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from zhenggai.cli import cli, main
from zhenggai.cli._base import EXIT_CODES

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


def _lookup(argv: list[str]) -> click.Command:
    command: click.Command = cli
    for name in argv:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    return command


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


def test_bare_zhenggai_lists_the_commands_and_exits_0(capsys):
    assert main([]) == 0
    text = capsys.readouterr().out
    assert "命令：" in text
    assert all(name in text for name in cli.commands)
    assert main(["addin"]) == 0
    assert "build" in capsys.readouterr().out


def test_exit_codes_are_documented_in_help_and_readme(capsys):
    assert main(["--help"]) == 0
    help_text = capsys.readouterr().out
    readme = README.read_text(encoding="utf-8")
    for code, words in EXIT_CODES.items():
        assert f"{code:<4}{words}" in help_text
        assert f"| {code} | {words} |" in readme


# Commands that report no result: `serve` runs until it is stopped.
NO_RESULT = {"serve"}
LEAVES = [
    (name, argv)
    for name, argv in COMMANDS
    if not isinstance(_lookup(argv), click.Group) and name not in NO_RESULT
]


@pytest.mark.parametrize(("name", "argv"), LEAVES, ids=[c[0] for c in LEAVES])
def test_every_command_has_json(name, argv):
    command = _lookup(argv)
    assert any("--json" in p.opts for p in command.params if isinstance(p, click.Option)), name


def test_internal_error_exits_3_and_interrupt_130(monkeypatch, tmp_path, capsys):
    import zhenggai.cli.init as init_module

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(init_module, "create_master", broken)
    assert main(["init", str(tmp_path / "a.xlsx")]) == 3
    err = capsys.readouterr().err
    assert "程序内部错误" in err and "RuntimeError: boom" in err

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(init_module, "create_master", interrupted)
    assert main(["init", str(tmp_path / "a.xlsx")]) == 130
    assert "已取消" in capsys.readouterr().err
