"""Rounds of returns: which file of a unit and batch is merged, and what 回收情况 keeps.

A unit may return a batch several times (a correction after the first file),
and files arrive in one folder or over several runs. The rules here make the
outcome the same either way:

* per unit and template batch only the latest saved file is merged; earlier
  ones are superseded (:func:`arrange`). A file older than one already
  consolidated is *settled*: it is never merged and its problems count as
  settled by that later return;
* a broken file (rejected) supersedes nothing and is superseded by nothing:
  it is not a return (nothing of it can be used);
* 回收情况 keeps, per unit and batch, the **first** return time (the earliest
  save time of any usable file, whatever run it came in) and the **latest**
  file (:func:`record_returns`); punctuality is judged on the first;
* an older batch's template counts for the batch issued to the unit last
  before it was saved (:func:`zhenggai.facts.punctuality.counted_batch`),
  which the notice says (:func:`outdated`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from ..core.logs import ReturnsLog
from ..core.problems import Code
from ..core.text import as_datetime, cell_text
from ..facts.punctuality import counted_batch
from .checked import CheckedReturn
from .result import FileResult, Verdict, local

__all__ = ["COUNTED_NOTE", "Arrangement", "arrange", "outdated", "record_returns"]

COUNTED_NOTE = "用较早批次的模板报送，计为本批次的报送（见“校验问题”）"
"""回收情况 说明 of a batch returned on an older batch's template."""


@dataclass
class Arrangement:
    """What to do with the checked files of a run.

    Attributes:
        merge: files to merge (the latest of each unit and batch, and files of
            no known unit or rejected), in the order given.
        superseded: results of files not merged because a later return exists.
        settled: names of rejected files older than a return already consolidated.
    """

    merge: list[CheckedReturn] = field(default_factory=list)
    superseded: list[FileResult] = field(default_factory=list)
    settled: set[str] = field(default_factory=set)


def _recorded(log: ReturnsLog, batch: str, unit: str) -> tuple[datetime, str] | None:
    done = log.get(batch, unit)
    before = as_datetime(done.get("文件保存时间"))
    return (before, cell_text(done.get("回收文件"))) if before is not None else None


def arrange(checked: list[CheckedReturn], log: ReturnsLog) -> Arrangement:
    """Per unit and template batch, the file to merge; the others superseded (see module)."""
    out = Arrangement()
    groups: dict[tuple[str, str], list[CheckedReturn]] = {}
    for c in checked:
        if c.identified and not c.rejected:
            groups.setdefault((c.batch, c.unit), []).append(c)
            continue
        out.merge.append(c)
        recorded = _recorded(log, c.batch, c.unit) if c.identified else None
        if recorded is not None and (local(c.saved), c.file) < recorded:
            out.settled.add(c.file)
    for (batch, unit), group in groups.items():
        group.sort(key=lambda c: (c.saved, c.file))
        newest = group[-1]
        recorded = _recorded(log, batch, unit)
        for c in group:
            settled = recorded is not None and (local(c.saved), c.file) < recorded
            if c is newest and not settled:
                out.merge.append(c)
                continue
            if settled:
                name = cell_text(log.get(batch, unit).get("回收文件"))
                note = f"已汇总过更新的报送“{name}”，此文件较旧，未汇总"
            else:
                note = f"同一单位同一批次有更新的报送“{newest.file}”，只汇总最新的"
            out.superseded.append(_superseded(c, note, settled=settled, log=log))
    return out


def _superseded(c: CheckedReturn, note: str, *, settled: bool, log: ReturnsLog) -> FileResult:
    saved = local(c.saved)
    return FileResult(
        c.file,
        c.path,
        c.sha256,
        saved,
        c.unit,
        c.batch,
        Verdict.SUPERSEDED,
        note=note,
        seen=list(c.problems),
        settled=settled,
        ledger_rows=set(c.ledger_rows),
        counted=counted_batch(log, c.unit, c.batch, saved),
    )


def outdated(c: CheckedReturn, log: ReturnsLog) -> CheckedReturn:
    """Note a return on an older batch's template when a newer one was issued to the unit since.

    It is still merged: its base values are the older batch's, so the
    three-way merge never lets it overwrite what changed since (a conflict
    instead). Saved after the newer batch was issued, it counts as that batch's
    return; saved before, only as its own batch's.
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
    if not newer:
        return c
    when, batch = max(newer)
    saved = local(c.saved)
    counted = counted_batch(log, c.unit, c.batch, saved)
    if counted != c.batch:
        counts = (
            f"文件保存于 {saved:%Y-%m-%d %H:%M}，在{counted}的模板下发之后，计为{counted}的报送；"
        )
    else:
        counts = (
            f"文件保存于 {saved:%Y-%m-%d %H:%M}，早于{batch}的模板下发，"
            f"只计为{c.batch}的报送，{batch}仍需报送；"
        )
    c.problem(
        Code.BATCH_OUTDATED,
        f"这是较早批次（{c.batch}）的模板，{batch}的模板已于 {when:%Y-%m-%d} 下发。{counts}"
        "已按三方合并汇总（台账中之后改过的内容不会被覆盖，有分歧的列为冲突），"
        "今后请用最新下发的模板填报。",
        value=c.batch,
    )
    return c


_USABLE = (Verdict.APPLIED, Verdict.PARTLY, Verdict.SUPERSEDED)


def record_returns(
    log: ReturnsLog,
    files: Iterable[FileResult],
    *,
    open_problems: Callable[[str, str, str], int],
    open_conflicts: Callable[[str, str], int],
) -> None:
    """Update 回收情况 with this run's returns.

    Args:
        log: 回收情况 (updated in place).
        files: the run's results; usable returns of a known unit and batch count.
        open_problems: (unit, batch, file) -> open problems of that unit and batch.
        open_conflicts: (unit, batch) -> open conflicts of that unit and batch.
    """
    touched: set[str] = set()
    for f in files:
        if f.verdict not in _USABLE or not f.unit or not f.batch:
            continue
        touched.add(f.unit)
        _first(log, f.batch, f.unit, f)
        if f.verdict is not Verdict.SUPERSEDED:
            log.set(
                f.batch,
                f.unit,
                {
                    "回收文件": f.file,
                    "文件保存时间": f.saved,
                    "结论": f.verdict.words,
                    "修改数": f.reported,
                    "文件SHA256": f.sha256,
                },
            )
        if f.counted and f.counted != f.batch:
            _first(log, f.counted, f.unit, f)
            log.set(f.counted, f.unit, {"说明": COUNTED_NOTE})
    for batch, unit in log.entries():
        if unit not in touched:
            continue
        rec = log.get(batch, unit)
        file = cell_text(rec.get("回收文件"))
        counts = {"问题数": open_problems(unit, batch, file), "冲突数": open_conflicts(unit, batch)}
        returned = rec.get("回收时间") is not None or bool(file)
        changed = {h: n for h, n in counts.items() if (n or returned or rec.get(h) is not None)}
        if any(rec.get(h) != n for h, n in changed.items()):
            log.set(batch, unit, changed)


def _first(log: ReturnsLog, batch: str, unit: str, f: FileResult) -> None:
    """回收时间: the earliest save time of the unit's usable returns of the batch."""
    first = as_datetime(log.get(batch, unit).get("回收时间"))
    if first is None or f.saved < first:
        log.set(batch, unit, {"回收时间": f.saved})
