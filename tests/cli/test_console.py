"""What reaches the terminal: user data shown literally, never run; JSON as UTF-8 bytes.

The class of failure: text from other people's files (file names, sheet names,
cell values, unit names) reaching rich as markup or reaching the terminal as
escape sequences. Tested on the console itself and through the real
``zhenggai`` process, on consolidate, check and import.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from rich.table import Table

from zhenggai.cli.console import SafeConsole, echo_json, json_text, new_progress, show, styled
from zhenggai.demo.ledger import create_demo_master

CLI = Path(__file__).resolve().parents[2] / "lib" / "zhenggai" / "cli"

# A file name as hostile as a file system allows: rich markup (style tags), an
# ANSI "clear screen", an OSC 52 clipboard write ended by a bell, and a
# right-to-left override. The closing tag "[/]" that crashed rich cannot be in a
# name ("/" separates folders): it comes from a folder path such as 整改[/]回收.
HOSTILE = "办公室[red]红[bold]-\x1b[2J\x1b]52;c;Y2FsYw==\x07链接-\u202eabc"
MARKUP = "[red]红[bold]"
FOLDER = ("整改[", "]2026")  # together: 整改[/]2026
# rich's own sequences: colours and styles, and the live display's cursor hiding,
# line erasing and moving up. Anything else starting with ESC came from the data.
RICH = re.compile(r"\x1b\[[0-9;]*m|\x1b\[\?25[lh]|\x1b\[[12]?[AK]")


def _render(console_print) -> str:
    buffer = io.StringIO()
    console = SafeConsole(file=buffer, force_terminal=True, width=200)
    console_print(console)
    return buffer.getvalue()


def _only_rich(text: str) -> bool:
    """True when every ESC in *text* starts one of rich's own sequences."""
    return "\x1b" not in RICH.sub("", text)


def test_show_makes_controls_visible_and_keeps_length():
    text = "a\x1b[31m\x07\r\x7f\x9b\u202e\tb\nc"
    shown = show(text)
    assert len(shown) == len(text)
    assert shown == "a␛[31m␇␍␡\ufffd\ufffd\tb\nc"


@pytest.mark.parametrize(
    "print_it",
    [
        lambda c: c.print(HOSTILE),
        lambda c: c.print(f"[/]{HOSTILE}"),
        lambda c: c.print(HOSTILE, style="yellow"),
        lambda c: c.print(styled(("注意：", "yellow"), HOSTILE)),
        lambda c: c.print(HOSTILE, markup=True),  # a caller asking for markup does not get it
    ],
    ids=["plain", "closing-tag", "style", "styled", "markup-asked"],
)
def test_console_prints_data_literally(print_it):
    text = _render(print_it)
    assert MARKUP in text
    assert _only_rich(text), repr(text)
    assert "␛[2J" in text and "␛]52;c;Y2FsYw==␇" in text


def test_table_cells_and_titles_are_literal():
    def table(console: SafeConsole) -> None:
        t = Table(title=f"结果（{HOSTILE}）")
        t.add_column("文件")
        t.add_column("单位")
        t.add_row(HOSTILE, "[bold]宣传科")
        console.print(t)

    text = _render(table)
    assert _only_rich(text)
    assert text.count(MARKUP) == 2 and "[bold]宣传科" in text


def test_status_and_progress_text_is_literal():
    bar = new_progress()
    bar.add_task(f"读取 {HOSTILE}", total=2)
    with_bar = _render(lambda c: c.print(bar.make_tasks_table(bar.tasks)))
    spinner = _render(lambda c: c.print(c.status(HOSTILE).renderable))
    for text in (with_bar, spinner):
        assert MARKUP in text and _only_rich(text), repr(text)


def test_json_escapes_what_a_terminal_would_act_on():
    data = {"file": HOSTILE, "c1": "\x9b2J"}
    text = json_text(data)
    assert json.loads(text) == data  # exact values survive
    assert not re.search(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", text.replace("\n", ""))


def test_echo_json_writes_utf8_bytes_whatever_the_stream_encoding(monkeypatch):
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="cp1252")
    monkeypatch.setattr(sys, "stdout", stream)
    echo_json({"单位": "宣传教育科"})
    assert json.loads(raw.getvalue().decode("utf-8")) == {"单位": "宣传教育科"}


# --- through the real command line ---------------------------------------------------


def _zhenggai(
    *args: str | Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "zhenggai", *map(str, args)],
        capture_output=True,
        env={**os.environ, **(env or {})},
        timeout=120,
        check=False,
    )


@pytest.mark.slow
@pytest.mark.parametrize("encoding", ["cp1252", "gbk"])
def test_json_is_utf8_on_any_console_code_page(tmp_path, encoding):
    folder = tmp_path / "督查整改"
    folder.mkdir()
    master = folder / "示例台账.xlsx"
    run = _zhenggai("init", master, "--demo", "--json", env={"PYTHONIOENCODING": encoding})
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout.decode("utf-8"))
    assert data["master"] == str(master.resolve())
    run = _zhenggai(
        "overdue", master, "--today", "2026-11-28", "--json", env={"PYTHONIOENCODING": encoding}
    )
    assert run.returncode == 0
    items = json.loads(run.stdout.decode("utf-8"))["items"]
    assert {"宣传教育科", "机关党委"} <= {i["unit"] for i in items}


@pytest.mark.slow
def test_text_output_survives_a_code_page_without_chinese(tmp_path):
    master = tmp_path / "台账.xlsx"
    run = _zhenggai("init", master, "--demo", env={"PYTHONIOENCODING": "cp1252"})
    assert run.returncode == 0, run.stderr
    assert str(master.name).encode("cp1252", errors="replace") in run.stdout


@pytest.fixture
def hostile_round(tmp_path: Path) -> tuple[Path, Path]:
    """A demo master under 整改[/]2026 with templates issued and one return saved under a
    hostile name."""
    folder = tmp_path.joinpath(*FOLDER)
    folder.mkdir(parents=True)
    master = create_demo_master(folder / "台账.xlsx")
    # on the demo's day: its 报送截止 (12月5日前) is read for the batch, past after 12-05
    run = _zhenggai("templates", master, "--batch", "2026年11月", "--today", "2026-11-28")
    assert run.returncode == 0, run.stderr
    template = next((folder / "下发" / "2026年11月").glob("办公室-*.xlsx"))
    returned = folder / "回收" / f"{HOSTILE}.xlsx"
    returned.parent.mkdir()
    shutil.copy(template, returned)
    return master, returned


def _assert_shown_literally(run: subprocess.CompletedProcess[bytes]) -> str:
    text = run.stdout.decode("utf-8", "replace") + run.stderr.decode("utf-8", "replace")
    assert run.returncode in (0, 1), text  # not 3: no crash in rich
    assert _only_rich(text), repr(text)
    assert MARKUP in text and "␛[2J" in text
    return text


@pytest.mark.slow
@pytest.mark.parametrize("color", [False, True], ids=["pipe", "terminal-colours"])
def test_hostile_file_name_through_consolidate_and_check(hostile_round, color):
    master, returned = hostile_round
    env = {"COLUMNS": "400"}  # wide enough that no table cell folds the name
    env |= {"FORCE_COLOR": "1", "TERM": "xterm-256color"} if color else {"NO_COLOR": "1"}
    _assert_shown_literally(_zhenggai("check", returned, "--master", master, env=env))
    text = _assert_shown_literally(_zhenggai("consolidate", master, "--dry-run", env=env))
    assert f"汇总结果（{returned.parent}）" in text  # the folder: 整改[/]2026/回收


def test_hostile_values_through_import(tmp_path):
    folder = tmp_path.joinpath(*FOLDER)
    folder.mkdir(parents=True)
    source = folder / "旧台账[red].xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "旧台账"
    # openpyxl refuses C0 controls in cells; a C1 CSI (U+009B) and a bidi override it writes
    ws.append(["编号", "存在问题", "整改措施", "责任单位", "[bold]说明\x9b2J\u202e列"])
    ws.append(["1", "问题[/]", "措施", "办公室", "值"])
    wb.save(source)
    run = _zhenggai("import", source, "--into", folder / "新台账.xlsx")
    text = run.stdout.decode("utf-8") + run.stderr.decode("utf-8")
    assert run.returncode in (0, 1), text
    assert "旧台账[red].xlsx" in text and "整改[/]2026" in text
    assert "\x9b" not in text and "\u202e" not in text
    assert "[bold]说明\ufffd2J\ufffd列" in text


def test_no_markup_and_no_raw_progress_in_the_cli_source():
    """Markup is off on our consoles: a tag in a string would print literally."""
    tag = re.compile(r"\[/?(?:red|green|yellow|blue|cyan|magenta|bold|dim|italic)\b[^\]]*\]|\[/\]")
    offenders = []
    for path in sorted(CLI.glob("*.py")):
        if path.name == "console.py":  # documents the problem in its docstring
            continue
        source = path.read_text(encoding="utf-8")
        offenders += [f"{path.name}: {m.group()}" for m in tag.finditer(source)]
        for banned in ("rich.markup", "Progress(", "TextColumn(", "Text(", "click.echo", "print("):
            if banned in source.replace("out.print(", "").replace("err.print(", ""):
                offenders.append(f"{path.name}: {banned} (use console.py's helpers)")
    assert offenders == []
