"""Kill a command that writes the master at random moments; the master must stay whole.

Support for ``bench/crash.py`` and ``tests/returns/test_consolidate_kill.py``: both
start a consolidation, kill it with SIGKILL after a random delay, and check
that the master still opens as a master and holds exactly its content from
before the run or from after a complete one. Values that depend on when a
run happened (the run's time in 变更记录, the date in 最后更新) are masked,
so two complete runs compare equal.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol

from zhenggai.core.sheets import CHANGES, CONFLICTS, LEDGER, PROBLEMS, RETURNS
from zhenggai.io.master import read_ledger

__all__ = ["Kill", "KillReport", "Killable", "kill_at_random", "master_state"]

SHEETS = (LEDGER, CHANGES.name, RETURNS.name, PROBLEMS.name, CONFLICTS.name)
State = dict[str, list[list[object]]]
_STAMPED = re.compile(r"^\d{4}-\d{2}-\d{2} \S")  # 最后更新: "2026-11-28 办公室"
_BACKUP_STAMP = re.compile(r"\d{8}-\d{6}-\d{6}")  # the time in a backup's name (变更记录)


def master_state(path: Path, *, since: datetime) -> State:
    """The master's sheets as a run leaves them, times of runs after *since* masked.

    Raises:
        ZhenggaiError: the file does not open as a master (a half-written file).
    """
    ledger = read_ledger(path)
    return {
        name: [[_stable(v, since) for v in row] for row in ledger.grid(name)] for name in SHEETS
    }


def _stable(value: object, since: datetime) -> object:
    if isinstance(value, datetime) and value >= since:
        return "运行时间"
    if isinstance(value, str) and _STAMPED.match(value):
        return value.split(" ", 1)[1]
    if isinstance(value, str) and _BACKUP_STAMP.search(value):
        return _BACKUP_STAMP.sub("备份时间", value)
    return value


class Killable(Protocol):
    """A started run: a subprocess.Popen, or a wrapped multiprocessing.Process."""

    def kill(self) -> None: ...

    def wait(self) -> object: ...


@dataclass(frozen=True)
class Kill:
    """One kill: when, whether a temp file of the save was on disk, and what the master held."""

    delay: float
    saving: bool
    outcome: str  # "before", "after", or why the master is broken


@dataclass
class KillReport:
    """The kills of one series and the length of an uninterrupted run."""

    duration: float
    kills: list[Kill] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(k.outcome == outcome for k in self.kills)

    @property
    def broken(self) -> list[Kill]:
        return [k for k in self.kills if k.outcome not in ("before", "after")]

    @property
    def ok(self) -> bool:
        return not self.broken

    def summary(self) -> str:
        saving = sum(k.saving for k in self.kills)
        return (
            f"{len(self.kills)} kills over a {self.duration:.2f}s run: master opened and equalled "
            f"the state before {self.count('before')} times, after {self.count('after')} times, "
            f"neither {len(self.broken)} times; {saving} kills hit the save (temp file on disk)"
        )


def kill_at_random(
    start: Callable[[], Killable],
    master: Path,
    pristine: bytes,
    *,
    before: State,
    after: State,
    kills: int,
    duration: float,
    since: datetime,
    skip: float = 0.0,
    seed: int = 20261128,
    progress: Callable[[int, Kill], None] | None = None,
    reset: Callable[[], None] | None = None,
    then: Callable[[str], str] | None = None,
) -> KillReport:
    """Restore *master* to *pristine*, start a run, SIGKILL it after a random delay; *kills* times.

    Delays are spread over the run after its first *skip* seconds (the
    interpreter starting): one in each of *kills* equal slices of the rest
    (stretched by 5 %), at a random point of it, so the kills hit reading,
    checking, writing the temp file, verifying and replacing.

    *reset* (instead of writing *pristine*) restores whatever else a run
    leaves (the backups folder …); *then*, given "before" or "after", checks
    what comes next after a kill (an ``undo`` …) and returns the outcome to
    record ("before"/"after" when it went right, else what went wrong).
    """
    rng = random.Random(seed)
    report = KillReport(duration)
    span = max(duration - skip, 0.0) * 1.05
    for i in range(kills):
        delay = skip + span * (i + rng.random()) / kills
        if reset is not None:
            reset()
        else:
            master.write_bytes(pristine)
        proc = start()
        time.sleep(delay)
        proc.kill()
        proc.wait()
        saving = any(master.parent.glob(f".~{master.stem}.*.tmp{master.suffix}"))
        try:
            state = master_state(master, since=since)
            outcome = "before" if state == before else "after" if state == after else "changed"
        except Exception as exc:  # whatever stops it opening: that is the finding
            outcome = f"does not open: {type(exc).__name__}: {exc}"
        if then is not None and outcome in ("before", "after"):
            outcome = then(outcome)
        kill = Kill(delay, saving, outcome)
        report.kills.append(kill)
        if progress is not None:
            progress(i + 1, kill)
    return report
