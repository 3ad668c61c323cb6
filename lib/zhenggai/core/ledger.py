"""The master ledger as plain data: what every command reads first.

:func:`load_ledger` parses any :class:`~zhenggai.core.grid.GridSource` (a file
read with calamine, or an open xlwings Book), so the CLI and the add-in see
the same :class:`Ledger`. Nothing here writes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from .changes import MasterWriter, Planned
from .errors import NotAMasterError, UsageError
from .grid import Grid, GridSource, Table, read_table
from .problems import Code, Problem
from .settings import SETTINGS_SHEET, Settings, read_settings
from .sheets import HOLIDAYS, LEDGER, META, UNITS, SheetDef
from .spec import SPEC_SHEET, Spec
from .spec_sheet import read_spec
from .text import Value, cell_text, normalise_text, to_date

if TYPE_CHECKING:
    from pandas import DataFrame

__all__ = [
    "Holiday",
    "Ledger",
    "Meta",
    "Seed",
    "Unit",
    "header_columns",
    "header_row",
    "id_problems",
    "load_ledger",
    "plan_and_write",
    "records",
    "settings_of",
]


@dataclass(frozen=True)
class Unit:
    """A responsible unit from the 单位 sheet."""

    code: str
    name: str
    contact: str = ""
    email: str = ""
    phone: str = ""
    row: int = 0


@dataclass(frozen=True)
class Holiday:
    """An override from the 节假日 sheet: *day* is a workday or a day off."""

    day: date
    workday: bool
    note: str = ""


@dataclass(frozen=True)
class Seed:
    """What a new master starts with besides its empty sheets.

    Attributes:
        rows: 台账 rows as field key -> value.
        units: 单位 rows (单位编码, 单位名称, 联系人, 邮箱, 电话).
        settings: 设置 values by name, over the defaults.
    """

    rows: Sequence[Mapping[str, Value]] = ()
    units: Sequence[Sequence[Value]] = ()
    settings: Mapping[str, Value] = field(default_factory=dict)


@dataclass(frozen=True)
class Meta:
    """Identity of a master, from its veryHidden ``_meta`` sheet.

    Attributes:
        ledger_id: uuid4 text, written into every template issued.
        hmac_key: hex secret; templates are signed with it and never hold it.
        spec_version: the spec version when the master was created.
        values: every key/value row of the sheet, for later additions.
    """

    ledger_id: str
    hmac_key: str
    spec_version: str = ""
    values: dict[str, str] = field(default_factory=dict)


@dataclass
class Ledger:
    """Everything a command needs from the master, read once."""

    source: GridSource
    spec: Spec
    settings: Settings
    table: Table
    units: list[Unit]
    holidays: list[Holiday]
    meta: Meta
    path: Path | None = None

    def unit(self, name: str) -> Unit | None:
        return next((u for u in self.units if u.name == name), None)

    def grid(self, sheet: str) -> Grid:
        """Another sheet's values; an empty grid when the sheet does not exist yet."""
        try:
            return self.source.grid(sheet)
        except KeyError:
            return []

    def to_frame(self) -> DataFrame:
        """The 台账 rows as a pandas DataFrame: one column per field, by 字段名.

        Values are as the ledger holds them (text stays text, dates are
        dates); each row's Excel row number is the index, so a finding can
        name its row. Needs the extra: ``pip install "zhenggai[pandas]"``.

        Example:
            >>> from zhenggai.core.memory import MemoryMaster
            >>> ledger = load_ledger(MemoryMaster.new([{"id": "1-1", "status": "已完成"}]))
            >>> frame = ledger.to_frame()
            >>> frame.loc[2, "整改状态"]
            '已完成'
        """
        try:
            import pandas as pd
        except ImportError as exc:
            raise UsageError('需要 pandas 才能生成数据框：pip install "zhenggai[pandas]"') from exc
        names = [f.name for f in self.spec if f.key in self.table.columns]
        keys = [f.key for f in self.spec if f.key in self.table.columns]
        frame = pd.DataFrame(
            [[row.values.get(k) for k in keys] for row in self.table.rows],
            columns=names,
            index=pd.Index([row.number for row in self.table.rows], name="行号"),
            dtype=object,
        )
        return frame

    @property
    def folder(self) -> Path:
        """The folder of the master file (the current folder for an unsaved book)."""
        return self.path.parent if self.path else Path.cwd()


def records(grid: Grid, sheet: SheetDef) -> list[dict[str, Value]]:
    """Rows of a fixed-header sheet as dicts by header, skipping blank rows.

    Columns are found by header text, so an office may reorder them.
    """
    cols = header_columns(grid, sheet)
    out: list[dict[str, Value]] = []
    for row in grid[1:]:
        rec = {h: (row[c - 1] if c <= len(row) else None) for h, c in cols.items()}
        if any(v is not None for v in rec.values()):
            out.append(rec)
    return out


def header_row(grid: Grid, required: Sequence[str], *, scan: int = 5) -> int | None:
    """0-based index of the first of the top *scan* rows naming every *required* header.

    Output sheets may carry a title line above their header, so it is found by text.
    """
    for i, row in enumerate(grid[:scan]):
        names = {normalise_text(str(v)) for v in row if v is not None}
        if all(h in names for h in required):
            return i
    return None


def header_columns(grid: Grid, sheet: SheetDef) -> dict[str, int]:
    """1-based column of each of *sheet*'s headers found in the grid's first row."""
    if not grid:
        return {}
    header = [normalise_text(str(v)) if v is not None else "" for v in grid[0]]
    return {h: header.index(h) + 1 for h in sheet.headers if h in header}


def _read_units(grid: Grid) -> list[Unit]:
    units: list[Unit] = []
    for i, rec in enumerate(records(grid, UNITS), start=2):
        name = cell_text(rec.get("单位名称"))
        if name:
            units.append(
                Unit(
                    cell_text(rec.get("单位编码")),
                    name,
                    cell_text(rec.get("联系人")),
                    cell_text(rec.get("邮箱")),
                    cell_text(rec.get("电话")),
                    i,
                )
            )
    return units


def _read_holidays(grid: Grid) -> list[Holiday]:
    out: list[Holiday] = []
    for rec in records(grid, HOLIDAYS):
        day = to_date(rec.get("日期"))
        if day is not None:
            kind = cell_text(rec.get("类型"))
            out.append(Holiday(day, kind in ("工作日", "上班", "补班"), cell_text(rec.get("说明"))))
    return out


def _read_meta(grid: Grid) -> Meta:
    values = {cell_text(r[0]): cell_text(r[1]) for r in grid if len(r) >= 2 and r[0] is not None}
    return Meta(
        values.get("ledger_id", ""),
        values.get("hmac_key", ""),
        values.get("spec_version", ""),
        values,
    )


def settings_of(source: GridSource) -> Settings:
    """The 设置 of a master (the defaults when it has no 设置 sheet)."""
    if SETTINGS_SHEET not in source.sheet_names:
        return Settings()
    return read_settings(source.grid(SETTINGS_SHEET))


def load_ledger(source: GridSource, *, path: Path | None = None) -> Ledger:
    """Parse a master workbook.

    Raises:
        NotAMasterError: a required sheet (台账, 字段, _meta) is missing.
        SpecError / SettingsError: 字段 or 设置 is unusable.
    """
    names = set(source.sheet_names)
    missing = [s for s in (LEDGER, SPEC_SHEET, META) if s not in names]
    if missing:
        raise NotAMasterError(
            f"这不是 zhenggai 台账：缺少工作表{'、'.join(f'“{s}”' for s in missing)}。"
            "新建请用 zhenggai init，已有台账请用 zhenggai import 导入。"
        )
    spec = read_spec(source.grid(SPEC_SHEET))
    settings = settings_of(source)
    table = read_table(source.grid(LEDGER), spec, sheet=LEDGER)
    meta = _read_meta(source.grid(META))
    if not meta.ledger_id or not meta.hmac_key:
        raise NotAMasterError("台账的 _meta 工作表缺少台账编号或密钥，可能被改动过，请用备份恢复。")
    units = _read_units(source.grid(UNITS.name)) if UNITS.name in names else []
    holidays = _read_holidays(source.grid(HOLIDAYS.name)) if HOLIDAYS.name in names else []
    return Ledger(source, spec, settings, table, units, holidays, meta, path)


def id_problems(table: Table, *, file: str = "") -> list[Problem]:
    """Missing and repeated 编号 in *table*."""
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for row in table.rows:
        rid = row.text("id")
        if not rid:
            problems.append(
                Problem(
                    Code.ID_MISSING,
                    "编号为空：每行都要有编号。",
                    file=file,
                    sheet=table.sheet,
                    cell=row.cell("id"),
                )
            )
        elif rid in seen:
            problems.append(
                Problem(
                    Code.ID_DUPLICATE,
                    f"编号“{rid}”与第{seen[rid]}行重复。",
                    file=file,
                    sheet=table.sheet,
                    cell=row.cell("id"),
                    value=rid,
                )
            )
        else:
            seen[rid] = row.number
    return problems


P = TypeVar("P", bound=Planned)
R = TypeVar("R")


def plan_and_write(
    master: MasterWriter[R],
    plan: Callable[[Ledger], P],
    *,
    dry_run: bool = False,
    step: Callable[[str], None] | None = None,
) -> tuple[P, R | None]:
    """Run one command on *master*: read the ledger, plan, write the changes.

    The one path every command takes, from the CLI (a file under its lock)
    and from the add-in (the open book). *plan* is the command's pure core:
    it gets the parsed :class:`Ledger` and returns a result whose
    ``changes`` are written (nothing is written when they are empty or
    *dry_run* is set). *step* hears "读取台账", "处理中" and "写入台账".

    Returns:
        The plan's result and what the writer says it did (None when nothing was written).

    Example:
        >>> from zhenggai.core.memory import MemoryMaster
        >>> from zhenggai.core.changes import ChangeSet
        >>> from dataclasses import dataclass
        >>> @dataclass
        ... class Note:
        ...     changes: ChangeSet
        >>> master = MemoryMaster.new([{"id": "1-1", "category": "作风建设", "status": "正在整改"}])
        >>> def plan(ledger):
        ...     cs = ChangeSet()
        ...     cs.edit("台账", 2, 1, "1-2")
        ...     return Note(cs)
        >>> _, written = plan_and_write(master, plan)
        >>> written, master.grid("台账")[1][0]
        (1, '1-2')
    """
    if step is not None:
        step("读取台账")
    ledger = load_ledger(master.source, path=master.path)
    if step is not None:
        step("处理中")
    result = plan(ledger)
    # A 50,000-row ledger held as grids is ~200 MB: let it go before the writer loads the file.
    del ledger
    if dry_run or not result.changes:
        return result, None
    if step is not None:
        step("写入台账")
    return result, master.write(result.changes)
