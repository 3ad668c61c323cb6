"""Cell-level writing into an open Book: literal values, runs of cells, styles.

Excel parses text assigned through ``Range.value`` the way it parses typing:
``=…`` becomes a formula, ``00123`` the number 123, ``2024-06-30`` a date,
``(1)`` the number -1. A leading apostrophe makes Excel keep the rest as
text; the apostrophe is not part of the cell's value. Text that starts with a
Chinese character is never read as anything but text, so it is written as it
is; anything else gets the apostrophe (see :func:`excel_value`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import suppress
from datetime import date, datetime
from typing import Any, TypeVar

import xlwings

from zhenggai.core.changes import ColumnFills, Fill, FillRule
from zhenggai.core.sheets import DATE_FORMAT
from zhenggai.core.text import Value, is_formula_like

__all__ = [
    "HEADER_FONT",
    "MAX_ROW",
    "column_fills",
    "column_width",
    "date_formats",
    "excel_value",
    "fill_colour",
    "fills",
    "freeze_above",
    "full_host",
    "is_json_book",
    "pad",
    "rule_formula",
    "runs",
    "set_optional",
    "style_header",
]

T = TypeVar("T")

HEADER_FONT = "微软雅黑"
#: The last row of a worksheet (Excel 2007 and later).
MAX_ROW = 1_048_576
#: The cell a conditional-formatting formula is evaluated for, without a relative
#: A1 reference: Excel's COM reads those relative to the *active* cell, not to
#: the range the rule is added to, so "=A2=…" would point elsewhere.
_THIS_CELL = 'INDIRECT("RC",FALSE)'
BORDER_COLOUR = "#BFBFBF"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def excel_value(value: Value) -> Any:
    """*value* as assigned to ``Range.value`` so that Excel stores exactly it.

    >>> excel_value("=1+1"), excel_value("已完成"), excel_value("00123"), excel_value("")
    ("'=1+1", '已完成', "'00123", None)
    """
    if not isinstance(value, str):
        return value
    if value == "":
        return None
    stripped = value.lstrip()
    if not stripped:
        return value
    first = ord(stripped[0])
    if is_formula_like(value) or first < 0x80 or 0xFF00 <= first <= 0xFFEF:
        return "'" + value  # ASCII and full-width forms may parse as numbers or dates
    return value


def date_format(value: Value) -> str | None:
    """The number format a date value needs (as the openpyxl adapter writes it), else None."""
    if isinstance(value, datetime):
        return DATETIME_FORMAT
    if isinstance(value, date):
        return DATE_FORMAT
    return None


def fill_colour(fill: Fill) -> str | None:
    """``Range.color`` for *fill*: "#RRGGBB", or None to remove the fill."""
    return f"#{fill.value}" if fill.value else None


def runs(cells: Iterable[tuple[int, T]]) -> Iterator[tuple[int, list[T]]]:
    """Group (row, item) pairs into runs of consecutive rows: (first row, items).

    >>> list(runs([(2, "a"), (3, "b"), (5, "c")]))
    [(2, ['a', 'b']), (5, ['c'])]
    """
    start, items = 0, list[T]()
    for row, item in sorted(cells, key=lambda pair: pair[0]):
        if items and row == start + len(items):
            items.append(item)
            continue
        if items:
            yield start, items
        start, items = row, [item]
    if items:
        yield start, items


def set_optional(obj: object, name: str, value: object) -> None:
    """Set a formatting attribute the engine may not have (xlwings Server lacks some)."""
    with suppress(NotImplementedError):
        setattr(obj, name, value)


def freeze_above(sheet: xlwings.Sheet, row: int | None) -> None:
    """Freeze the rows above *row* so they stay in view; None unfreezes.

    xlwings 0.37.8 freezes panes only on xlwings Server/Lite: its Windows and
    macOS engines raise NotImplementedError (Excel freezes panes per window, and
    only for the active sheet). There the sheet is left as it is.
    """
    with suppress(NotImplementedError):
        panes = sheet.freeze_panes
        if row is None:
            panes.unfreeze()
        else:
            panes.freeze_at(f"A{row}")


def is_json_book(book: xlwings.Book) -> bool:
    """True for ``xlwings.Book(json=...)`` (xlwings Server/Lite), False for Excel itself."""
    return isinstance(book.sheets[0].api, dict)


#: JSON clients that apply every action xlwings queues, conditional formats and app
#: settings included: xlwings' own VBA client (what the tests post). The web add-ins
#: of ``zhenggai serve`` post "Office.js" or "WPS" and apply values, fills, formats,
#: sheets and charts through their own adapters (``xl_addin/web``), not those.
FULL_CLIENTS = frozenset({"VBA"})


def full_host(book: xlwings.Book) -> bool:
    """Whether conditional formats and app settings (screen updating …) reach the host.

    True for Excel itself (COM, AppleScript), where they matter most: every call
    is a round trip into Excel. For a JSON book, only when its client is one of
    :data:`FULL_CLIENTS`; the other clients batch the actions in one sync anyway.
    """
    if not is_json_book(book):
        return True
    api = book.api
    return isinstance(api, dict) and api.get("client") in FULL_CLIENTS


def column_width(book: xlwings.Book, characters: float) -> float:
    """A width in Excel characters, in the unit ``Range.column_width`` takes on this engine.

    Excel itself takes characters; xlwings Server and Lite take points. One
    character of the default font is 7 pixels plus 5 pixels of padding per column.
    """
    if is_json_book(book):
        return round((characters * 7 + 5) * 0.75, 2)
    return characters


def style_header(rng: xlwings.Range) -> None:
    """Bold, filled, bordered, wrapped and centred header cells, as far as the engine allows."""
    rng.font.bold = True
    rng.font.name = HEADER_FONT
    rng.color = fill_colour(Fill.HEADER)
    rng.wrap_text = True
    # Thin is a continuous line's default weight: not set, six calls fewer per header.
    rng.borders.set("all", line_style="continuous", color=BORDER_COLOUR)
    set_optional(rng, "horizontal_alignment", "center")
    set_optional(rng, "vertical_alignment", "center")


def pad(rows: Sequence[Sequence[Value]], width: int) -> list[list[Any]]:
    """Rows as Excel values, each padded with None to *width* columns."""
    return [[excel_value(v) for v in row] + [None] * (width - len(row)) for row in rows]


def date_formats(sheet: xlwings.Sheet, cells: Iterable[tuple[int, int, Value]]) -> None:
    """Give the date values among (row, col, value) a date format, one call per run of rows."""
    by_format: dict[tuple[int, str], list[tuple[int, None]]] = defaultdict(list)
    for row, col, value in cells:
        fmt = date_format(value)
        if fmt is not None:
            by_format[(col, fmt)].append((row, None))
    for (col, fmt), rows in by_format.items():
        for first, run in runs(rows):
            sheet.range((first, col), (first + len(run) - 1, col)).number_format = fmt


def fills(sheet: xlwings.Sheet, cells: Iterable[tuple[int, int, Fill]]) -> None:
    """Fill (row, col) cells with their colour, one call per run of rows in a column."""
    by_colour: dict[tuple[int, Fill], list[tuple[int, None]]] = defaultdict(list)
    for row, col, fill in cells:
        by_colour[(col, fill)].append((row, None))
    for (col, fill), rows in by_colour.items():
        for first, run in runs(rows):
            sheet.range((first, col), (first + len(run) - 1, col)).color = fill_colour(fill)


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def rule_formula(rule: FillRule) -> str:
    """*rule* as an Excel formula, TRUE for the cells it matches (see :data:`_THIS_CELL`).

    >>> rule_formula(FillRule(Fill.DUE_7, suffix="天后到期", at_most=7))
    '=AND(RIGHT(INDIRECT("RC",FALSE),4)="天后到期",IFERROR(--LEFT(INDIRECT("RC",FALSE),LEN(INDIRECT("RC",FALSE))-4)<=7,FALSE))'
    """
    tests = []
    if rule.equals is not None:
        tests.append(f"{_THIS_CELL}={_quoted(rule.equals)}")
    if rule.prefix is not None:
        tests.append(f"LEFT({_THIS_CELL},{len(rule.prefix)})={_quoted(rule.prefix)}")
    if rule.suffix is not None:
        n = len(rule.suffix)
        tests.append(f"RIGHT({_THIS_CELL},{n})={_quoted(rule.suffix)}")
        if rule.at_most is not None:
            number = f"--LEFT({_THIS_CELL},LEN({_THIS_CELL})-{n})"
            tests.append(f"IFERROR({number}<={rule.at_most},FALSE)")
    if not tests:
        return "=TRUE"
    return "=" + (tests[0] if len(tests) == 1 else f"AND({','.join(tests)})")


def column_fills(sheet: xlwings.Sheet, spec: ColumnFills) -> None:
    """Write *spec* as conditional-formatting rules on its column, replacing the old ones.

    One clear and one rule per colour, however many rows: the cells' colours
    follow their text from then on, as Excel evaluates the rules. A rule that
    only compares the whole text is a cell-value rule ("单元格值 = "正常"" in
    Excel's rule manager), the others formulas (:func:`rule_formula`). Each rule
    stops the ones below it from applying, so the first that matches wins.
    """
    column = sheet.range((spec.first_row, spec.col), (MAX_ROW, spec.col))
    column.conditional_formats.clear()
    # Every rule added goes to the top of Excel's order: add the last one first.
    for rule in reversed(spec.rules):
        colour = fill_colour(rule.fill)
        if rule.equals is not None and rule.prefix is None and rule.suffix is None:
            column.conditional_formats.add_cell_value(
                "equal_to", "=" + _quoted(rule.equals), fill_color=colour, stop_if_true=True
            )
        else:
            column.conditional_formats.add_custom(
                rule_formula(rule), fill_color=colour, stop_if_true=True
            )
