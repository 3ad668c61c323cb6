"""Reading the study platform's points exports (学习强国积分), whatever their layout.

Offices export points from the platform's admin pages; the columns differ by
page and by year (姓名, 所在组织/所属单位/部门, 本月积分/本期积分, 总积分,
日均积分, 最近登录…) and title rows sit above the header, often merged. The
header is found by the synonym table :data:`EXPORT_SPEC` (the same
``find_header``/``read_table`` the ledger uses), and every row that cannot be
used becomes a :class:`~zhenggai.core.problems.Problem` naming its cell.

Merged cells: title rows above the header are skipped; a 单位 cell merged
down over several people (a common layout) gives each of them that unit; a
姓名 or 本期积分 cell merged over several rows is ambiguous and reported.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import WorkbookError
from ..core.grid import Grid, GridSource, HeaderMatch, MergedSource, Row, find_header, read_table
from ..core.problems import Code, Problem, cell_name, column_letter, show_value
from ..core.spec import Field, FieldType, Spec
from ..core.text import Value, normalise_text, split_list
from ..io.calamine import open_book
from .history import Period, number

__all__ = [
    "EXPORT_SPEC",
    "StudyExport",
    "StudyRecord",
    "read_export",
    "read_export_file",
    "read_export_grid",
]


def _field(name: str, key: str, kind: FieldType, aliases: str, *, unit: bool = False) -> Field:
    words = split_list(aliases)
    if unit:  # "本月积分（分）": headers often carry the unit in brackets
        words += [f"{w}(分)" for w in [name, *words]]
    return Field(name, key, kind, aliases=tuple(words))


# The synonym table: what each column is called on the platform's pages.
EXPORT_SPEC = Spec(
    (
        _field(
            "姓名", "name", FieldType.TEXT, "学员姓名、人员姓名、用户姓名、真实姓名、学员、名字"
        ),
        _field(
            "单位",
            "unit",
            FieldType.TEXT,
            "所在组织、所属组织、所在单位、所属单位、单位名称、部门、所在部门、所属部门、"
            "组织、组织名称、所在党组织、所属党组织、党组织、处室、科室",
        ),
        _field(
            "本期积分",
            "points",
            FieldType.NUMBER,
            "本月积分、当月积分、月积分、月度积分、本月得分、本期得分、期间积分、区间积分、"
            "本月新增积分、新增积分、积分、学习积分",
            unit=True,
        ),
        _field(
            "总积分",
            "total",
            FieldType.NUMBER,
            "累计积分、总分、学习总积分、累计总积分、积分总数",
            unit=True,
        ),
        _field("日均积分", "daily", FieldType.NUMBER, "日均、平均每日积分、日均得分", unit=True),
        _field(
            "最近登录",
            "last_login",
            FieldType.TEXT,
            "最近登录时间、最后登录、最后登录时间、最近学习时间、最后学习时间、最近活跃时间、最近学习",
        ),
    )
)

# Rows that summarise the table rather than name a person.
_SUMMARY_NAMES = {"合计", "总计", "小计", "平均", "平均值", "平均分", "人均", "人均积分"}
# "2026年11月" names a month; "2026年11月1日" is a day (an export time), not a period.
_TITLE_MONTH = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月(?!\s*\d{1,2}\s*[日号])")
_RANGE_WORDS = re.compile(r"至|到|—|–|~|～|以来|截至|截止")
_CJK_SPACES = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")


@dataclass(frozen=True)
class StudyRecord:
    """One person's points in an export.

    Attributes:
        name, unit: as exported (spaces inside Chinese names removed).
        points: points this period (本期积分).
        total, daily, last_login: the optional columns, as found (None when absent).
        file, sheet, row: where the row is, for problems.
        name_col: 1-based column of 姓名.
    """

    name: str
    unit: str
    points: float
    total: Value
    daily: Value
    last_login: Value
    file: str
    sheet: str
    row: int
    name_col: int

    @property
    def cell(self) -> str:
        """The 姓名 cell, e.g. "B5"."""
        return cell_name(self.row, self.name_col)


@dataclass
class StudyExport:
    """What one export file held: its people and what was wrong with it.

    Attributes:
        file: file name.
        sheet: the sheet read ("" when none could be read).
        records: the usable rows.
        problems: rows or columns that could not be used.
        title_period: the month a title row names (e.g. "2026年11月学习积分"), if exactly one.
        title_cell: where that title is.
    """

    file: str
    sheet: str = ""
    records: list[StudyRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    title_period: Period | None = None
    title_cell: str = ""


def read_export_file(path: str | Path) -> StudyExport:
    """Read the export at *path*; a file that cannot be opened becomes one problem."""
    path = Path(path)
    try:
        book = open_book(path)
    except WorkbookError as exc:
        problem = exc.problem(file=path.name)
        return StudyExport(path.name, problems=[problem])
    return read_export(book, file=path.name)


def read_export(book: GridSource, *, file: str) -> StudyExport:
    """Read the first visible sheet of *book* that holds a points table."""
    best: tuple[int, str, HeaderMatch | None] | None = None
    for name in book.sheet_names:
        if book.visibility(name) != "visible":
            continue
        header = find_header(book.grid(name), EXPORT_SPEC)
        score = _score(header)
        if best is None or score > best[0]:
            best = (score, name, header)
        if score >= 3:  # name + unit + points: this is the table
            break
    if best is None:
        return StudyExport(file, problems=[_no_column(Code.STUDY_NO_NAME_COLUMN, file, "", "")])
    sheet = best[1]
    merged = book.merged(sheet) if isinstance(book, MergedSource) else []
    return read_export_grid(book.grid(sheet), file=file, sheet=sheet, merged=merged)


def _score(header: HeaderMatch | None) -> int:
    if header is None:
        return 0
    return sum(1 for k in ("name", "unit", "points") if k in header.columns)


def _no_column(code: Code, file: str, sheet: str, cell: str, value: str = "") -> Problem:
    messages = {
        Code.STUDY_NO_NAME_COLUMN: "找不到“姓名”列：积分表应有姓名、所在组织（单位）和本月积分等列。"
        "请从学习平台重新导出，或在表头加上“姓名”。",
        Code.STUDY_NO_UNIT_COLUMN: "找不到单位列（所在组织、所属单位或部门）：没有单位就无法分单位统计和提醒。"
        "请导出时勾选“所在组织”，或加一列“单位”填好后重新导入。",
        Code.STUDY_NO_POINTS_COLUMN: "找不到本期积分列（本月积分、本期积分或积分）。"
        "请导出本月（本期）积分后重新导入。",
    }
    message = messages[code]
    if value:
        message = f"{message}（表中只有“{value}”，它是累计值，不能代表本期学习情况。）"
    return Problem(code, message, file=file, sheet=sheet, cell=cell)


def read_export_grid(
    grid: Grid,
    *,
    file: str,
    sheet: str,
    merged: list[tuple[int, int, int, int]] | None = None,
) -> StudyExport:
    """Read one sheet's grid (values from A1) as an export.

    Args:
        grid: the sheet's values.
        file, sheet: for problems.
        merged: merged ranges as 1-based (first row, first col, last row, last col).
    """
    export = StudyExport(file, sheet)
    header = find_header(grid, EXPORT_SPEC)
    if header is None or "name" not in header.columns:
        cell = f"{header.row}:{header.row}" if header else ""
        export.problems.append(_no_column(Code.STUDY_NO_NAME_COLUMN, file, sheet, cell))
        return export
    where = f"{header.row}:{header.row}"
    if "points" not in header.columns:
        total = header.columns.get("total")
        found = str(grid[header.row - 1][total - 1]) if total else ""
        export.problems.append(
            _no_column(Code.STUDY_NO_POINTS_COLUMN, file, sheet, where, normalise_text(found))
        )
        return export
    if "unit" not in header.columns:
        export.problems.append(_no_column(Code.STUDY_NO_UNIT_COLUMN, file, sheet, where))
        return export
    export.title_period, export.title_cell = _title_period(grid[: header.row - 1])
    grid, skipped = _unmerge(grid, header, merged or [], export)
    table = read_table(grid, EXPORT_SPEC, sheet=sheet, file=file, header=header)
    export.problems += table.problems
    for row in table.rows:
        if row.number in skipped:
            continue
        record = _record(row, file=file, sheet=sheet, problems=export.problems)
        if record is not None:
            export.records.append(record)
    return export


def _title_period(rows: Grid) -> tuple[Period | None, str]:
    """The one month named in the title rows, if exactly one and not a range."""
    found: list[tuple[Period, str]] = []
    for r, cells in enumerate(rows, start=1):
        for c, value in enumerate(cells, start=1):
            if not isinstance(value, str):
                continue
            text = unicodedata.normalize("NFKC", value)
            months = _TITLE_MONTH.findall(text)
            if not months:
                continue
            if len(months) > 1 or _RANGE_WORDS.search(text):
                return None, ""
            year, month = int(months[0][0]), int(months[0][1])
            if 1 <= month <= 12:
                found.append((Period(year, month), cell_name(r, c)))
    if len({p for p, _ in found}) != 1:
        return None, ""
    return found[0]


def _unmerge(
    grid: Grid,
    header: HeaderMatch,
    merged: list[tuple[int, int, int, int]],
    export: StudyExport,
) -> tuple[Grid, set[int]]:
    """Fill 单位 cells merged down over people; report 姓名/积分 cells merged over rows."""
    unit_col = header.columns["unit"]
    strict = {header.columns["name"]: "姓名", header.columns["points"]: "本期积分"}
    copy: Grid | None = None
    skipped: set[int] = set()
    for r1, c1, r2, c2 in merged:
        if r2 <= header.row or r1 == r2:  # title rows, or a merge within one row
            continue
        if c1 == c2 == unit_col:
            copy = copy if copy is not None else [list(row) for row in grid]
            value = copy[r1 - 1][c1 - 1] if c1 - 1 < len(copy[r1 - 1]) else None
            for r in range(r1 + 1, min(r2, len(copy)) + 1):
                row = copy[r - 1]
                row.extend([None] * (c1 - len(row)))
                row[c1 - 1] = value
            continue
        hit = [label for col, label in strict.items() if c1 <= col <= c2]
        if hit:
            ref = f"{column_letter(c1)}{r1}:{column_letter(c2)}{r2}"
            export.problems.append(
                Problem(
                    Code.STUDY_MERGED_CELLS,
                    f"“{'”“'.join(hit)}”列的单元格 {ref} 合并了多行，看不出每人各是多少，"
                    f"第{r1}至{r2}行未导入。请取消合并、每人一行填好后重新导入。",
                    file=export.file,
                    sheet=export.sheet,
                    cell=ref,
                    value=show_value(grid[r1 - 1][c1 - 1] if c1 - 1 < len(grid[r1 - 1]) else None),
                )
            )
            skipped.update(range(r1, r2 + 1))
    return (copy if copy is not None else grid), skipped


def _name(value: Value) -> str:
    if value is None:
        return ""
    text = normalise_text(str(value))
    # "王  伟": names are padded with spaces to line up in columns; it is still 王伟.
    return _CJK_SPACES.sub("", text)


def _is_note(text: str) -> bool:
    return "：" in text or ":" in text or len(text) > 12


def _record(row: Row, *, file: str, sheet: str, problems: list[Problem]) -> StudyRecord | None:
    name = _name(row["name"])
    unit = normalise_text(str(row["unit"])) if row["unit"] is not None else ""
    raw_points = row.raw.get("points")
    if name in _SUMMARY_NAMES or EXPORT_SPEC.match_header(name) is not None:
        return None  # a 合计 line, or the header repeated on a new printed page
    if not name:
        if raw_points is None:
            return None  # nobody and no points: a blank or decorative line
        problems.append(
            Problem(
                Code.STUDY_NAME_MISSING,
                "这一行有积分但没有姓名，未导入。请补上姓名后重新导入。",
                file=file,
                sheet=sheet,
                cell=row.cell("name"),
                value=show_value(raw_points),
            )
        )
        return None
    if raw_points is None and not unit and _is_note(name):
        return None  # a note below the table in the 姓名 column ("制表人：…")
    points = number(raw_points)
    if points is None:
        why = "为空" if raw_points is None else "不是数字"
        problems.append(
            Problem(
                Code.STUDY_POINTS_INVALID,
                f"“{name}”的本期积分{why}，这一行未导入。请填写不小于 0 的数字（没有学习填 0）后重新导入。",
                file=file,
                sheet=sheet,
                cell=row.cell("points"),
                value=show_value(raw_points),
            )
        )
        return None
    if not unit:
        problems.append(
            Problem(
                Code.STUDY_UNIT_MISSING,
                f"“{name}”没有单位，这一行未导入。请补上所在组织（单位）后重新导入。",
                file=file,
                sheet=sheet,
                cell=row.cell("unit"),
            )
        )
        return None
    return StudyRecord(
        name,
        unit,
        int(points) if points.is_integer() else points,
        _optional(row, "total"),
        _optional(row, "daily"),
        _optional(row, "last_login"),
        file,
        sheet,
        row.number,
        row.columns["name"],
    )


def _optional(row: Row, key: str) -> Value:
    if key not in row.columns:
        return None
    value = row.raw.get(key)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return normalise_text(value) if isinstance(value, str) else value
