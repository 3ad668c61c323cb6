"""Writing the master safely: the only way any command changes the file.

A save never leaves a half-written master. In order:

1. refuse while Excel/WPS/LibreOffice holds the file (their owner files
   ``~$name`` / ``.~lock.name#`` exist *and* the file cannot be locked), naming
   the holder;
2. take our own lock file beside the master, so two runs never interleave;
3. back the master up into 备份/ (keeping the newest N), copied in the
   background while the command works (:class:`~zhenggai.io.backups.PendingBackup`);
4. write a temp file in the same folder, fsync, and check it. The temp file
   is written by patching only the sheet XML that changes
   (:mod:`zhenggai.io.xlsx_patch`: seconds and little memory on a 100,000-row
   master, nothing else in the file touched) and checked by streaming only
   the parts the patch rewrote (:func:`~zhenggai.io.verify.verify_patched`);
   what the patch cannot do (new sheets or columns, charts …) goes through
   openpyxl and is re-read with calamine;
5. compare the parts of the old and new file: if openpyxl would drop pictures,
   shapes, VBA or x14 extensions, keep the master and write the result beside
   it instead, saying why (members the patch copied are not read again);
6. ``os.replace`` the master with the temp file, keeping its file mode.

The temp file and a backup not needed are removed on every way out,
KeyboardInterrupt included; what a killed run left is removed by the next.

Example:
    >>> with OpenpyxlMaster.open(path, op="汇总") as master:      # doctest: +SKIP
    ...     master.apply(changes)
    ...     result = master.save()
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import openpyxl
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from ..core import clock
from ..core.changes import ChangeSet, Planned
from ..core.errors import SaveError, WorkbookError, ZhenggaiError
from ..core.grid import Grid
from ..core.ledger import Ledger, load_ledger, plan_and_write, settings_of
from ..core.logs import LogSheet, Record
from ..core.settings import Settings
from ..core.sheets import CHANGES, SHEETS
from .backups import PendingBackup, Taken, fsync_dir, glob_escape, remove_stale
from .calamine import CalamineBook, open_book
from .files import check_writable, describe
from .lock import MasterLock, check_not_open
from .output import writing
from .parts import Census, inventory, lost_parts
from .style import add_column, fill, style_header, write_table, write_value
from .verify import expected_cells, verify_patched, verify_read_back
from .xlsx_patch import Patched, Unsupported, patch

P = TypeVar("P", bound=Planned)

__all__ = [
    "OpenpyxlMaster",
    "SaveResult",
    "backup_op",
    "glob_escape",
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
        self,
        path: Path,
        *,
        op: str,
        settings: Settings | None = None,
        engine: str = "auto",
        note_backup: bool = False,
    ) -> None:
        if engine not in ("auto", "xml", "openpyxl"):
            raise ValueError(f"unknown save engine {engine!r}")
        self.path = path
        self.op = op
        self.note_backup = note_backup
        self._log_header: Grid = []
        self.settings = settings or Settings()
        self._settings_given = settings is not None
        self.engine = engine
        self.base: Path | None = None
        self._wb: Workbook | None = None
        self._book: CalamineBook | None = None
        self._changes = ChangeSet()
        self._pending: PendingBackup | None = None

    @property
    def source(self) -> CalamineBook:
        """The master as it is on disk now, read with calamine (under the lock)."""
        if self._book is None:
            self._book = open_book(self.path, trusted=True)  # the office's own file
        return self._book

    def write(self, changes: ChangeSet) -> SaveResult:
        """Apply *changes* and save: :meth:`apply`, then :meth:`save`."""
        if self._book is not None:
            if not self._settings_given:
                self.settings = settings_of(self._book)
            if CHANGES.name in self._book.sheet_names:
                self._log_header = self._book.grid(CHANGES.name)[:1]
        self._book = None  # a big master's grids are ~200 MB: free them before saving
        self.apply(changes)
        return self.save()

    @classmethod
    @contextlib.contextmanager
    def open(
        cls,
        path: str | Path,
        *,
        op: str,
        settings: Settings | None = None,
        engine: str = "auto",
        note_backup: bool = False,
    ) -> Iterator[OpenpyxlMaster]:
        """Check, lock and yield the master at *path* for command *op* (e.g. "汇总").

        With *note_backup*, the save records the backup it takes (name and
        sha256) in 变更记录, so ``undo`` knows which run it undoes.

        Raises:
            WorkbookError: the file does not exist.
            SaveError: the file is read-only, or the lock file cannot be created.
            MasterBusyError: Excel/WPS/LibreOffice or another zhenggai run holds it.
        """
        path = Path(path).resolve()
        if not path.is_file():
            raise WorkbookError(f"找不到台账文件：{path}")
        check_writable(path)
        check_not_open(path)
        with contextlib.ExitStack() as stack:
            try:
                stack.enter_context(MasterLock(path, command=op))
            except OSError as exc:
                raise SaveError(
                    f"无法在台账所在文件夹“{path.parent}”创建锁文件（{describe(exc)}），台账未改动。"
                    "请检查文件夹的写入权限和磁盘空间。"
                ) from exc
            master = cls(path, op=op, settings=settings, engine=engine, note_backup=note_backup)
            stack.callback(master._discard_backup)
            master._start_backup()
            yield master

    def _start_backup(self) -> None:
        """Start copying the backup in the background, after removing what killed runs left.

        The folder comes from the master's 设置; when they cannot be read here
        (the command will say why), the save backs up synchronously.
        """
        remove_stale(self.path)
        try:
            s = self.settings if self._settings_given else settings_of(self.source)
        except (ZhenggaiError, OSError):
            return
        folder = self.path.parent / s.backup_folder
        remove_stale(self.path, folder)
        self._pending = PendingBackup(self.path, folder, op=self.op, keep=s.backups_kept)

    def _discard_backup(self) -> None:
        if self._pending is not None:
            self._pending.discard()
            self._pending = None

    def _claim_backup(self) -> PendingBackup:
        """The backup of the master as it was when locked, in the folder the settings name."""
        s = self.settings
        folder = self.path.parent / s.backup_folder
        pending, self._pending = self._pending, None
        if pending is None or pending.folder != folder:
            if pending is not None:
                pending.discard()
            pending = PendingBackup(
                self.path, folder, op=self.op, keep=s.backups_kept, background=False
            )
        return pending

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
        """Back up (verified), write a verified temp file, then replace the master.

        If saving would lose parts of the workbook, the result is written
        beside the master instead. Every filesystem error becomes a
        :class:`~zhenggai.core.errors.SaveError` saying the master is unchanged.
        On every way out (KeyboardInterrupt too) the temp file is removed, and
        the backup unless the master was replaced.
        """
        tmp = self.path.parent / f".~{self.path.stem}.{os.getpid()}.tmp{self.path.suffix}"
        changes, self._changes = self._changes, ChangeSet()
        self._book = None
        pending = self._claim_backup()
        done = False
        try:
            taken = pending.ready()
            if self.note_backup:
                changes.extend(self._backup_record(taken))
            engine, fallback, counted = self._write_temp(tmp, changes)
            base = self.base or self.path
            mine = pending.census if base == self.path else None
            before = mine or Census.take(base)
            after = Census.take(tmp, known=before, counted=counted)
            lost = lost_parts(before.totals(), after.totals())
            if lost:
                return self._beside(tmp, lost, engine, fallback)
            pending.commit()
            self._replace(tmp)
            done = True
            return SaveResult(self.path, True, taken.path, "", engine, fallback)
        except OSError as exc:
            raise SaveError(
                f"写入台账时出错（{describe(exc)}），台账未改动。请检查磁盘空间和写入权限后重新运行。"
            ) from exc
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink()
            if not done:  # the master did not change: the copy is not a backup
                pending.discard()

    def _write_temp(
        self, tmp: Path, changes: ChangeSet
    ) -> tuple[str, str, dict[str, dict[str, int]]]:
        """Write the new master to *tmp*, fsynced and checked.

        Returns:
            The engine, why openpyxl wrote it (when it did), and the marks of
            :mod:`zhenggai.io.parts` counted while checking (member -> counts).
        """
        engine, fallback = "openpyxl", ""
        patched: Patched | None = None
        if self.engine != "openpyxl" and self._wb is None:
            try:
                patched = patch(self.base or self.path, tmp, changes)
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
        expected = expected_cells(changes, appended)
        if patched is not None:
            return engine, fallback, verify_patched(tmp, self.base or self.path, names, expected)
        verify_read_back(tmp, names, expected)
        return engine, fallback, {}

    def _beside(self, tmp: Path, lost: list[str], engine: str, fallback: str) -> SaveResult:
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

    def _replace(self, tmp: Path) -> None:
        check_writable(self.path)  # made read-only while we worked: still never swapped
        os.chmod(tmp, stat.S_IMODE(os.stat(self.path).st_mode))
        os.replace(tmp, self.path)
        with contextlib.suppress(OSError):  # the replace is done; syncing the folder is a bonus
            fsync_dir(self.path.parent)

    def _backup_record(self, taken: Taken) -> ChangeSet:
        """The 变更记录 row naming the backup this save took (read by ``undo``)."""
        if not self._log_header:
            book = open_book(self.base or self.path, trusted=True)
            if CHANGES.name in book.sheet_names:
                self._log_header = book.grid(CHANGES.name)[:1]
        record: Record = {
            "时间": clock.now(),
            "操作": backup_op(self.op),
            "文件": taken.path.name,
            "文件SHA256": taken.sha256,
            "新值": f"{self.op}前的台账已备份为“{taken.path.name}”（撤销时恢复）",
        }
        return LogSheet.from_grid(self._log_header, CHANGES).append([record])


def backup_op(op: str) -> str:
    """变更记录 操作 of the row naming the backup taken before *op*: "汇总" -> "汇总前备份"."""
    return f"{op}前备份"


def last_used_row(ws: Worksheet) -> int:
    """The last row holding a value (formatted empty rows below do not count)."""
    for r in range(ws.max_row, 0, -1):
        if any(c.value not in (None, "") for c in ws[r]):
            return r
    return 0


def save_new(wb: Workbook, path: Path, *, finish: Callable[[Path], None] | None = None) -> None:
    """Write a workbook atomically (temp file, fsync, read back, replace).

    *finish* may change the temp file once openpyxl has written it (e.g. its
    recorded save time) before it is synced and checked.

    Raises:
        OutputError: the file is open in Excel/WPS, the folder is read-only, the disk full.
    """
    tmp = path.with_name(f".~{path.stem}.{os.getpid()}.tmp{path.suffix}")
    with writing(path):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            wb.save(tmp)
            if finish is not None:
                finish(tmp)
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
    note_backup: bool = False,
) -> tuple[P, SaveResult | None]:
    """Run one command against the master file: lock, read, plan, apply, save.

    :func:`~zhenggai.core.ledger.plan_and_write` on the file's
    :class:`OpenpyxlMaster`: the ledger is read *under the lock*, so nobody
    changes it between the read and the save.

    Returns:
        The plan's result and the :class:`SaveResult` (None when nothing was saved).
    """
    with OpenpyxlMaster.open(path, op=op, note_backup=note_backup) as master:
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
