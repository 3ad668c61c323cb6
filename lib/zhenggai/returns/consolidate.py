"""``zhenggai consolidate``: every returned file checked, merged and logged.

:func:`consolidate` is the pure core: a :class:`~zhenggai.core.ledger.Ledger` and
the returned files in, a :class:`ConsolidateResult` out, whose ``changes``
the caller applies to the master (the CLI with
:func:`zhenggai.io.master.update_master`, the add-in to the open book).

Every file gets a verdict and one bad file never stops the run:

* ``duplicate`` — the same bytes (sha256) were consolidated before or earlier in this run;
* ``superseded`` — a later-saved return of the same unit and batch exists
  (here, or already consolidated): only the latest return is merged, so an
  older file can never overwrite a newer one (:mod:`.rounds`);
* ``rejected`` — nothing of it can be used (unreadable, not this ledger's template, tampered);
* ``partly-applied`` — some cells had problems or conflicts, the rest was merged;
* ``applied`` — merged in full.

A run whose files are all duplicates changes nothing, so consolidating the
same folder twice equals consolidating it once. 校验问题 and 冲突 keep every
open item until a later return or the master settles it (:mod:`.tracking`),
and 回收情况 keeps each unit's first and latest return of a batch, so the
same files consolidated in one run or in several give the same master.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path

from ..core import clock
from ..core.changes import ChangeSet
from ..core.closing import check_closing
from ..core.errors import UsageError
from ..core.ledger import Ledger, records
from ..core.logs import ReturnsLog
from ..core.sheets import CHANGES, RETURNS
from ..facts.punctuality import counted_batch, latest_batch_name
from ..io.return_file import ReturnFile, read_return, scan_returns
from .checked import CheckedReturn
from .merge import MasterState, merge_return
from .plan import plan_changes
from .pool import check_files, check_safely
from .result import ConsolidateResult, FileResult, Verdict, local
from .rounds import arrange, outdated
from .tracking import Tracking, merged_view, track

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
    jobs: int | None = None,
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
    result = consolidate(
        ledger,
        files,
        root=folder,
        ignored=ignored,
        now=now,
        progress=progress,
        trust_legacy=trust_legacy,
        jobs=jobs,
    )
    result.unread = list(scan.unread)
    return result


def consolidate(
    ledger: Ledger,
    files: Sequence[Path | ReturnFile],
    *,
    root: Path | None = None,
    ignored: Sequence[Path] = (),
    now: datetime | None = None,
    progress: Progress | None = None,
    trust_legacy: bool = False,
    jobs: int | None = None,
) -> ConsolidateResult:
    """Check, merge and log the returned *files* against *ledger*.

    Args:
        ledger: the master as read (under the lock, for the CLI).
        files: paths (read here, one at a time) or files already read.
        root: names are shown relative to it.
        ignored: files the scan skipped, for the summary.
        now: the run's time (default now); 完成时间 after its date is refused.
        progress: called as ``progress(done, total, file name)`` after each file
            (as it finishes), then once with "合并进台账".
        trust_legacy: apply the values of legacy returns (files without a
            template's ``_meta``, read by 编号) that differ from the master;
            otherwise they are listed in 冲突 as proposed changes.
        jobs: processes reading and checking files (None: every core, for
            many files; see :func:`.pool.check_files`). The results do not
            depend on it.
    """
    now = local(now or clock.now())
    state = MasterState.read(ledger)
    log = ReturnsLog.from_grid(ledger.grid(RETURNS.name))
    seen = _seen_hashes(ledger, log)
    results: list[FileResult] = []
    checked: list[CheckedReturn] = []
    hashes: dict[str, str] = {}
    outcomes = check_files(
        files, ledger=ledger, root=root, now=now, skip=seen, jobs=jobs, progress=progress
    )
    for o in outcomes:
        if o.checked is None or (o.sha256 and (o.sha256 in seen or o.sha256 in hashes)):
            first = hashes.get(o.sha256, "")
            note = f"与“{first}”内容相同" if first else "这个文件以前已经汇总过"
            results.append(
                FileResult(
                    o.name,
                    o.path,
                    o.sha256,
                    local(o.saved),
                    None,
                    None,
                    Verdict.DUPLICATE,
                    note=note,
                )
            )
        else:
            if o.sha256:
                hashes[o.sha256] = o.name
            checked.append(outdated(o.checked, log))
    if progress is not None and files:
        progress(len(files), len(files), "合并进台账")
    changes, tracking = _record(ledger, state, log, results, checked, now, trust_legacy)
    batch, not_returned = _not_returned(log)
    order = {name: i for i, name in enumerate(_name(f, root) for f in files)}
    results.sort(key=lambda f: order.get(f.file, len(order)))
    units = {f.unit for f in results if f.unit and f.verdict is not Verdict.DUPLICATE}
    return ConsolidateResult(
        root or Path(),
        results,
        list(ignored),
        not_returned,
        batch,
        changes,
        now,
        ledger.folder / ledger.settings.feedback_folder,
        tracking.ledger_problems if tracking else [],
        {u: tracking.open_problems(u) for u in sorted(units)} if tracking else {},
    )


def _record(
    ledger: Ledger,
    state: MasterState,
    log: ReturnsLog,
    results: list[FileResult],
    checked: list[CheckedReturn],
    now: datetime,
    trust_legacy: bool,
) -> tuple[ChangeSet, Tracking | None]:
    """Merge the latest return of each unit and batch, track problems, plan the writes.

    A run whose files were all consolidated before changes nothing.
    """
    arranged = arrange(checked, log)
    results += arranged.superseded
    for c in sorted(arranged.merge, key=lambda c: (c.saved, c.file)):
        result = _merge(c, state, log=log, trust_legacy=trust_legacy)
        result.settled = c.file in arranged.settled
        results.append(result)
    if all(f.verdict is Verdict.DUPLICATE for f in results):
        return ChangeSet(), None
    closing = list(check_closing(merged_view(ledger, state)))
    tracking = track(
        ledger,
        state,
        results,
        today=now.date(),
        closing=closing,
        present=[f.file for f in results],
    )
    return plan_changes(ledger, results, log, now, tracking), tracking


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
    now = clock.now()
    ret = read_return(path, now=now)
    checked = check_safely(ret, ledger, now, today=today)
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
            ledger_rows=set(checked.ledger_rows),
        )
        if not checked.rejected and checked.blocking:
            result.verdict = Verdict.PARTLY
        return result
    log = ReturnsLog.from_grid(ledger.grid(RETURNS.name))
    return _merge(outdated(checked, log), MasterState.read(ledger), log=log)


def _seen_hashes(ledger: Ledger, log: ReturnsLog) -> set[str]:
    seen = {str(rec.get("文件SHA256") or "") for rec in records(ledger.grid(CHANGES.name), CHANGES)}
    seen |= {str(log.get(*key).get("文件SHA256") or "") for key in log.entries()}
    seen.discard("")
    return seen


def _merge(
    c: CheckedReturn, state: MasterState, *, log: ReturnsLog, trust_legacy: bool = False
) -> FileResult:
    unit = c.unit if c.identified or (c.legacy and c.unit) else None
    batch = c.batch if c.identified else None
    saved = local(c.saved)
    result = FileResult(c.file, c.path, c.sha256, saved, unit, batch, Verdict.REJECTED)
    result.problems = list(c.problems)
    result.legacy = c.legacy
    if c.rejected:
        return result
    merged = merge_return(c, state, trust_legacy=trust_legacy)
    result.changes, result.conflicts = merged.changes, merged.conflicts
    result.problems += merged.problems
    result.ledger_rows, result.reported = set(c.ledger_rows), merged.reported
    if unit and batch:
        result.counted = counted_batch(log, unit, batch, saved)
    blocking = [p for p in result.problems if not p.code.is_notice]
    result.verdict = Verdict.PARTLY if blocking or result.conflicts else Verdict.APPLIED
    return result


def _not_returned(log: ReturnsLog) -> tuple[str, list[str]]:
    """The latest issued batch and its units without a return (as the bulletin and mail see it)."""
    batch = latest_batch_name(log)
    missing = [
        unit for b, unit in log.entries() if b == batch and not log.get(b, unit).get("回收时间")
    ]
    return batch, missing
