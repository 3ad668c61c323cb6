"""The VBA module read as source: its blocks, its callbacks and the self-test's steps.

No VBA compiler runs here (LibreOffice loads the module, see test_build), so
what a compiler would refuse first is checked by reading: unbalanced blocks,
reserved words used as names, callbacks the ribbon names but the module lacks.
The self-test's chain is listed from the source and held to the README.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from xl_addin import buttons
from xl_addin.build.xlam import module_source
from xl_addin.buttons_spec import BUTTONS
from xl_addin.handlers import selftest

ROOT = Path(__file__).parents[2]
SOURCE = (ROOT / "xl_addin" / "build" / "vba" / "ZhenggaiRibbon.bas").read_text("utf-8")


def _without_comment(line: str) -> str:
    """*line* up to its comment: the first ' outside a string literal."""
    quoted = False
    for i, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif ch == "'" and not quoted:
            return line[:i].rstrip()
    return line.rstrip()


def _logical_lines(source: str) -> list[str]:
    """Source lines without comments, a line continued with " _" joined to the next."""
    lines: list[str] = []
    pending = ""
    for raw in source.splitlines():
        line = _without_comment(raw)
        if line.endswith(" _"):
            pending += line[:-2] + " "
            continue
        lines.append(pending + line.strip() if pending else line)
        pending = ""
    return lines


CODE = _logical_lines(SOURCE)

#: The chain 自检 walks, in order (docs: README "自检").
STEPS = [
    "macros",
    "scripting",
    "child_process",
    "interpreter",
    "python_runs",
    "import",
    "book_caller",
    "message",
]
_RESERVED = set(
    [
        "step",
        "to",
        "next",
        "loop",
        "then",
        "else",
        "case",
        "select",
        "each",
        "in",
        "is",
        "mod",
        "not",
        "and",
        "or",
        "xor",
        "like",
        "new",
        "nothing",
        "me",
        "print",
        "open",
        "close",
        "input",
        "output",
        "name",
        "get",
        "put",
        "set",
        "let",
        "call",
        "date",
        "time",
        "error",
        "end",
        "exit",
        "for",
        "while",
        "wend",
        "until",
        "with",
        "type",
        "string",
        "integer",
        "long",
        "boolean",
        "variant",
        "object",
        "dim",
        "redim",
        "const",
        "sub",
        "function",
        "property",
        "private",
        "public",
        "static",
        "global",
        "option",
        "explicit",
        "on",
        "goto",
        "resume",
        "stop",
        "lock",
        "unlock",
        "line",
        "seek",
        "width",
        "write",
        "as",
        "byval",
        "byref",
        "optional",
        "paramarray",
        "declare",
        "lib",
        "alias",
        "event",
        "true",
        "false",
        "empty",
        "null",
    ]
)


def _procedure(name: str) -> list[str]:
    start = next(
        i
        for i, line in enumerate(CODE)
        if re.match(rf"(Private )?(Sub|Function) {name}\b", line.strip())
    )
    end = next(i for i in range(start, len(CODE)) if CODE[i].strip() in ("End Sub", "End Function"))
    return CODE[start : end + 1]


def test_blocks_are_balanced() -> None:
    opened: list[str] = []
    pairs = {
        "End Sub": "Sub",
        "End Function": "Function",
        "End If": "If",
        "End Select": "Select",
        "Next": "For",
        "Loop": "Do",
        "#End If": "#If",
    }
    for number, raw in enumerate(CODE, start=1):
        line = raw.strip()
        if not line:
            continue
        closing = next((k for k in pairs if line == k or line.startswith(k + " ")), None)
        if closing:
            assert opened and opened.pop() == pairs[closing], (number, line)
        elif re.match(r"(Private |Public )?(Sub|Function) ", line):
            opened.append(line.split("(")[0].split()[-2])
        elif line.startswith("#If ") and line.endswith(" Then"):
            opened.append("#If")
        elif re.match(r"(Else)?If .* Then$", line) and not line.startswith("ElseIf"):
            opened.append("If")
        elif line.startswith("Select Case "):
            opened.append("Select")
        elif re.match(r"For (Each )?\w+", line):
            opened.append("For")
        elif line.startswith("Do"):
            opened.append("Do")
    assert opened == []


def test_no_reserved_word_is_a_name() -> None:
    names = []
    for line in CODE:
        for declared in re.findall(r"\b(?:Dim|ByVal|ByRef)\s+([^:]+)", line):
            names += re.findall(r"(\w+)\s+As\b", declared)
        match = re.match(r"\s*(?:Private |Public )?(?:Sub|Function) \w+\((.*)\)", line)
        if match:
            names += re.findall(r"(\w+)\s+As\b", match.group(1))
    assert names
    assert not [n for n in names if n.lower() in _RESERVED]


def test_every_ribbon_callback_exists_and_refuses_without_a_workbook() -> None:
    for action in {b.on_action for b in BUTTONS}:
        sub = action.split(".")[1]
        body = _procedure(sub)
        assert re.fullmatch(rf"Sub {sub}\(control As IRibbonControl\)", body[0].strip())
        if sub == "OnSelfTest":
            continue  # it opens a workbook of its own
        check = next(i for i, line in enumerate(body) if "HasWorkbook()" in line)
        run = next(i for i, line in enumerate(body) if "RunPython" in line)
        assert check < run
    has = "\n".join(_procedure("HasWorkbook"))
    assert "ActiveWorkbook Is Nothing" in has and "MsgBox" in has and "受保护的视图" in has


def test_file_buttons_have_a_prompt_and_pass_the_path_as_hex() -> None:
    body = "\n".join(_procedure("OnPickFile"))
    for button in BUTTONS:
        if button.picks:
            assert f'Case "{button.tag}"' in body
    assert "GetOpenFilename" in body and "HexPath(CStr(picked))" in body
    assert "If VarType(picked) = vbBoolean Then Exit Sub" in body  # cancelled: nothing runs
    assert "b.run('\" & control.Tag & \"', '\" & HexPath(" in body


@pytest.mark.parametrize(
    "path", ["D:\\回收\\张三's 报送(1).xlsx", "/Users/李/学习积分 & 11月.xlsx"]
)
def test_hex_path_as_vba_computes_it_is_what_python_decodes(path: str) -> None:
    # HexPath: AscW of each UTF-16 unit, negative ones + 65536, four hex digits each.
    vba = "".join(f"{(ord(c) - 65536 if ord(c) > 32767 else ord(c)) % 65536:04X}" for c in path)
    from xl_addin.picked import decode_path, encode_path

    assert vba == encode_path(path) and str(decode_path(vba)) == path
    assert vba.isascii() and vba.isalnum()


def test_self_test_walks_the_chain_in_order_and_explains_each_link() -> None:
    body = _procedure("OnSelfTest")
    steps = [m.group(1) for line in body for m in [re.search(r'stage = "(\w+)"', line)] if m]
    assert steps == STEPS
    explain = "\n".join(_procedure("Explain"))
    readme = (ROOT / "README.md").read_text("utf-8")
    for step in STEPS[1:-1]:
        case = explain.split(f'Case "{step}"')[1].split("Case ")[0]
        titles = re.findall(r"见 README 常见问题“([^”]+)”", case)
        assert titles, step
        for title in titles:
            assert re.search(rf"^#+ .*{re.escape(title)}", readme, re.M), title
    assert "D4F940AB-401B-4EFC-AADC-AD5F3C50688A" in explain and "1121" in explain
    # The scratch workbook is closed unsaved, whether the chain holds or breaks.
    text = "\n".join(body)
    assert text.count("scratch.Close SaveChanges:=False") == 2


def test_self_test_reads_back_what_the_python_handler_writes() -> None:
    body = "\n".join(_procedure("OnSelfTest"))
    assert f'Worksheets("{selftest.SHEET}")' in body
    assert f'Left$(result, {len(selftest.MARK_OK)}) <> "{selftest.MARK_OK}"' in body
    assert f'Left$(result, {len(selftest.MARK_FAIL)}) = "{selftest.MARK_FAIL}"' in "\n".join(
        _procedure("Explain")
    )
    assert "b.run('selftest')" in body and "selftest" in buttons.HANDLERS


def test_the_stored_module_keeps_every_line() -> None:
    assert len(module_source().split("\r\n")) == len(SOURCE.splitlines()) + 1
    assert _logical_lines(module_source().replace("\r\n", "\n"))[0] == CODE[0]
