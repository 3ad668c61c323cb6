"""A synthetic province-sized ledger, its templates and the units' returns.

One builder for the benchmarks (``bench/``) and the tests (``tests/``): a
master with *units* x *rows* items in plausible Chinese, templates issued by
the real :func:`~zhenggai.template.make.make_templates`, and returns filled as a
unit's Excel would save them (the whole workbook re-written, a few cells
typed in).

Example:
    >>> master = synthetic_master(Path("台账.xlsx"), units=500, rows=100)  # doctest: +SKIP
    >>> templates = issue_templates(master)                                # doctest: +SKIP
    >>> fill_return(templates["城关区教育局"], Path("回收/x.xlsx"), {("1-1", "progress"): "已完成"})  # doctest: +SKIP
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
from openpyxl.workbook.workbook import Workbook

from zhenggai.core.problems import cell_name
from zhenggai.core.sheets import LEDGER, META, UNITS
from zhenggai.core.text import Value
from zhenggai.io.calamine import open_book
from zhenggai.io.create import create_master
from zhenggai.io.master import read_ledger, update_master
from zhenggai.io.xlsx_patch import stamp_modified
from zhenggai.template.make import make_templates
from zhenggai.template.meta import TemplateMeta, parse_meta

__all__ = [
    "fill_return",
    "fill_returns",
    "issue_templates",
    "returned_world",
    "rewrite_zip",
    "set_saved",
    "synthetic_master",
    "template_cell",
    "template_meta",
    "unit_names",
]

Edit = Callable[[Workbook, TemplateMeta], None]

# No name is a prefix of another, so no unit's name contains another's.
_PLACES = [
    "城关区",
    "新华区",
    "东湖区",
    "西山区",
    "南岸区",
    "北塘区",
    "江北区",
    "高新区",
    "经开区",
    "滨海区",
    "青山县",
    "白水县",
    "红旗县",
    "长林县",
    "石门县",
    "清河县",
    "云岭县",
    "金沙县",
    "丰泽县",
    "永宁县",
]
_OFFICES = [
    "办公室",
    "组织部",
    "宣传部",
    "统战部",
    "政法委",
    "发改局",
    "教育局",
    "科技局",
    "工信局",
    "民政局",
    "司法局",
    "财政局",
    "人社局",
    "自然资源局",
    "生态环境局",
    "住建局",
    "交通运输局",
    "水利局",
    "农业农村局",
    "商务局",
    "文旅局",
    "卫健委",
    "退役军人事务局",
    "应急管理局",
    "审计局",
    "市场监管局",
    "统计局",
    "医保局",
    "信访局",
    "城管局",
]
_CATEGORIES = (
    "理论学习方面",
    "阵地管理方面",
    "责任落实方面",
    "队伍建设方面",
    "制度执行方面",
    "作风建设方面",
)
_DEADLINES = ("2026年12月31日", "2026年底前", "立行立改", "长期坚持", "2027年6月底", "三季度末")
_STATUSES = ("正在整改", "正在整改", "未启动", "已完成", "长期坚持")


def unit_names(n: int) -> list[str]:
    """*n* distinct unit names like 城关区教育局 (numbered past 600)."""
    names = [p + o for o in _OFFICES for p in _PLACES]
    if n > len(names):
        names += [f"{p}第{i}办事处" for i in range(n - len(names)) for p in _PLACES[:1]]
    return names[:n]


def _item(unit: str, u: int, r: int) -> dict[str, Value]:
    status = _STATUSES[(u + r) % len(_STATUSES)]
    deadline = "长期坚持" if status == "长期坚持" else _DEADLINES[(u * 7 + r) % 4]
    kind = {"长期坚持": "长期坚持", "立行立改": "立行立改"}.get(deadline, "限期整改")
    done = status == "已完成"
    return {
        "编号": f"{u + 1}-{r + 1}",
        "问题类别": _CATEGORIES[r % len(_CATEGORIES)],
        "问题来源": "意识形态工作责任制落实情况督查",
        "存在问题": f"{unit}在{_CATEGORIES[r % 6][:-2]}存在薄弱环节，第{r + 1}项问题表现为"
        "学习制度执行不严格、记录不完整、督促检查不到位。",
        "整改措施": f"一是健全{_CATEGORIES[r % 6][:-2]}工作制度；二是每季度开展一次专项检查；"
        f"三是将第{r + 1}项整改纳入年度考核，确保整改到位。",
        "整改类型": kind,
        "责任领导": "王建国（党组书记、局长）",
        "责任单位": unit,
        "配合单位": "",
        "整改时限": deadline,
        "责任人": ("张伟", "李娜", "王芳", "刘洋", "陈静")[r % 5],
        "整改状态": status,
        "整改进展": "已召开专题会议研究部署，制定整改方案，明确责任分工。"
        if status != "未启动"
        else None,
        "完成时间": date(2026, 10, 1) + timedelta(days=r % 30) if done else None,
        "佐证材料": "专题会议纪要、整改方案" if done else None,
        "是否销号": "否",
    }


def synthetic_master(
    path: Path, *, units: int, rows: int, extra_rows: int = 0, force: bool = True
) -> Path:
    """A master at *path*: *units* units with *rows* items each, plus *extra_rows* closed items.

    The closed items (已销号, of one more unit) make the master larger without
    templates, so a benchmark can pick the master's size apart from the returns'.
    """
    create_master(path, force=force)
    wb = openpyxl.load_workbook(path)
    ws, us = wb[LEDGER], wb[UNITS.name]
    header = [c.value for c in ws[1]]
    names = unit_names(units + (1 if extra_rows else 0))
    for u, name in enumerate(names[:units]):
        us.append([f"{u + 1:04d}", name, "联系人", f"unit{u + 1}@example.org", "0000-0000000"])
        for r in range(rows):
            item = _item(name, u, r)
            ws.append([item.get(str(h)) for h in header])
    if extra_rows:
        archive = names[units]
        us.append([f"{units + 1:04d}", archive, "联系人", "archive@example.org", ""])
        for r in range(extra_rows):
            item = _item(archive, units, r) | {
                "编号": f"销{r + 1}",
                "整改状态": "已完成",
                "完成时间": date(2026, 6, 30),
                "佐证材料": "销号审批表",
                "是否销号": "是",
                "销号时间": date(2026, 7, 15),
                "审核人": "赵敏",
            }
            ws.append([item.get(str(h)) for h in header])
    wb.save(path)
    return path


def issue_templates(
    master: Path,
    *,
    units: list[str] | None = None,
    batch: str | None = None,
    now: datetime | None = None,
) -> dict[str, Path]:
    """Issue templates through the real command core (recorded in 回收情况); unit -> file."""
    result, _ = update_master(
        master,
        op="下发",
        plan=lambda ledger: make_templates(ledger, now=now, units=units, batch=batch),
    )
    return {t.unit: t.path for t in result.issued}


def template_meta(path: Path) -> TemplateMeta:
    """The ``_meta`` of a template or return."""
    return parse_meta(open_book(path).grid(META))


def template_cell(meta: TemplateMeta, rid: str, key: str) -> str:
    """The template cell of 编号 *rid*, field *key*, e.g. "M10"."""
    return cell_name(meta.first_row + meta.ids.index(rid), meta.column(key))


def fill_return(
    template: Path,
    dest: Path,
    values: Mapping[tuple[str, str], Value] | None = None,
    *,
    edit: Edit | None = None,
    saved: datetime | None = None,
) -> Path:
    """Copy *template* to *dest* as a unit's Excel would: *values* typed in, saved at *saved*.

    Args:
        template: the template issued.
        dest: the return to write (folders are made).
        values: (编号, field key) -> value typed into that cell.
        edit: anything else the unit does to the workbook (insert a column, …).
        saved: the save time recorded in the document properties (local time);
            None keeps the time openpyxl writes (now).
    """
    meta = template_meta(template)
    wb = openpyxl.load_workbook(template)
    ws = wb[meta.sheet]
    for (rid, key), value in (values or {}).items():
        ws[template_cell(meta, rid, key)] = value
    if edit is not None:
        edit(wb, meta)
    dest.parent.mkdir(parents=True, exist_ok=True)
    wb.save(dest)
    if saved is not None:
        set_saved(dest, saved)
    return dest


def fill_returns(
    templates: Iterable[Path], folder: Path, *, every: int = 10, saved: datetime | None = None
) -> list[Path]:
    """Return every template into *folder*, a new 整改进展 typed into every *every*-th row."""
    written: list[Path] = []
    for template in templates:
        meta = template_meta(template)
        values: dict[tuple[str, str], Value] = {
            (rid, "progress"): f"11月新进展：{rid}已完成阶段任务，形成工作台账。"
            for rid in meta.ids[::every]
        }
        written.append(fill_return(template, folder / template.name, values, saved=saved))
    return written


def returned_world(
    folder: Path, *, units: int, rows: int, extra_rows: int = 0
) -> tuple[Path, Path]:
    """A master of *units* x *rows* items (plus *extra_rows* closed ones) and a return from
    every unit, under *folder*: (``原始台账.xlsx``, ``回收/``). Built once, then reused.

    The benchmarks' data: templates issued by the real command core, every tenth row
    given a new 整改进展.
    """
    master = folder / "原始台账.xlsx"
    returns = folder / "回收"
    if master.exists() and returns.is_dir():
        return master, returns
    folder.mkdir(parents=True, exist_ok=True)
    synthetic_master(master, units=units, rows=rows, extra_rows=extra_rows)
    issued = make_templates(read_ledger(master), out=folder / "下发", now=datetime(2026, 11, 20))
    fill_returns([t.path for t in issued.issued], returns, every=10)
    return master, returns


def set_saved(path: Path, when: datetime) -> None:
    """Set the workbook's ``docProps/core.xml`` modified time to local time *when*, as Excel records it."""
    rewrite_zip(path, {"docProps/core.xml": lambda xml: stamp_modified(xml, when)})


def rewrite_zip(
    path: Path,
    parts: Mapping[str, Callable[[bytes], bytes]],
    *,
    add: Mapping[str, bytes] | None = None,
    drop: Iterable[str] = (),
) -> None:
    """Rewrite members of the zip at *path* through functions; add and drop members."""
    dropped = set(drop)
    with zipfile.ZipFile(path) as zf:
        items = [(i, zf.read(i)) for i in zf.infolist() if i.filename not in dropped]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in items:
            change = parts.get(info.filename)
            out.writestr(info, change(data) if change is not None else data)
        for name, data in (add or {}).items():
            out.writestr(name, data)
    path.write_bytes(buf.getvalue())
