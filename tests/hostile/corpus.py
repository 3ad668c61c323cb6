"""The hostile corpus: bad returned files and legacy ledgers, each with what it must produce.

:func:`build_world` makes a master with one unit per case (so no file supersedes
another), issues an older batch to one unit and the current batch to all,
and a template of another ledger. :func:`build_corpus` writes every case's
file into the returns folder and gives back the expectations:

* ``problems``: the exact (sheet, cell, code) tuples of the file's problems;
* ``verdict``: what becomes of the file;
* ``applies``: the cells it must change in 台账 (the good files and the files
  whose only findings are notices); every other cell must stay as it was.

Cases live in :mod:`.cases_files` (packages, formats, identity),
:mod:`.cases_cells` (structure, values) and :mod:`.cases_round2` (the second
audit's classes, new instances); each is a function of the world, the unit
it may use and the returns folder.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from tests.support.returns_kit import ISSUED
from tests.support.synthetic import (
    issue_templates,
    synthetic_master,
    template_cell,
    template_meta,
    unit_names,
)
from zhenggai.core.text import Value
from zhenggai.io.master import read_ledger
from zhenggai.returns.consolidate import Verdict
from zhenggai.template.meta import TemplateMeta

ISSUED_OLD = datetime(2026, 10, 20, 9, 0)
UNITS = 130  # more than the cases, so every case has a unit of its own
OLD_BATCH = "2026年10月"

Expected = tuple[str, str, str]


@dataclass
class Case:
    """One file in the returns folder and what consolidating it must give."""

    name: str
    file: Path
    problems: list[Expected]
    verdict: Verdict
    applies: dict[tuple[str, str], Value] = field(default_factory=dict)
    says: str = ""  # words its (first) message must contain
    legacy: bool = False  # a legacy ledger, not a returned template

    @property
    def bad(self) -> bool:
        return bool(self.problems) or self.verdict is not Verdict.APPLIED


@dataclass
class World:
    """The master, its templates and what cases may use."""

    root: Path
    master: Path
    templates: dict[str, Path]
    old: dict[str, Path]
    foreign: Path
    today: date
    free: list[str]
    values: dict[str, dict[str, Value]]  # 编号 -> key -> the master's value, before the run

    def take(self) -> str:
        return self.free.pop(0)

    def meta(self, unit: str) -> TemplateMeta:
        return template_meta(self.templates[unit])

    def returns(self) -> Path:
        return self.master.parent / "回收"


def build_world(root: Path, *, units: int = UNITS) -> World:
    """A master with *units* units x 3 items, an older batch for the first unit, then the current one."""
    master = synthetic_master(root / "台账" / "整改台账.xlsx", units=units, rows=3)
    names = unit_names(units)
    old = issue_templates(master, units=[names[0]], batch=OLD_BATCH, now=ISSUED_OLD)
    templates = issue_templates(master, now=ISSUED)
    other = synthetic_master(root / "别的台账" / "别的台账.xlsx", units=2, rows=3)
    foreign = issue_templates(other, now=ISSUED)[names[1]]
    values = {rid: dict(row.values) for rid, row in read_ledger(master).table.by_id().items()}
    return World(root, master, templates, old, foreign, datetime.now().date(), names[2:], values)


Build = Callable[[World, str, Path], "Case | list[Case]"]


def cell(meta: TemplateMeta, rid: str, key: str) -> str:
    return template_cell(meta, rid, key)


def build_corpus(world: World) -> list[Case]:
    """Write every case into the world's returns folder; their expectations, in order."""
    from tests.hostile import cases_cells, cases_files, cases_round2

    folder = world.returns()
    folder.mkdir(parents=True, exist_ok=True)
    cases: list[Case] = []
    for build in (*cases_files.CASES, *cases_cells.CASES, *cases_round2.CASES):
        made = build(world, world.take(), folder)
        cases.extend(made if isinstance(made, list) else [made])
    return cases
