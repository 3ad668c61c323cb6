"""Returns whose package is sound but whose cells, rows or columns are not; odd but harmless files.

Rows are given by index (0, 1, 2: the unit's three items) and fields by key,
so the expected cells come from the template's ``_meta``.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import openpyxl

from tests.hostile.cases_files import _name
from tests.hostile.corpus import Case, World, cell
from tests.hostile.craft import (
    append_rows,
    edit_sheet,
    names,
    number_cell,
    set_cell,
    text_cell,
    with_members,
)
from tests.support.office import SOFFICE, XLSX, convert
from tests.support.returns_kit import SAVED
from tests.support.synthetic import Edit, fill_return, rewrite_zip
from zhenggai.core.text import Value, canonical
from zhenggai.returns.consolidate import Verdict
from zhenggai.template.meta import TemplateMeta

PARTLY, APPLIED = Verdict.PARTLY, Verdict.APPLIED
Where = tuple[int, str]  # (row index, field key)
SheetEdit = Callable[[TemplateMeta], Callable[[bytes], bytes]]
DDE = "=cmd|' /C calc'!A0"


@dataclass
class CellCase:
    """What one cell-level case types, edits and expects."""

    label: str
    typed: Mapping[Where, Value] = field(default_factory=dict)
    cells: Mapping[Where, Callable[[str], bytes]] = field(default_factory=dict)
    edit: Edit | None = None
    sheet_edit: SheetEdit | None = None
    problems: Iterable[tuple[int | str, str, str]] = ()
    verdict: Verdict = PARTLY
    applies: Mapping[Where, Value] = field(default_factory=dict)
    suffix: str = ".xlsx"

    def __call__(self, w: World, unit: str, folder: Path) -> Case:
        meta = w.meta(unit)
        rid = meta.ids
        path = fill_return(
            w.templates[unit],
            folder / _name(unit, self.suffix),
            {(rid[i], k): v for (i, k), v in self.typed.items()},
            edit=self.edit,
            saved=SAVED,
        )
        for (i, k), make in self.cells.items():
            ref = cell(meta, rid[i], k)
            edit_sheet(path, set_cell(ref, make(ref)))
        if self.sheet_edit is not None:
            edit_sheet(path, self.sheet_edit(meta))
        return Case(
            self.label,
            path,
            [_where(meta, p) for p in self.problems],
            self.verdict,
            _changes(w, meta, self.applies),
        )


def _where(meta: TemplateMeta, p: tuple[int | str, str, str]) -> tuple[str, str, str]:
    at, key, code = p
    if isinstance(at, int):
        return ("填报", cell(meta, meta.ids[at], key), code)
    return ("填报", at, code)


def _changes(
    w: World, meta: TemplateMeta, applies: Mapping[Where, Value]
) -> dict[tuple[str, str], Value]:
    """The cells that really change: a value equal to the master's is no change."""
    out: dict[tuple[str, str], Value] = {}
    for (i, key), value in applies.items():
        rid = meta.ids[i]
        if canonical(value) != canonical(w.values[rid].get(key)):
            out[(rid, key)] = value
    return out


def _unprotected(change: Callable[[openpyxl.worksheet.worksheet.Worksheet], None]) -> Edit:
    def edit(wb: openpyxl.Workbook, meta: TemplateMeta) -> None:
        ws = wb[meta.sheet]
        ws.protection.sheet = False
        change(ws)

    return edit


def _workbook(change: Callable[[openpyxl.Workbook], None]) -> Edit:
    return lambda wb, meta: change(wb)


def _progress(text: str) -> dict[Where, Value]:
    return {(0, "progress"): text}


def _merge_cells(ref: str) -> SheetEdit:
    mark = b'<mergeCell ref="' + ref.encode() + b'"/>'
    return lambda meta: lambda xml: xml.replace(b"</mergeCells>", mark + b"</mergeCells>", 1)


def _formatted_rows(closed: bool) -> SheetEdit:
    def rows(meta: TemplateMeta) -> Callable[[bytes], bytes]:
        first = meta.first_row + len(meta.ids)
        if closed:
            tpl = b'<row r="%d" s="6" customFormat="1"><c r="K%d" s="6"/><c r="P%d" s="6"/></row>'
            body = b"".join(tpl % (r, r, r) for r in range(first, first + 100_000))
        else:  # as openpyxl writes styled empty cells
            tpl = b'<row r="%d"><c r="L%d" s="6" t="n"></c><c r="M%d" s="6" t="n"></c></row>'
            body = b"".join(tpl % (r, r, r) for r in range(first, first + 100_000))
        return append_rows(body)

    return rows


def _shared_formula(meta: TemplateMeta) -> Callable[[bytes], bytes]:
    m9, m10 = (cell(meta, rid, "progress") for rid in meta.ids[:2])

    def change(xml: bytes) -> bytes:
        xml = set_cell(
            m9,
            b'<c r="%s" s="6"><f t="shared" ref="%s:%s" si="0">K9&amp;L9</f></c>'
            % (m9.encode(), m9.encode(), m10.encode()),
        )(xml)
        return set_cell(m10, b'<c r="%s" s="6"><f t="shared" si="0"/></c>' % m10.encode())(xml)

    return change


def _stray_cell(meta: TemplateMeta) -> Callable[[bytes], bytes]:
    r = meta.first_row
    row = re.compile(rb'(<row r="%d"[^>]*>.*?)(</row>)' % r, re.S)
    extra = text_cell(f"R{r}", "额外说明".encode())
    return lambda xml: row.sub(lambda m: m.group(1) + extra + m.group(2), xml, count=1)


def _sort_rows(ws: openpyxl.worksheet.worksheet.Worksheet) -> None:
    rows = [[c.value for c in ws[r]] for r in range(9, 12)]
    for r, values in zip(range(9, 12), reversed(rows), strict=True):
        for c, value in enumerate(values, start=1):
            ws.cell(r, c).value = value


def _days_1904(day: date) -> bytes:
    return str((day - date(1904, 1, 1)).days).encode()


FUTURE = date.today() + timedelta(days=40)

SPECS = [
    # values
    CellCase(
        "text date",
        {(0, "done_date"): "2026年11月1日"},
        problems=[(0, "done_date", "date-invalid")],
    ),
    CellCase(
        "serial number as text",
        {(0, "done_date"): "45992"},
        problems=[(0, "done_date", "date-invalid")],
    ),
    CellCase(
        "serial number, General format",
        cells={(0, "done_date"): lambda ref: number_cell(ref, b"45992", style=6)},
        problems=[(0, "done_date", "date-invalid")],
    ),
    CellCase(
        "negative date",
        cells={(0, "done_date"): lambda ref: number_cell(ref, b"-5")},
        problems=[(0, "done_date", "date-invalid")],
    ),
    CellCase(
        "small number in a date cell (1900-01-20)",
        cells={(0, "done_date"): lambda ref: number_cell(ref, b"20")},
        problems=[(0, "done_date", "date-invalid")],
    ),
    CellCase(
        "NaN in a date cell",
        cells={(0, "done_date"): lambda ref: number_cell(ref, b"NaN")},
        problems=[(0, "done_date", "date-invalid")],
    ),
    CellCase(
        "9999-12-31",
        cells={(0, "done_date"): lambda ref: number_cell(ref, b"2958465")},
        problems=[(0, "done_date", "date-future")],
    ),
    CellCase(
        "past the year 9999",
        cells={(0, "done_date"): lambda ref: number_cell(ref, b"3000000")},
        problems=[(0, "done_date", "date-invalid")],
    ),
    CellCase(
        "done next month", {(0, "done_date"): FUTURE}, problems=[(0, "done_date", "date-future")]
    ),
    CellCase(
        "已完成 without date or evidence",
        {(1, "status"): "已完成", (1, "done_date"): None, (1, "evidence"): None},
        problems=[(1, "done_date", "done-needs-date"), (1, "evidence", "done-needs-evidence")],
    ),
    CellCase(
        "status outside the list",
        {(0, "status"): "基本完成"},
        problems=[(0, "status", "status-invalid")],
    ),
    CellCase("status as a number", {(0, "status"): 1}, problems=[(0, "status", "status-invalid")]),
    CellCase(
        "status error value",
        cells={(0, "status"): lambda ref: b'<c r="%s" s="6" t="e"><v>#N/A</v></c>' % ref.encode()},
        problems=[(0, "status", "cell-error")],
    ),
    CellCase(
        "1 MB of text", _progress("进展" * 500_000), problems=[(0, "progress", "text-too-long")]
    ),
    CellCase(
        "_x0007_ escape",
        _progress("已提醒_x0007_两次"),
        problems=[(0, "progress", "text-control-chars")],
    ),
    CellCase(
        "raw control byte",
        cells={(0, "progress"): lambda ref: text_cell(ref, b"a\x07b")},
        problems=[(0, "progress", "text-control-chars")],
    ),
    CellCase(
        "unpaired surrogate",
        cells={(0, "remark"): lambda ref: text_cell(ref, b"\xe8\xa1\xa8\xe6\x83\x85_xD83D_")},
        problems=[(0, "remark", "text-control-chars")],
    ),
    CellCase(
        "error value #N/A",
        cells={
            (0, "progress"): lambda ref: b'<c r="%s" s="6" t="e"><v>#N/A</v></c>' % ref.encode()
        },
        problems=[(0, "progress", "cell-error")],
    ),
    CellCase(
        "shared formula",
        sheet_edit=_shared_formula,
        problems=[(0, "progress", "formula-as-text"), (1, "progress", "cell-error")],
        applies={(0, "progress"): "=K9&L9"},
    ),
    CellCase(
        "formulas in every editable column",
        {
            (0, "person"): "=A1",
            (0, "status"): '=IF(1,"已完成")',
            (0, "progress"): '=HYPERLINK("http://example.com/x","详见")',
            (0, "done_date"): "=TODAY()",
            (0, "evidence"): DDE,
            (0, "remark"): "=SUM(1,2)",
        },
        problems=[
            (0, "person", "formula-as-text"),
            (0, "status", "formula-as-text"),
            (0, "status", "status-invalid"),
            (0, "progress", "formula-as-text"),
            (0, "done_date", "formula-as-text"),
            (0, "done_date", "date-invalid"),
            (0, "evidence", "formula-as-text"),
            (0, "remark", "formula-as-text"),
        ],
        # 佐证材料 is held back with the refused 整改状态 and 完成时间 (they apply together)
        applies={
            (0, "person"): "=A1",
            (0, "progress"): '=HYPERLINK("http://example.com/x","详见")',
            (0, "remark"): "=SUM(1,2)",
        },
    ),
    CellCase(
        "DDE text in every editable column",
        cells={
            (1, "person"): lambda ref: text_cell(ref, DDE.encode()),
            (1, "status"): lambda ref: text_cell(ref, b"+cmd|' /C calc'!A0"),
            (1, "progress"): lambda ref: text_cell(ref, b"-cmd|' /C calc'!A0"),
            (1, "done_date"): lambda ref: text_cell(ref, b"@SUM(1+1)*cmd|' /C calc'!A0"),
            (1, "evidence"): lambda ref: text_cell(ref, "＝cmd|' /C calc'!A0".encode()),
            (1, "remark"): lambda ref: text_cell(ref, b"\t=cmd|' /C calc'!A0"),
        },
        problems=[
            (1, "person", "formula-as-text"),
            (1, "status", "status-invalid"),
            (1, "progress", "formula-as-text"),
            (1, "done_date", "date-invalid"),
            (1, "evidence", "formula-as-text"),
            (1, "remark", "formula-as-text"),
        ],
        applies={  # 佐证材料 held back with the refused 整改状态 and 完成时间
            (1, "person"): DDE,
            (1, "progress"): "-cmd|' /C calc'!A0",
            (1, "remark"): DDE,
        },
    ),
    # structure
    CellCase(
        "locked cell changed",
        _progress("改了措施的行"),
        edit=_unprotected(lambda ws: ws.cell(9, 5, "改写的整改措施")),
        problems=[("E9", "", "locked-changed")],
    ),
    CellCase(
        "header renamed",
        edit=_unprotected(lambda ws: ws.cell(8, 13, "进展情况")),
        problems=[("M8", "", "header-renamed")],
    ),
    CellCase(
        "column inserted",
        edit=_unprotected(lambda ws: (ws.insert_cols(13), ws.cell(8, 13, "本月亮点"))),
        problems=[("M8", "", "column-inserted")],
    ),
    CellCase(
        "column deleted",
        edit=_unprotected(lambda ws: ws.delete_cols(16)),
        problems=[("P8", "", "column-deleted")],
    ),
    CellCase(
        "row deleted",
        edit=_unprotected(lambda ws: ws.delete_rows(10)),
        problems=[("10:10", "", "row-deleted")],
    ),
    CellCase(
        "row added",
        edit=_unprotected(lambda ws: (ws.insert_rows(11), ws.cell(11, 13, "新增的一项工作"))),
        problems=[("A11", "", "row-added")],
    ),
    CellCase(
        "id duplicated",
        edit=_unprotected(lambda ws: ws.cell(11, 1, ws.cell(10, 1).value)),
        problems=[("A11", "", "id-duplicate"), ("11:11", "", "row-deleted")],
    ),
    CellCase(
        "merged editable cells",
        sheet_edit=_merge_cells("M9:M10"),
        problems=[("M9:M10", "", "merged-cells")],
    ),
    CellCase(
        "merge to XFD1048576",
        sheet_edit=_merge_cells("M9:XFD1048576"),
        problems=[("M9:XFD1048576", "", "merged-cells")],
    ),
    CellCase(
        "data under no header",
        _progress("另一列也填了"),
        sheet_edit=_stray_cell,
        problems=[("R9", "", "column-inserted")],
        applies=_progress("另一列也填了"),
    ),
    CellCase(
        "rows inserted above the header",
        _progress("表头下移后的进展"),
        edit=_unprotected(lambda ws: ws.insert_rows(3, 2)),
        problems=[("A10", "", "header-moved")],
        verdict=APPLIED,
        applies=_progress("表头下移后的进展"),
    ),
]

HARMLESS = [
    CellCase("rows sorted", _progress("排序后的进展"), edit=_unprotected(_sort_rows)),
    CellCase(
        "hidden rows",
        _progress("隐藏行"),
        edit=_unprotected(lambda ws: setattr(ws.row_dimensions[10], "hidden", True)),
    ),
    CellCase(
        "hidden column",
        _progress("隐藏列"),
        edit=_unprotected(lambda ws: setattr(ws.column_dimensions["B"], "hidden", True)),
    ),
    CellCase(
        "extra sheet",
        _progress("多了一张表"),
        edit=_workbook(lambda wb: wb.create_sheet("说明").append(["本单位补充说明"])),
    ),
    CellCase(
        "sheet order changed",
        _progress("表的顺序变了"),
        edit=_workbook(lambda wb: wb.move_sheet("_meta", -1)),
    ),
    CellCase(
        "_meta made visible",
        _progress("隐藏表被显示"),
        edit=_workbook(lambda wb: setattr(wb["_meta"], "sheet_state", "visible")),
    ),
    CellCase("protection removed", _progress("取消了保护"), edit=_unprotected(lambda ws: None)),
    CellCase(".xlsx named .xls", _progress("扩展名改成了xls"), suffix=".xls"),
    CellCase(
        "dimension claims 1,048,576 rows",
        _progress("范围很大的表"),
        sheet_edit=lambda meta: (
            lambda xml: xml.replace(
                b'<dimension ref="A1:Q11"/>', b'<dimension ref="A1:XFD1048576"/>'
            )
        ),
    ),
    CellCase(
        "100,000 empty formatted rows",
        _progress("十万行格式"),
        sheet_edit=_formatted_rows(closed=True),
    ),
    CellCase(
        "100,000 empty styled cells (openpyxl)",
        _progress("十万个空单元格"),
        sheet_edit=_formatted_rows(closed=False),
    ),
    CellCase(
        "rich text",
        cells={
            (0, "progress"): lambda ref: (
                f'<c r="{ref}" s="6" t="inlineStr"><is><r><rPr><b/></rPr><t>加粗</t></r>'
                "<r><t>普通</t></r></is></c>"
            ).encode()
        },
    ),
    CellCase(
        "ISO date cell (t=d)",
        cells={
            (0, "done_date"): lambda ref: (
                b'<c r="%s" s="7" t="d"><v>2026-11-02T00:00:00</v></c>' % ref.encode()
            )
        },
    ),
    CellCase("full-width spaces around the status", {(0, "status"): "\u3000正在整改 "}),
]
for spec in HARMLESS:
    spec.verdict = APPLIED
HARMLESS[-3].applies = {(0, "progress"): "加粗普通"}
HARMLESS[-2].applies = {(0, "done_date"): date(2026, 11, 2)}
HARMLESS[-1].applies = {(0, "status"): "正在整改"}
for spec in HARMLESS[:-3]:
    spec.applies = dict(spec.typed)


def strict_ooxml(w: World, unit: str, folder: Path) -> Case:
    """Excel's 'Strict Open XML' namespaces."""
    case = CellCase(
        "strict OOXML", _progress("严格格式"), verdict=APPLIED, applies=_progress("严格格式")
    )(w, unit, folder)
    swap = {
        b"http://schemas.openxmlformats.org/spreadsheetml/2006/main": b"http://purl.oclc.org/ooxml/spreadsheetml/main",
        b"http://schemas.openxmlformats.org/officeDocument/2006/relationships": b"http://purl.oclc.org/ooxml/officeDocument/relationships",
    }

    def strict(xml: bytes) -> bytes:
        for a, b in swap.items():
            xml = xml.replace(a, b)
        return xml

    rewrite_zip(case.file, {n: strict for n in names(case.file) if n.endswith((".xml", ".rels"))})
    return case


def date_1904(w: World, unit: str, folder: Path) -> Case:
    """A workbook in the 1904 date system (Mac Excel): the same serial is another day."""
    day = date(2026, 11, 3)
    case = CellCase(
        "1904 date system",
        cells={(0, "done_date"): lambda ref: number_cell(ref, _days_1904(day))},
        verdict=APPLIED,
        applies={(0, "done_date"): day},
    )(w, unit, folder)
    rewrite_zip(
        case.file,
        {
            "xl/workbook.xml": lambda xml: xml.replace(
                b"<workbookPr", b'<workbookPr date1904="1"', 1
            )
        },
    )
    return case


def backslash_member(w: World, unit: str, folder: Path) -> Case:
    case = CellCase(
        "member named with backslashes",
        _progress("反斜杠部件名"),
        verdict=APPLIED,
        applies=_progress("反斜杠部件名"),
    )(w, unit, folder)
    with_members(case.file, add=[("xl\\media\\image1.png", b"\x89PNG")])
    return case


def macros(w: World, unit: str, folder: Path) -> Case:
    case = CellCase(
        ".xlsm with macros",
        _progress("带宏的文件"),
        problems=[],
        verdict=APPLIED,
        applies=_progress("带宏的文件"),
    )(w, unit, folder)
    path = case.file.rename(case.file.with_suffix(".xlsm"))
    rewrite_zip(path, {}, add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 never run"})
    case.file = path
    case.problems = [("", "", "macros-ignored")]
    return case


def older_batch(w: World, unit: str, folder: Path) -> Case:
    """The unit filled last month's template (issued before the current one)."""
    unit, template = next(iter(w.old.items()))
    meta = w.meta(unit)
    path = fill_return(
        template, folder / template.name, {(meta.ids[0], "progress"): "用了上月的模板"}, saved=SAVED
    )
    return Case(
        "template of an older batch",
        path,
        [("", "", "batch-outdated")],
        APPLIED,
        {(meta.ids[0], "progress"): "用了上月的模板"},
    )


def same_file_twice(w: World, unit: str, folder: Path) -> list[Case]:
    """The same bytes under two names: whichever is read first is merged, the other is a duplicate."""
    meta = w.meta(unit)
    value = "同一个文件报了两次"
    one = fill_return(
        w.templates[unit], folder / _name(unit), {(meta.ids[0], "progress"): value}, saved=SAVED
    )
    two = folder / "重复" / f"{unit}（再次报送）.xlsx"
    two.parent.mkdir(exist_ok=True)
    shutil.copy(one, two)
    first, second = sorted((one, two))  # the order consolidation reads them in
    return [
        Case("same file: read first", first, [], APPLIED, {(meta.ids[0], "progress"): value}),
        Case("same file: read second", second, [], Verdict.DUPLICATE),
    ]


def libreoffice(w: World, unit: str, folder: Path) -> list[Case]:
    """Re-saved by LibreOffice as .xlsx, and saved as .ods and .xls: all verify and merge."""
    if SOFFICE is None:
        return []
    extra = [w.take(), w.take()]
    cases: list[Case] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for target, u, label, problems, verdict in (
            (XLSX, unit, "re-saved by LibreOffice", [], APPLIED),
            ("ods", extra[0], "LibreOffice .ods", [], APPLIED),
            ("xls:MS Excel 97", extra[1], "LibreOffice .xls", [], APPLIED),
        ):
            meta = w.meta(u)
            value = f"{label}的进展"
            src = fill_return(
                w.templates[u], work / u / _name(u), {(meta.ids[0], "progress"): value}, saved=SAVED
            )
            convert([src], target, work / "out", profile=work / "profile")
            made = work / "out" / (src.stem + "." + target.split(":")[0])
            dest = folder / made.name
            shutil.move(made, dest)
            applies = {(meta.ids[0], "progress"): value} if verdict is APPLIED else {}
            cases.append(Case(label, dest, problems, verdict, applies))
    return cases


def good(label: str, values: Mapping[Where, Value]) -> CellCase:
    return CellCase(label, values, verdict=APPLIED, applies=values)


GOOD = [
    good("good return 1", {(0, "progress"): "已召开专题会议，完成整改", (1, "remark"): "无"}),
    good("good return 2", {(0, "person"): "赵敏", (2, "progress"): "第三项已落实"}),
    good("good return 3", {(1, "progress"): "形成长效机制"}),
]

CASES: tuple[Callable[[World, str, Path], Case | list[Case]], ...] = (
    *SPECS,
    *HARMLESS,
    strict_ooxml,
    date_1904,
    backslash_member,
    macros,
    older_batch,
    same_file_twice,
    libreoffice,
    *GOOD,
)
