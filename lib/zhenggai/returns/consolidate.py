"""``zhenggai consolidate``: every returned file checked, merged and logged.

:func:`consolidate` is the pure core: a :class:`~zhenggai.core.ledger.Ledger` and
the returned files in, a :class:`ConsolidateResult` out, whose ``changes``
the caller applies to the master (the CLI with
:func:`zhenggai.io.master.update_master`, the add-in to the open book).

Every file gets a verdict and one bad file never stops the run:

* ``duplicate`` — the same bytes (sha256) were consolidated before or earlier in this run;
* ``superseded`` — a later-saved return of the same unit and batch exists
  (here, or already consolidated): only the latest return is merged, so an
  older file can never overwrite a newer one;
* ``rejected`` — nothing of it can be used (unreadable, not this ledger's template, tampered);
* ``partly-applied`` — some cells had problems or conflicts, the rest was merged;
* ``applied`` — merged in full.

A run whose files are all duplicates changes nothing, so consolidating the
same folder twice equals consolidating it once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime, time
from pathlib import Path

from ..core.changes import ChangeSet, SheetTable
from ..core.closing import check_closing, problem_row
from ..core.errors import UsageError
from ..core.grid import Row
from ..core.ledger import Ledger, records
from ..core.logs import ReturnsLog
from ..core.problems import Code, Problem, show_value
from ..core.sheets import CHANGES, CONFLICTS, LEDGER, PROBLEMS, RETURNS, SheetDef
from ..core.text import Value
from ..io.return_file import ReturnFile, read_return, scan_returns
from .checked import CheckedReturn
from .merge import CONSOLIDATE_OP, MasterState, merge_return
from .result import ConsolidateResult, FileResult, Verdict, local
from .validate import check_return

__all__ = [
    "ConsolidateResult",
    "FileResult",
    "Verdict",
    "check_file",
    "consolidate",
    "consolidate_folder",
    "returns_folder",
]

Progress = Callable[[int, int, str], None]


def returns_folder(ledger: Ledger) -> Path:
    """``<master folder>/<设置 回收文件夹>/``."""
    return ledger.folder / ledger.settings.returns_folder


def consolidate_folder(
    ledger: Ledger,
    folder: Path | None = None,
    *,
    now: datetime | None = None,
    progress: Progress | None = None,
    trust_legacy: bool = False,
) -> ConsolidateResult:
    """Consolidate every workbook under *folder* (default :func:`returns_folder`) into *ledger*."""
    folder = folder if folder is not None else returns_folder(ledger)
    if not folder.is_dir():
        raise UsageError(
            f"找不到回收文件夹：{folder}。请把各单位报回的文件放在这里，或在命令中指定文件夹。"
        )
    scan = scan_returns(folder)
    # A folder that holds the master too: never read the master, its backups,
    # the templates issued or the problem lists as if units had returned them.
    s = ledger.settings
    ours = [ledger.folder / name for name in (s.issue_folder, s.backup_folder, s.feedback_folder)]
    files: list[Path] = []
    ignored = list(scan.ignored)
    for path in scan.files:
        mine = (ledger.path is not None and path.resolve() == ledger.path.resolve()) or any(
            path.resolve().is_relative_to(d.resolve()) for d in ours
        )
        (ignored if mine else files).append(path)
    return consolidate(
        ledger,
        files,
        root=folder,
        ignored=ignored,
        now=now,
        progress=progress,
        trust_legacy=trust_legacy,
    )


def consolidate(
    ledger: Ledger,
    files: Sequence[Path | ReturnFile],
    *,
    root: Path | None = None,
    ignored: Sequence[Path] = (),
    now: datetime | None = None,
    progress: Progress | None = None,
    trust_legacy: bool = False,
) -> ConsolidateResult:
    """Check, merge and log the returned *files* against *ledger*.

    Args:
        ledger: the master as read (under the lock, for the CLI).
        files: paths (read here, one at a time) or files already read.
        root: names are shown relative to it.
        ignored: files the scan skipped, for the summary.
        now: the run's time (default now); 完成时间 after its date is refused.
        progress: called as ``progress(done, total, file name)`` after each file.
        trust_legacy: apply the values of legacy returns (files without a
            template's ``_meta``, read by 编号) that differ from the master;
            otherwise they are listed in 冲突 as proposed changes.
    """
    now = local(now or datetime.now())
    today = now.date()
    state = MasterState.read(ledger)
    log = ReturnsLog.from_grid(ledger.grid(RETURNS.name))
    seen = _seen_hashes(ledger, log)
    results: list[FileResult] = []
    checked: list[CheckedReturn] = []
    hashes: dict[str, str] = {}
    for i, item in enumerate(files, start=1):
        ret = item if isinstance(item, ReturnFile) else read_return(item, root=root)
        if ret.sha256 in seen or ret.sha256 in hashes:
            first = hashes.get(ret.sha256, "")
            note = f"与“{first}”内容相同" if first else "这个文件以前已经汇总过"
            results.append(_skipped(ret, Verdict.DUPLICATE, note))
        else:
            hashes[ret.sha256] = ret.name
            checked.append(_outdated(check_return(ret, ledger=ledger, today=today), log))
        ret.release()
        if progress is not None:
            progress(i, len(files), ret.name)
    latest = _latest_per_unit(checked, log, results)
    for c in sorted(latest, key=lambda c: (c.saved, c.file)):
        results.append(_merge(c, state, trust_legacy=trust_legacy))
    news = [f for f in results if f.verdict not in (Verdict.DUPLICATE, Verdict.SUPERSEDED)]
    changes = ChangeSet()
    closing: list[Problem] = []
    if news:
        closing = list(check_closing(_merged_view(ledger, state)))
        changes = _plan(ledger, results, log, now, closing)
    batch, not_returned = _not_returned(log)
    order = {name: i for i, name in enumerate(_name(f, root) for f in files)}
    results.sort(key=lambda f: order.get(f.file, len(order)))
    return ConsolidateResult(
        root or Path(),
        results,
        list(ignored),
        not_returned,
        batch,
        changes,
        now,
        ledger.folder / ledger.settings.feedback_folder,
        closing,
    )


def _name(item: Path | ReturnFile, root: Path | None) -> str:
    if isinstance(item, ReturnFile):
        return item.name
    return item.relative_to(root).as_posix() if root is not None else item.name


def check_file(
    path: Path, *, ledger: Ledger | None = None, today: date | None = None
) -> FileResult:
    """Check one returned file and, with the master, preview its merge (nothing is changed).

    The verdict is what consolidating it alone would give (duplicates and
    later returns are not looked at).
    """
    ret = read_return(path)
    checked = check_return(ret, ledger=ledger, today=today or date.today())
    if ledger is None:
        result = FileResult(
            checked.file,
            checked.path,
            checked.sha256,
            local(checked.saved),
            checked.unit or None,
            checked.batch or None,
            Verdict.REJECTED if checked.rejected else Verdict.APPLIED,
            problems=list(checked.problems),
        )
        if not checked.rejected and checked.blocking:
            result.verdict = Verdict.PARTLY
        return result
    _outdated(checked, ReturnsLog.from_grid(ledger.grid(RETURNS.name)))
    return _merge(checked, MasterState.read(ledger))


def _outdated(c: CheckedReturn, log: ReturnsLog) -> CheckedReturn:
    """Note a return of an older batch when a newer template was issued to the unit since.

    It is still merged: its base values are the older batch's, so the
    three-way merge never lets it overwrite what changed since (a conflict instead).
    """
    if not c.identified or c.meta is None:
        return c
    issued = c.meta.issued
    newer = [
        (when, batch)
        for batch, unit in log.entries()
        if unit == c.unit
        and batch != c.batch
        and (when := as_datetime(log.get(batch, unit).get("下发时间"))) is not None
        and when > issued
    ]
    if newer:
        when, batch = max(newer)
        c.problem(
            Code.BATCH_OUTDATED,
            f"这是较早批次（{c.batch}）的模板，{batch}的模板已于 {when:%Y-%m-%d} 下发。"
            "已按三方合并汇总（台账中之后改过的内容不会被覆盖，有分歧的列为冲突），"
            "今后请用最新下发的模板填报。",
            value=c.batch,
        )
    return c


def _skipped(
    ret: ReturnFile | CheckedReturn,
    verdict: Verdict,
    note: str,
    *,
    unit: str | None = None,
    batch: str | None = None,
) -> FileResult:
    return FileResult(
        ret.name if isinstance(ret, ReturnFile) else ret.file,
        ret.path,
        ret.sha256,
        local(ret.saved),
        unit,
        batch,
        verdict,
        note=note,
    )


def _seen_hashes(ledger: Ledger, log: ReturnsLog) -> set[str]:
    seen = {str(rec.get("文件SHA256") or "") for rec in records(ledger.grid(CHANGES.name), CHANGES)}
    seen |= {str(log.get(*key).get("文件SHA256") or "") for key in log.entries()}
    seen.discard("")
    return seen


def _latest_per_unit(
    checked: list[CheckedReturn], log: ReturnsLog, results: list[FileResult]
) -> list[CheckedReturn]:
    """The files to merge: per unit and batch only the latest saved; others are superseded."""
    groups: dict[tuple[str, str], list[CheckedReturn]] = {}
    out: list[CheckedReturn] = []
    for c in checked:
        if c.identified:
            groups.setdefault((c.batch, c.unit), []).append(c)
        else:
            out.append(c)
    for (batch, unit), group in groups.items():
        group.sort(key=lambda c: (c.saved, c.file))
        newest = group[-1]
        done = log.get(batch, unit)
        before, name = as_datetime(done.get("文件保存时间")), str(done.get("回收文件") or "")
        # Same tie-break as within a run: save time, then file name.
        if before is not None and (local(newest.saved), newest.file) < (before, name):
            stale = group
            note = (
                f"已汇总过更新的报送“{name}”（保存于 {before:%Y-%m-%d %H:%M}），此文件较旧，未汇总"
            )
        else:
            stale = group[:-1]
            note = f"同一单位同一批次有更新的报送“{newest.file}”，只汇总最新的"
            out.append(newest)
        for c in stale:
            results.append(_skipped(c, Verdict.SUPERSEDED, note, unit=unit, batch=batch))
    return out


def _merge(c: CheckedReturn, state: MasterState, *, trust_legacy: bool = False) -> FileResult:
    unit = c.unit if c.identified or (c.legacy and c.unit) else None
    batch = c.batch if c.identified else None
    result = FileResult(c.file, c.path, c.sha256, local(c.saved), unit, batch, Verdict.REJECTED)
    result.problems = list(c.problems)
    result.legacy = c.legacy
    if c.rejected:
        return result
    merged = merge_return(c, state, trust_legacy=trust_legacy)
    result.changes, result.conflicts = merged.changes, merged.conflicts
    result.problems += merged.problems
    blocking = [p for p in result.problems if not p.code.is_notice]
    result.verdict = Verdict.PARTLY if blocking or result.conflicts else Verdict.APPLIED
    return result


def _merged_view(ledger: Ledger, state: MasterState) -> Ledger:
    """*ledger* as it will be once this run's values are written (for the 销号 checks)."""
    if not state.applied:
        return ledger
    by_id: dict[str, dict[str, Value]] = {}
    for (rid, key), value in state.applied.items():
        by_id.setdefault(rid, {})[key] = value
    rows = list(ledger.table.rows)
    where = {id(r): i for i, r in enumerate(rows)}
    for rid, values in by_id.items():
        r = state.rows.get(rid)  # the row the values were written to (the first of its 编号)
        if r is not None and id(r) in where:
            rows[where[id(r)]] = Row(r.number, r.values | values, r.raw | values, r.columns)
    return replace(ledger, table=replace(ledger.table, rows=rows))


def _plan(
    ledger: Ledger,
    results: list[FileResult],
    log: ReturnsLog,
    now: datetime,
    closing: list[Problem],
) -> ChangeSet:
    """The master's changes: 台账 cells, 最后更新, 变更记录, 校验问题, 冲突, 回收情况.

    校验问题 is rewritten whole: this run's file problems, then the 销号
    problems of the ledger as merged (:func:`zhenggai.core.closing.check_closing`).
    """
    cs = ChangeSet()
    spec = ledger.spec
    updated_col = ledger.table.columns.get("updated")
    log_rows: list[list[Value]] = []
    problem_rows: list[list[Value]] = []
    conflict_rows: list[list[Value]] = []
    for f in results:
        if f.verdict in (Verdict.DUPLICATE, Verdict.SUPERSEDED):
            continue
        touched: set[int] = set()
        for ch in f.changes:
            cs.edit(LEDGER, ch.row, ch.col, ch.new)
            touched.add(ch.row)
            name = spec.field(ch.key).name
            log_rows.append(
                [
                    now,
                    CONSOLIDATE_OP,
                    f.unit,
                    f.file,
                    f.sha256,
                    ch.id,
                    name,
                    ch.old,
                    ch.new,
                    f.batch,
                ]
            )
        if updated_col is not None:
            for row in sorted(touched):
                cs.edit(LEDGER, row, updated_col, f"{now:%Y-%m-%d} {f.unit or f.file}")
        for p in f.problems:
            problem_rows.append(
                [f.file, f.unit or "", p.sheet, p.cell, str(p.code), p.message, p.value]
            )
        for k in f.conflicts:
            conflict_rows.append(
                [
                    f.file,
                    f.unit,
                    k.id,
                    k.field,
                    k.master_cell,
                    k.base,
                    show_value(k.ours),
                    show_value(k.theirs),
                    (
                        f"旧式报送（不是下发的模板）与台账不同（{k.cell}），作为修改建议未采用。"
                        "核实后在台账中改正，或加 --trust-legacy 重新汇总。"
                        if f.legacy
                        else f"台账和单位报送（{k.cell}）都改了这一格，未自动合并。请核实后在台账中改正。"
                    ),
                ]
            )
        if f.unit and f.batch:
            # 回收时间: when the unit first returned this batch (its file's save
            # time), which the bulletin's punctuality counts; not when we consolidated.
            first = as_datetime(log.get(f.batch, f.unit).get("回收时间"))
            returned = min(first, f.saved) if first is not None else f.saved
            log.set(
                f.batch,
                f.unit,
                {
                    "回收时间": returned,
                    "回收文件": f.file,
                    "文件保存时间": f.saved,
                    "结论": f.verdict.words,
                    "修改数": len(f.changes),
                    "问题数": len(f.problems),
                    "冲突数": len(f.conflicts),
                    "文件SHA256": f.sha256,
                },
            )
    if closing:
        units = {row.number: row.text("unit") for row in ledger.table}
        for p in closing:
            problem_rows.append(problem_row(p, unit=units.get(_row_of(p.cell), "")))
    cs.append(CHANGES.name, log_rows)
    cs.table(
        SheetTable(PROBLEMS.name, list(PROBLEMS.headers), problem_rows, _widths(PROBLEMS), {6, 7})
    )
    cs.table(
        SheetTable(
            CONFLICTS.name, list(CONFLICTS.headers), conflict_rows, _widths(CONFLICTS), {6, 7, 8, 9}
        )
    )
    cs.extend(log.changes())
    return cs


def as_datetime(value: Value) -> datetime | None:
    """A time read back from the master: calamine gives a date for a time at midnight."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time())
    return None


def _row_of(cell: str) -> int:
    digits = "".join(ch for ch in cell.split(":")[0] if ch.isdigit())
    return int(digits) if digits else 0


def _widths(sheet: SheetDef) -> dict[int, float]:
    return dict(enumerate(sheet.widths, start=1))


def _not_returned(log: ReturnsLog) -> tuple[str, list[str]]:
    """The latest issued batch and its units without a return."""
    issued = [
        (when, key[0])
        for key in log.entries()
        if (when := as_datetime(log.get(*key).get("下发时间"))) is not None
    ]
    if not issued:
        return "", []
    batch = max(issued)[1]
    missing = [
        unit for b, unit in log.entries() if b == batch and not log.get(b, unit).get("回收时间")
    ]
    return batch, missing
