"""Play the actions of ``book.json()`` onto the payload, as Excel would apply them.

Enough of Excel's behaviour to check what the add-in wrote: values (a leading
apostrophe marks text and is not part of the value; ISO date text becomes a
date, as Excel parses it), fills, number formats, sheets added, cleared and the
charts added. Formatting actions that do not change values or fills are
recorded by name only.
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


@dataclass
class Sheet:
    name: str
    values: dict[tuple[int, int], Value] = field(default_factory=dict)
    fills: dict[tuple[int, int], str | None] = field(default_factory=dict)
    formats: dict[tuple[int, int], str] = field(default_factory=dict)
    charts: list[list[Any]] = field(default_factory=list)

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
        sheet = excel.sheets[action["sheet_position"]]
        if func == "sheetClear":
            sheet.values.clear()
            sheet.fills.clear()
            sheet.formats.clear()
        elif func == "deleteChart":
            del sheet.charts[action["args"][0]]
        elif func == "addChart":
            sheet.charts.append(action["args"])
        elif func in ("setValues", "setRangeColor", "setNumberFormat"):
            r0, c0 = action["start_row"] + 1, action["start_column"] + 1
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
