"""Reading and checking returned files on every core.

Returns are independent until the merge, so a run with many files reads and
checks them in worker processes (started with ``spawn``, as Windows starts
them: nothing is inherited but what is sent). Each worker gets the master's
rules once (the :class:`~zhenggai.core.ledger.Ledger` without its workbook)
and answers one file at a time. The caller receives every file's
:class:`Outcome` in the order of *files*, whatever order the workers finished
in, so the merge sees exactly what a single-core run sees.

A worker that dies (killed by the system, an antivirus, a crash in a reader)
costs nothing but time: the files it had not answered are read again, one at a
time in a fresh worker, and a file that kills its worker again is rejected by
name. The run goes on.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Collection, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from importlib.machinery import ModuleSpec
from multiprocessing.connection import wait
from pathlib import Path

from ..core.errors import UsageError
from ..core.grid import Grid, Table
from ..core.ledger import Ledger
from ..core.problems import Code
from ..io.return_file import ReturnFile, read_return
from .checked import CheckedReturn
from .validate import check_return

__all__ = ["Outcome", "check_files", "worker_count"]

PARALLEL_FROM = 100
"""Fewer files than this are read in this process (unless a number of workers is asked for).

Starting workers costs 0.5–1 s (a Python each, importing the readers); a
file costs ~11 ms to read and check, so on two cores workers pay off from
about a hundred files, and below that the whole check takes about a second.
"""

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Outcome:
    """One file read and, unless it repeats an earlier run's file, checked.

    Attributes:
        name: as shown (relative to the returns folder).
        path: the file.
        sha256: of its bytes ("" when unreadable).
        saved: its provisional save time (UTC), as read.
        checked: the check; None when its sha256 was in *skip* (not checked),
            or when a worker left it to the calling process (*recheck*).
        recheck: a worker found that checking this file needs the master's
            rows (a legacy return, a changed locked cell): the calling process,
            which holds them, checks it again.
    """

    name: str
    path: Path
    sha256: str
    saved: datetime
    checked: CheckedReturn | None
    recheck: bool = False


@dataclass(frozen=True)
class _Job:
    """What every worker needs, sent once when it starts."""

    ledger: Ledger | None
    root: Path | None
    now: datetime
    skip: frozenset[str]


class _NoBook:
    """The workbook a worker's ledger stands on: a template's check needs only the parsed rules."""

    @property
    def sheet_names(self) -> list[str]:
        return []

    def visibility(self, name: str) -> str:
        raise KeyError(name)

    def grid(self, name: str) -> Grid:
        raise KeyError(name)


def worker_count(jobs: int | None = None) -> int:
    """Workers to use: *jobs*, else ``ZHENGGAI_JOBS``, else every core this process may use."""
    if jobs is None:
        text = os.environ.get("ZHENGGAI_JOBS", "").strip()
        if text:
            try:
                jobs = int(text)
            except ValueError:
                raise UsageError(
                    f"环境变量 ZHENGGAI_JOBS 应为正整数（同时使用的处理器核数），现在是“{text}”。"
                ) from None
    if jobs is not None and jobs < 1:
        raise UsageError(f"同时使用的处理器核数应为正整数，现在是 {jobs}。")
    if jobs is not None:
        return jobs
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # Windows, macOS
        return max(1, os.cpu_count() or 1)


def check_files(
    files: Sequence[Path | ReturnFile],
    *,
    ledger: Ledger | None,
    root: Path | None,
    now: datetime,
    skip: Collection[str],
    jobs: int | None = None,
    progress: Progress | None = None,
) -> list[Outcome]:
    """Read and check *files*; their outcomes in the order of *files*.

    A file whose sha256 is in *skip* is read but not checked. With one worker
    (or few files, or files already read) everything runs here, and a file
    whose sha256 repeats an earlier one of this run is not checked either;
    in workers such a file is checked and the caller drops the check. Either
    way the caller, keeping the first of equal files, sees the same results.

    Args:
        jobs: workers; None for :func:`worker_count` (all cores, from
            :data:`PARALLEL_FROM` files on). An explicit number above one uses
            workers whatever the number of files.
        progress: ``progress(done, total, name)`` after each file, as it finishes.
    """
    workers = worker_count(jobs)
    paths = [f for f in files if isinstance(f, Path)]
    enough = jobs is not None or len(files) >= PARALLEL_FROM
    if workers < 2 or len(paths) < len(files) or len(files) < 2 or not enough:
        return list(_here(files, ledger, root, now, set(skip), progress))
    job = _Job(_for_workers(ledger), root, now, frozenset(skip))
    outcomes = _in_workers(paths, job, min(workers, len(paths)), progress)
    return [
        _outcome(read_return(o.path, root=root, now=now), ledger, now, skip) if o.recheck else o
        for o in outcomes
    ]


def _here(
    files: Sequence[Path | ReturnFile],
    ledger: Ledger | None,
    root: Path | None,
    now: datetime,
    skip: set[str],
    progress: Progress | None,
) -> Iterator[Outcome]:
    for i, item in enumerate(files, start=1):
        ret = item if isinstance(item, ReturnFile) else read_return(item, root=root, now=now)
        outcome = _outcome(ret, ledger, now, skip)
        skip.add(ret.sha256)
        if progress is not None:
            progress(i, len(files), ret.name)
        yield outcome


def _outcome(
    ret: ReturnFile, ledger: Ledger | None, now: datetime, skip: Collection[str]
) -> Outcome:
    """Check *ret* unless it repeats a file in *skip*; its bytes are released after."""
    checked = None if ret.sha256 and ret.sha256 in skip else check_safely(ret, ledger, now)
    ret.release()
    return Outcome(ret.name, ret.path, ret.sha256, ret.saved, checked)


def check_safely(
    ret: ReturnFile, ledger: Ledger | None, now: datetime, *, today: date | None = None
) -> CheckedReturn:
    """:func:`check_return`, with anything unforeseen it raises on a strange file kept to that file.

    Expected trouble is already a problem of the file; this is the last line that
    keeps one file from ending a run, and names the file.
    """
    try:
        return check_return(ret, ledger=ledger, today=today or now.date(), now=now)
    except Exception as exc:  # any error of one file stays with that file
        out = CheckedReturn(ret.name, ret.path, ret.sha256, ret.saved, problems=list(ret.problems))
        return _refuse(out, type(exc).__name__)


def _refuse(out: CheckedReturn, why: str) -> CheckedReturn:
    return out.reject(
        Code.FILE_CORRUPT,
        f"读取这个文件时程序出错（{why}），文件未汇总。"
        "请让报送单位用 Excel 重新保存后报送；如仍出错，请把文件发给维护人员。",
    )


def _for_workers(ledger: Ledger | None) -> Ledger | None:
    """*ledger* without its workbook and rows, as sent to every worker.

    The workbook cannot cross to another process, and the rows (100,000 of
    them at province scale: ~85 MB pickled, a second each to load, ~300 MB in
    every worker) are needed only for legacy returns and for naming the
    master's value of a changed locked cell: such a file is checked again by
    the caller (:func:`_needs_rows`).
    """
    if ledger is None:
        return None
    table = ledger.table
    return replace(ledger, source=_NoBook(), table=Table(table.sheet, table.header, [], []))


def _needs_rows(checked: CheckedReturn) -> bool:
    """Whether a check made without the master's rows must be made again with them."""
    return checked.legacy or any(p.code is Code.LOCKED_CHANGED for p in checked.problems)


# --- in worker processes ---------------------------------------------------------------

_job: _Job | None = None


def _start_worker(sent: bytes) -> None:
    global _job
    _job = pickle.loads(sent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the calling process's to handle
    threading.Thread(target=_end_with_parent, name="zhenggai-parent-watch", daemon=True).start()


def _end_with_parent() -> None:
    """End this worker as soon as the process that started it is gone.

    A worker holds its own copy of the pipe it waits on, so it would wait for
    ever when the run is killed (the task manager, a closed Excel, SIGKILL):
    the parent's sentinel becomes ready when it exits, on Windows as on POSIX.
    """
    parent = multiprocessing.parent_process()
    if parent is not None:
        wait([parent.sentinel])
        os._exit(1)


def _work(path: Path) -> Outcome:
    assert _job is not None, "worker not started"
    ret = read_return(path, root=_job.root, now=_job.now)
    outcome = _outcome(ret, _job.ledger, _job.now, _job.skip)
    if outcome.checked is not None and _needs_rows(outcome.checked):
        return replace(outcome, checked=None, recheck=True)
    return outcome


# --- in the calling process --------------------------------------------------------------


def _in_workers(
    paths: list[Path], job: _Job, workers: int, progress: Progress | None
) -> list[Outcome]:
    """Every file's outcome, in order. A broken pool's unanswered files go to a new pool;
    when that breaks too, one at a time (:func:`_one_by_one`)."""
    sent = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
    done: dict[int, Outcome] = {}

    def finished(i: int, outcome: Outcome) -> None:
        done[i] = outcome
        if progress is not None:
            progress(len(done), len(paths), outcome.name)

    todo = list(range(len(paths)))
    for _ in range(2):
        if _pooled([(i, paths[i]) for i in todo], sent, workers, finished):
            break
        todo = [i for i in todo if i not in done]
    else:  # one at a time, so a file that kills its worker is known by name
        _one_by_one([(i, paths[i]) for i in todo], job, sent, finished)
    return [done[i] for i in range(len(paths))]


def _pooled(
    items: list[tuple[int, Path]],
    sent: bytes,
    workers: int,
    finished: Callable[[int, Outcome], None],
) -> bool:
    """Run *items* in a pool; False when the pool broke (a worker died) before the end."""
    pool = _pool(min(workers, len(items)), sent)
    broke = False
    try:
        with _main_not_rerun():  # workers start as files are submitted
            futures = {pool.submit(_work, path): i for i, path in items}
        for future in as_completed(futures):
            try:
                finished(futures[future], future.result())
            except BrokenProcessPool:
                broke = True
                break
    except BrokenProcessPool:  # it broke while files were still being sent
        broke = True
    finally:  # on Ctrl+C or an error here too: stop the workers, do not wait for the rest
        pool.shutdown(wait=not broke, cancel_futures=True)
    return not broke


def _one_by_one(
    items: list[tuple[int, Path]],
    job: _Job,
    sent: bytes,
    finished: Callable[[int, Outcome], None],
) -> None:
    """Each file alone in one worker; a file whose worker dies is rejected by name.

    A new worker is started only after one died, so a run whose pool broke
    twice still costs one start per death, not one per file.
    """
    pool: ProcessPoolExecutor | None = None
    try:
        for i, path in items:
            pool = pool or _pool(1, sent)
            try:
                with _main_not_rerun():
                    future = pool.submit(_work, path)
                outcome = future.result()
            except BrokenProcessPool:
                pool.shutdown(wait=False)
                pool = None
                outcome = _died(path, job)
            finished(i, outcome)
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _died(path: Path, job: _Job) -> Outcome:
    """The outcome of a file whose worker died while reading or checking it."""
    name = path.relative_to(job.root).as_posix() if job.root is not None else path.name
    now = job.now.astimezone(UTC).replace(microsecond=0)  # as read_return would give
    checked = _refuse(CheckedReturn(name, path, "", now), "读取进程意外退出")
    return Outcome(name, path, "", now, checked)


def _pool(workers: int, sent: bytes) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
        initargs=(sent,),
    )


@contextmanager
def _main_not_rerun() -> Iterator[None]:
    """Start workers without running this program's main script again in each.

    ``spawn`` re-imports the parent's ``__main__`` in every worker so that
    functions defined there can be found; started as the ``zhenggai`` command
    that means loading the whole CLI (click, rich, every command: ~1 s a
    worker). The workers here run only :func:`_work` of this module, so the
    main module is named ``__main__`` for the moment workers start, which
    ``multiprocessing`` takes as "nothing to import".
    """
    main = sys.modules["__main__"]
    spec = getattr(main, "__spec__", None)
    main.__spec__ = ModuleSpec("__main__", None)
    try:
        yield
    finally:
        main.__spec__ = spec
