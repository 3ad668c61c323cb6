"""Play the actions of ``book.json()`` onto the payload, as Excel would apply them.

Enough of Excel's behaviour to check what the add-in wrote: values (a leading
apostrophe marks text and is not part of the value; ISO date text becomes a
date, as Excel parses it), fills, number formats, sheets added, cleared (whole
or a range) and the charts added, and conditional-formatting rules, evaluated
as Excel evaluates them for :meth:`Sheet.shown_fill` (the colour a reader sees).
Formatting actions that do not change values or fills are recorded by name only.

The rule evaluator knows the formulas :func:`xl_addin.cells.rule_formula`
writes, read the way Excel reads them (LEFT, RIGHT, LEN, ``--`` on text,
IFERROR, AND and comparisons on the cell's own text through
``INDIRECT("RC",FALSE)``), and refuses any other formula rather than guess.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from xl_addin.source import clean_value
from zhenggai.core.text import Value

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")


class UnsafeText(AssertionError):
    """Text written without an apostrophe that Excel might read as a number, date or formula."""


_THIS = 'INDIRECT("RC",FALSE)'


class UnknownFormula(AssertionError):
    """A conditional-formatting formula the evaluator does not know."""


def _split_args(text: str) -> list[str]:
    """Top-level comma-separated arguments of a function call's inside."""
    parts, depth, quoted, start = [], 0, False, 0
    for i, ch in enumerate(text):
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch == "(":
            depth += 1
        elif not quoted and ch == ")":
            depth -= 1
        elif not quoted and ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def _string(literal: str) -> str:
    if not (literal.startswith('"') and literal.endswith('"')):
        raise UnknownFormula(literal)
    return literal[1:-1].replace('""', '"')


def _text(expr: str, cell: str) -> str:
    """A text expression: the cell, LEFT/RIGHT of one, LEN(…)-n as their count."""
    if expr == _THIS:
        return cell
    name = expr.split("(", 1)[0]
    if name not in ("LEFT", "RIGHT") or not expr.endswith(")"):
        raise UnknownFormula(expr)
    inner, count = _split_args(expr[len(name) + 1 : -1])
    text = _text(inner, cell)
    length = re.fullmatch(r"LEN\((.+)\)-(\d+)", count)
    if length:
        n = len(_text(length.group(1), cell)) - int(length.group(2))
    elif count.isdigit():
        n = int(count)
    else:
        raise UnknownFormula(count)
    n = max(n, 0)
    return text[:n] if name == "LEFT" else (text[-n:] if n else "")


def _true(expr: str, cell: str) -> bool:
    """A logical expression of a generated rule, evaluated as Excel would."""
    if expr.startswith("AND(") and expr.endswith(")"):
        return all(_true(part, cell) for part in _split_args(expr[4:-1]))
    if expr.startswith("IFERROR(") and expr.endswith(")"):
        value, fallback = _split_args(expr[8:-1])
        try:
            return _true(value, cell)
        except ValueError:  # #VALUE! in Excel
            return _true(fallback, cell)
    if expr in ("TRUE", "FALSE"):
        return expr == "TRUE"
    match = re.fullmatch(r"--(.+)<=(\d+)", expr)
    if match:
        number = _text(match.group(1), cell).strip()
        if not re.fullmatch(r"-?\d+(\.\d+)?", number):
            raise ValueError(number)  # --"abc" is #VALUE!
        return float(number) <= int(match.group(2))
    left, sep, right = expr.partition("=")
    if sep and right.startswith('"'):
        return _text(left, cell) == _string(right)
    raise UnknownFormula(expr)


def rule_matches(entry: dict[str, Any], value: Value) -> bool:
    """Whether an ``addConditionalFormat`` rule applies to a cell holding *value*."""
    cell = "" if value is None else value if isinstance(value, str) else str(value)
    if entry["type"] == "CellValue":
        if entry["operator"] != "EqualTo":
            raise UnknownFormula(entry["operator"])
        return isinstance(value, str) and value == _string(entry["formula1"].removeprefix("="))
    if entry["type"] == "Custom":
        formula = entry["formula"]
        if not formula.startswith("="):
            raise UnknownFormula(formula)
        return _true(formula[1:], cell)
    raise UnknownFormula(entry["type"])


@dataclass
class Sheet:
    name: str
    values: dict[tuple[int, int], Value] = field(default_factory=dict)
    fills: dict[tuple[int, int], str | None] = field(default_factory=dict)
    formats: dict[tuple[int, int], str] = field(default_factory=dict)
    charts: list[list[Any]] = field(default_factory=list)
    #: conditional-formatting rules, highest priority first: (first row, col, last row, entry)
    rules: list[tuple[int, int, int, dict[str, Any]]] = field(default_factory=list)

    def shown_fill(self, row: int, col: int) -> str | None:
        """The fill a reader sees: the first matching rule's (it stops the others), else the cell's."""
        for first, c, last, entry in self.rules:
            if (
                c == col
                and first <= row <= last
                and rule_matches(entry, self.values.get((row, col)))
            ):
                return str(entry["fill_color"]).upper()
        return self.fills.get((row, col))

    def grid(self) -> list[list[Value]]:
        """Values from A1 to the last cell holding one (trailing empty rows dropped)."""
        cells = {k: v for k, v in self.values.items() if v is not None}
        if not cells:
            return []
        rows = max(r for r, _ in cells)
        cols = max(c for _, c in cells)
        return [[cells.get((r, c)) for c in range(1, cols + 1)] for r in range(1, rows + 1)]


@dataclass
class Excel:
    """The workbook after the actions; ``done`` counts every action by name."""

    sheets: list[Sheet]
    alerts: list[str] = field(default_factory=list)
    done: Counter[str] = field(default_factory=Counter)

    def __getitem__(self, name: str) -> Sheet:
        return next(s for s in self.sheets if s.name == name)

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.sheets]


def typed(value: Any) -> Value:
    """A value from a ``setValues`` action as Excel stores it."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        if value.startswith("'"):
            return value[1:]
        stripped = value.lstrip()
        if _ISO_DATE.fullmatch(value):
            return date.fromisoformat(value)
        if _ISO_DATETIME.fullmatch(value):
            return datetime.fromisoformat(value)
        first = ord(stripped[0]) if stripped else 0x4E00
        if first < 0x80 or 0xFF00 <= first <= 0xFFEF:
            raise UnsafeText(value)
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value  # type: ignore[no-any-return]


def replay(payload: dict[str, Any], actions: list[dict[str, Any]]) -> Excel:
    """Apply *actions* to the workbook *payload* describes."""
    excel = Excel(
        [
            Sheet(
                s["name"],
                {
                    (r, c): clean_value(v, json=True)
                    for r, row in enumerate(s["values"], start=1)
                    for c, v in enumerate(row, start=1)
                },
            )
            for s in payload["sheets"]
        ]
    )
    for action in actions:
        func = action["func"]
        excel.done[func] += 1
        if func == "addSheet":
            index, name = action["args"]
            excel.sheets.insert(index, Sheet(name))
            continue
        if func == "alert":
            excel.alerts.append(action["args"][0])
            continue
        if action["sheet_position"] is None:  # app settings: screen updating, calculation
            continue
        sheet = excel.sheets[action["sheet_position"]]
        r0, c0 = (action["start_row"] or 0) + 1, (action["start_column"] or 0) + 1
        if func == "sheetClear":
            sheet.values.clear()
            sheet.fills.clear()
            sheet.formats.clear()
        elif func == "rangeClear":
            r1, c1 = r0 + action["row_count"] - 1, c0 + action["column_count"] - 1
            for store in (sheet.values, sheet.fills, sheet.formats):
                for key in [k for k in store if r0 <= k[0] <= r1 and c0 <= k[1] <= c1]:
                    del store[key]
        elif func == "clearConditionalFormats":
            r1, c1 = r0 + action["row_count"] - 1, c0 + action["column_count"] - 1
            sheet.rules = [
                rule
                for rule in sheet.rules
                if not (c0 <= rule[1] <= c1 and rule[0] <= r1 and rule[2] >= r0)
            ]
        elif func == "addConditionalFormat":
            assert action["column_count"] == 1, "rules on one column only"
            entry = action["args"][0]
            assert entry["stop_if_true"], "each rule stops the ones below it"
            sheet.rules.insert(0, (r0, c0, r0 + action["row_count"] - 1, entry))
        elif func == "deleteChart":
            del sheet.charts[action["args"][0]]
        elif func == "addChart":
            sheet.charts.append(action["args"])
        elif func in ("setValues", "setRangeColor", "setNumberFormat"):
            for dr in range(action["row_count"]):
                for dc in range(action["column_count"]):
                    at = (r0 + dr, c0 + dc)
                    if func == "setValues":
                        sheet.values[at] = typed(action["values"][dr][dc])
                    elif func == "setRangeColor":
                        colour = action["args"][0]
                        sheet.fills[at] = colour.upper() if colour else None
                    else:
                        sheet.formats[at] = action["args"][0]
    return excel


def save(excel: Excel, path: Any) -> None:
    """Write *excel*'s values over the workbook at *path*, as the user's Ctrl+S would.

    Values only (fills and formats are not needed by the tests that reopen the file).
    """
    import openpyxl

    wb = openpyxl.load_workbook(path)
    for index, sheet in enumerate(excel.sheets):
        ws = wb[sheet.name] if sheet.name in wb.sheetnames else wb.create_sheet(sheet.name, index)
        for row in ws.iter_rows():
            for cell in row:
                cell.value = None
        for (r, c), value in sheet.values.items():
            if value is not None:
                ws.cell(r, c, value)
    wb.save(path)


def to_payload(excel: Excel, like: dict[str, Any]) -> dict[str, Any]:
    """The payload the client would send for *excel* now (what the next click sees).

    *like* is the payload the actions were played onto: book and names are taken
    from it, each sheet's values from *excel*.
    """
    from tests.xl_addin.payload import json_cell

    before = {s["name"]: s for s in like["sheets"]}
    sheets = []
    for sheet in excel.sheets:
        grid = sheet.grid()
        entry = dict(before.get(sheet.name, {"name": sheet.name, "pictures": [], "tables": []}))
        entry["values"] = [[json_cell(v) for v in row] for row in grid] or [[]]
        sheets.append(entry)
    return {**like, "sheets": sheets}
