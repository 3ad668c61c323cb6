"""Writing the master safely: the only way any command changes the file.

A save never leaves a half-written master. In order:

1. refuse while Excel/WPS/LibreOffice holds the file (their owner files
   ``~$name`` / ``.~lock.name#`` exist *and* the file cannot be locked), naming
   the holder;
2. take our own lock file beside the master, so two runs never interleave;
3. back the master up into 备份/ (keeping the newest N);
4. write a temp file in the same folder, fsync, re-read it with calamine and
   check every changed cell. The temp file is written by patching only the
   sheet XML that changes (:mod:`zhenggai.io.xlsx_patch`: seconds and little memory
   on a 50,000-row master, nothing else in the file touched); what the patch
   cannot do (new sheets or columns, charts …) goes through openpyxl;
5. compare the parts of the old and new file: if openpyxl would drop pictures,
   shapes, VBA or x14 extensions, keep the master and write the result beside
   it instead, saying why;
6. ``os.replace`` the master with the temp file, keeping its file mode.

Example:
    >>> with OpenpyxlMaster.open(path, op="汇总") as master:      # doctest: +SKIP
    ...     master.apply(changes)
    ...     result = master.save()
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
import sys
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import openpyxl
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from ..core.changes import ChangeSet, Planned
from ..core.errors import WorkbookError
from ..core.ledger import Ledger, load_ledger, plan_and_write, settings_of
from ..core.settings import Settings
from ..core.sheets import SHEETS
from ..core.text import Value, canonical
from .calamine import CalamineBook, open_book
from .lock import MasterLock, check_not_open
from .output import writing
from .style import add_column, fill, storable, style_header, write_table, write_value
from .xlsx_patch import Patched, Unsupported, patch, without_blank_tail

P = TypeVar("P", bound=Planned)

__all__ = [
    "OpenpyxlMaster",
    "SaveResult",
    "backup",
    "inventory",
    "last_used_row",
    "read_ledger",
    "save_new",
    "update_master",
]


@dataclass(frozen=True)
class SaveResult:
    """What a save did.

    Attributes:
        path: the file written: the master, or the file beside it.
        replaced: True when the master itself now holds the result.
        backup: the backup taken before writing (None for a new file).
        reason: why the result was written beside the master instead.
        engine: "xml" (only the changed sheet XML rewritten) or "openpyxl".
        fallback: why openpyxl wrote it, when it did.
    """

    path: Path
    replaced: bool
    backup: Path | None = None
    reason: str = ""
    engine: str = "openpyxl"
    fallback: str = ""

    @staticmethod
    def words(saved: SaveResult | None, what: str = "台账已更新") -> str:
        """What a save did, for the start of a message about what came after.

        >>> SaveResult.words(SaveResult(Path("台账.xlsx"), replaced=True))
        '台账已更新（台账.xlsx）'
        >>> SaveResult.words(None)
        '台账没有改动'
        """
        if saved is None:
            return "台账没有改动"
        if saved.replaced:
            return f"{what}（{saved.path}）"
        return f"台账本身未改动，结果另存为 {saved.path}"


# --- who holds the file ------------------------------------------------------


# --- our own lock --------------------------------------------------------------


# --- backup, inventory, save ---------------------------------------------------


def backup(path: Path, folder: Path, *, op: str, keep: int = 20) -> Path:
    """Copy *path* into *folder* as ``<stem>.<time>.<op><suffix>``, keeping the newest *keep*."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{path.stem}.{stamp}.{op}{path.suffix}"
    shutil.copy2(path, target)
    ours = sorted(folder.glob(f"{glob_escape(path.stem)}.*{path.suffix}"), key=lambda p: p.name)
    for old in ours[: max(len(ours) - keep, 0)]:
        with contextlib.suppress(OSError):
            old.unlink()
    return target


def glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


_PARTS = {
    "图片": re.compile(r"^xl/media/"),
    "图表": re.compile(r"^xl/charts/chart\d+\.xml$"),
    "宏（VBA）": re.compile(r"^xl/vbaProject\.bin$"),
    "嵌入对象": re.compile(r"^xl/embeddings/"),
    "控件": re.compile(r"^xl/(ctrlProps|activeX)/"),
    "切片器": re.compile(r"^xl/slicer"),
    "数据透视表": re.compile(r"^xl/pivotTables/"),
    "批注": re.compile(r"^xl/comments"),
}
_MARKS = {
    "形状或文本框": (re.compile(r"^xl/drawings/drawing\d+\.xml$"), b"<xdr:sp>"),
    "Excel 2010 扩展格式（迷你图、新式数据条、扩展数据验证等）": (
        re.compile(r"^xl/worksheets/sheet\d+\.xml$"),
        b"<x14:",
    ),
}


def inventory(path: Path) -> dict[str, int]:
    """Counts of the workbook parts a load+save could lose, by Chinese label."""
    counts: dict[str, int] = {}
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        for label, pattern in _PARTS.items():
            counts[label] = sum(1 for n in names if pattern.match(n))
        for label, (pattern, mark) in _MARKS.items():
            counts[label] = sum(_count(zf, n, mark) for n in names if pattern.match(n))
    return counts


def _count(zf: zipfile.ZipFile, name: str, mark: bytes) -> int:
    """Occurrences of *mark* in member *name*, read 1 MB at a time (a sheet can be 100 MB)."""
    count, carry = 0, b""
    with zf.open(name) as fh:
        while chunk := fh.read(1 << 20):
            data = carry + chunk
            count += data.count(mark)
            # keep a tail too short to hold the mark: no occurrence is counted twice
            carry = data[-(len(mark) - 1) :] if len(mark) > 1 else b""
    return count


def _lost(before: dict[str, int], after: dict[str, int]) -> list[str]:
    return [
        f"{k}（原有 {v} 处，保存后 {after.get(k, 0)} 处）"
        for k, v in before.items()
        if v > after.get(k, 0)
    ]


def _fsync_dir(folder: Path) -> None:
    if sys.platform == "win32":  # pragma: no cover - directories cannot be opened there
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class OpenpyxlMaster:
    """The master on disk, opened for one command (the CLI's workbook adapter).

    Use :meth:`open`; it checks the file is not held and takes the lock. As a
    :class:`~zhenggai.core.changes.MasterWriter`, :attr:`source` is the master
    read with calamine under that lock and :meth:`write` applies and saves.
    :meth:`apply` collects changes; :meth:`save` writes them, patching the
    sheet XML (*engine* "auto", the default, or "xml") or through openpyxl
    ("openpyxl", and "auto" when the patch cannot do the change). Set
    :attr:`base` to start from another file (undo starts from a backup); the
    result still replaces the master, after backing it up.
    """

    def __init__(
        self, path: Path, *, op: str, settings: Settings | None = None, engine: str = "auto"
    ) -> None:
        if engine not in ("auto", "xml", "openpyxl"):
            raise ValueError(f"unknown save engine {engine!r}")
        self.path = path
        self.op = op
        self.settings = settings or Settings()
        self._settings_given = settings is not None
        self.engine = engine
        self.base: Path | None = None
        self._wb: Workbook | None = None
        self._book: CalamineBook | None = None
        self._changes = ChangeSet()

    @property
    def source(self) -> CalamineBook:
        """The master as it is on disk now, read with calamine (under the lock)."""
        if self._book is None:
            self._book = open_book(self.path, trusted=True)  # the office's own file
        return self._book

    def write(self, changes: ChangeSet) -> SaveResult:
        """Apply *changes* and save: :meth:`apply`, then :meth:`save`."""
        if self._book is not None and not self._settings_given:
            self.settings = settings_of(self._book)
        self._book = None  # a big master's grids are ~200 MB: free them before saving
        self.apply(changes)
        return self.save()

    @classmethod
    @contextlib.contextmanager
    def open(
        cls, path: str | Path, *, op: str, settings: Settings | None = None, engine: str = "auto"
    ) -> Iterator[OpenpyxlMaster]:
        """Check, lock and yield the master at *path* for command *op* (e.g. "汇总").

        Raises:
            WorkbookError: the file does not exist.
            MasterBusyError: Excel/WPS/LibreOffice or another zhenggai run holds it.
        """
        path = Path(path).resolve()
        if not path.is_file():
            raise WorkbookError(f"找不到台账文件：{path}")
        check_not_open(path)
        with MasterLock(path, command=op):
            _remove_stale_temps(path)
            yield cls(path, op=op, settings=settings, engine=engine)

    @property
    def workbook(self) -> Workbook:
        if self._wb is None:
            try:
                self._wb = openpyxl.load_workbook(
                    self.base or self.path,
                    keep_vba=self.path.suffix.lower() == ".xlsm",
                    rich_text=True,
                )
            except Exception as exc:
                raise WorkbookError(f"台账无法打开（{type(exc).__name__}: {exc}）。") from exc
        return self._wb

    def sheet(self, name: str) -> Worksheet:
        """Sheet *name*, created (with its standard header) when missing."""
        wb = self.workbook
        if name in wb.sheetnames:
            existing: Worksheet = wb[name]
            return existing
        index = wb.sheetnames.index("_meta") if "_meta" in wb.sheetnames else None
        ws: Worksheet = wb.create_sheet(name, index)
        for d in SHEETS:
            if d.name == name and d.headers:
                ws.append(list(d.headers))
                style_header(ws, 1, len(d.headers))
                ws.freeze_panes = "A2"
        return ws

    def apply(self, changes: ChangeSet) -> None:
        """Add *changes* to what :meth:`save` writes (nothing reaches disk before)."""
        self._changes.extend(changes)

    def _apply_openpyxl(self, changes: ChangeSet) -> dict[str, int]:
        """Write *changes* into the openpyxl workbook; sheet -> row of its first appended row."""
        wb = self.workbook
        appended: dict[str, int] = {}
        for column in changes.columns:
            add_column(self.sheet(column.sheet), column)
        for e in changes.edits:
            if e.sheet not in wb.sheetnames:
                raise WorkbookError(f"台账缺少工作表“{e.sheet}”。")
            cell = wb[e.sheet].cell(e.row, e.col)
            write_value(cell, e.value)
            if e.fill is not None:
                cell.fill = fill(e.fill)
        for name, rows in changes.appends:
            ws = self.sheet(name)
            start = last_used_row(ws) + 1
            appended.setdefault(name, start)
            for i, values in enumerate(rows):
                for c, value in enumerate(values, start=1):
                    if value is not None:  # a new row: no cell to clear, and none to create
                        write_value(ws.cell(start + i, c), value)
        for table in changes.tables:
            write_table(self.sheet(table.name), table)
        wb.calculation.fullCalcOnLoad = True  # cached formula values were dropped on load
        return appended

    def save(self) -> SaveResult:
        """Back up, write a verified temp file, then replace the master (or write beside it)."""
        s = self.settings
        folder = self.path.parent
        tmp = folder / f".~{self.path.stem}.{os.getpid()}.tmp{self.path.suffix}"
        source = self.base or self.path
        engine, fallback = "openpyxl", ""
        try:
            changes, self._changes = self._changes, ChangeSet()
            patched: Patched | None = None
            if self.engine != "openpyxl" and self._wb is None:
                try:
                    patched = patch(source, tmp, changes)
                    engine = "xml"
                except Unsupported as exc:
                    if self.engine == "xml":
                        raise WorkbookError(f"无法只改写变动的部分：{exc}。") from exc
                    fallback = str(exc)
            if patched is not None:
                names, appended = patched.sheets, patched.appended
            else:
                appended = self._apply_openpyxl(changes)
                self.workbook.save(tmp)
                names = self.workbook.sheetnames
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
            _verify(tmp, names, _expected(changes, appended))
            lost = _lost(inventory(source), inventory(tmp))
            if lost:
                beside = self.path.with_name(f"{self.path.stem}.{self.op}结果{self.path.suffix}")
                os.replace(tmp, beside)
                return SaveResult(
                    beside,
                    False,
                    None,
                    "台账含有本工具保存时会丢失的内容："
                    + "；".join(lost)
                    + f"。为免丢失，台账未改动，结果另存为“{beside.name}”。",
                    engine,
                    fallback,
                )
            saved = backup(self.path, folder / s.backup_folder, op=self.op, keep=s.backups_kept)
            os.chmod(tmp, stat.S_IMODE(os.stat(self.path).st_mode))
            os.replace(tmp, self.path)
            _fsync_dir(folder)
            return SaveResult(self.path, True, saved, "", engine, fallback)
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink()


def _verify(tmp: Path, sheet_names: list[str], expected: dict[tuple[str, int, int], str]) -> None:
    """Re-read *tmp* with calamine: the sheets in order, and every *expected* cell."""
    book = open_book(tmp, accept=("xlsx", "xlsm"), trusted=True)
    if book.sheet_names != sheet_names:
        raise WorkbookError("保存校验失败：工作表与预期不一致，台账未改动。")
    for (sheet, row, col), want in expected.items():
        grid = book.grid(sheet)
        got: Any = (
            grid[row - 1][col - 1] if row <= len(grid) and col <= len(grid[row - 1]) else None
        )
        if canonical(got) != want:
            raise WorkbookError(
                f"保存校验失败：{sheet} 第{row}行第{col}列读回的值与写入的不同，台账未改动。"
            )


def _read_back(value: Value) -> str:
    """What a cell written with *value* reads back as, in canonical form."""
    return canonical(storable(value) if isinstance(value, str) else value)


def _expected(changes: ChangeSet, appended: dict[str, int]) -> dict[tuple[str, int, int], str]:
    """The cells a saved file must read back: new column headers, every edit (the last
    write of a cell wins) and each sheet's last appended row, which starts at *appended*."""
    expected = {(c.sheet, c.row, c.col): _read_back(c.header) for c in changes.columns}
    expected |= {(e.sheet, e.row, e.col): _read_back(e.value) for e in changes.edits}
    rows_by_sheet: dict[str, list[list[Value]]] = {}
    for name, rows in changes.appends:
        rows_by_sheet.setdefault(name, []).extend(without_blank_tail(rows))
    for name, rows in rows_by_sheet.items():
        if rows and name in appended:
            expected[(name, appended[name] + len(rows) - 1, 1)] = _read_back(rows[-1][0])
    return expected


def last_used_row(ws: Worksheet) -> int:
    """The last row holding a value (formatted empty rows below do not count)."""
    for r in range(ws.max_row, 0, -1):
        if any(c.value not in (None, "") for c in ws[r]):
            return r
    return 0


def _remove_stale_temps(path: Path) -> None:
    # Temp files of runs that were killed: their pid is in the name.
    for tmp in path.parent.glob(f".~{glob_escape(path.stem)}.*.tmp{path.suffix}"):
        pid = tmp.name.split(".")[-3] if tmp.name.count(".") >= 3 else ""
        if pid.isdigit() and not _pid_alive(int(pid)):
            with contextlib.suppress(OSError):
                tmp.unlink()


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def save_new(wb: Workbook, path: Path) -> None:
    """Write a brand-new workbook atomically (temp file, fsync, replace).

    Raises:
        OutputError: the file is open in Excel/WPS, the folder is read-only, the disk full.
    """
    tmp = path.with_name(f".~{path.stem}.{os.getpid()}.tmp{path.suffix}")
    with writing(path):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            wb.save(tmp)
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
            open_book(tmp, trusted=True)  # it must read back
            os.replace(tmp, path)
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink()


def update_master(
    path: str | Path,
    *,
    op: str,
    plan: Callable[[Ledger], P],
    dry_run: bool = False,
    step: Callable[[str], None] | None = None,
) -> tuple[P, SaveResult | None]:
    """Run one command against the master file: lock, read, plan, apply, save.

    :func:`~zhenggai.core.ledger.plan_and_write` on the file's
    :class:`OpenpyxlMaster`: the ledger is read *under the lock*, so nobody
    changes it between the read and the save.

    Returns:
        The plan's result and the :class:`SaveResult` (None when nothing was saved).
    """
    with OpenpyxlMaster.open(path, op=op) as master:
        return plan_and_write(master, plan, dry_run=dry_run, step=step)


def read_ledger(path: str | Path) -> Ledger:
    """Read the master at *path* with calamine.

    Raises:
        WorkbookError: the file is missing or unreadable.
        NotAMasterError, SpecError, SettingsError: see :func:`load_ledger`.
    """
    path = Path(path)
    if not path.exists():
        raise WorkbookError(f"找不到台账文件：{path}。新建请运行 zhenggai init {path.name}")
    return load_ledger(open_book(path, trusted=True), path=path)  # the office's own file
