"""The signature says whose return it is; units and mail clients rename files."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from tests.support.group import RENAMES, GroupWorld, group_world, rename
from zhenggai import read_ledger
from zhenggai.returns.consolidate import Verdict, check_file, consolidate
from zhenggai.returns.validate import _named_unit

SAVED = datetime(2026, 11, 25, 10)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> GroupWorld:
    w = group_world(tmp_path_factory.mktemp("identity") / "集团")
    w.issue(datetime(2026, 11, 20, 9))
    return w


@pytest.mark.parametrize("pattern", RENAMES)
def test_a_renamed_return_is_its_units_without_a_question(world, tmp_path, pattern):
    a = world.templates["2026年11月"]["A公司"]
    rid = world.rid("A公司", "A公司审计措施二")
    path = world.fill(
        a, rename(a.name, pattern), {(rid, "progress"): "清查过半"}, saved=SAVED, folder=tmp_path
    )
    result = check_file(path, ledger=read_ledger(world.master), today=SAVED.date())
    assert (result.unit, result.verdict, result.problems) == ("A公司", Verdict.APPLIED, [])
    assert [(c.id, c.new) for c in result.changes] == [(rid, "清查过半")]


@pytest.mark.parametrize(
    "name",
    [
        "B公司-整改进展填报-2026年11月.xlsx",  # B's name on A's template
        "回复：B公司-整改进展填报-2026年11月.xlsx",
        "A公司转B公司-整改进展填报.xlsx",  # names A and another known unit
    ],
)
def test_a_name_naming_another_known_unit_is_a_question_and_nothing_applies(world, tmp_path, name):
    a = world.templates["2026年11月"]["A公司"]
    rid = world.rid("A公司", "A公司审计措施二")
    path = world.fill(a, name, {(rid, "progress"): "清查过半"}, saved=SAVED, folder=tmp_path)
    result = consolidate(read_ledger(world.master), [path], root=tmp_path)
    [f] = result.files
    assert f.verdict is Verdict.REJECTED and f.changes == []
    [problem] = f.problems
    assert problem.code == "unit-mismatch"
    assert "B公司" in problem.message and "A公司" in problem.message


def test_a_name_naming_no_known_unit_is_fine(world, tmp_path):
    a = world.templates["2026年11月"]["A公司"]
    path = world.fill(a, "11月整改进展（定稿）.xlsx", saved=SAVED, folder=tmp_path)
    result = check_file(path, ledger=read_ledger(world.master), today=SAVED.date())
    assert (result.unit, result.verdict) == ("A公司", Verdict.APPLIED)


@pytest.mark.parametrize(
    ("stem", "unit", "named"),
    [
        ("党委办公室-整改进展填报-2026年11月", "党委办公室", None),  # 办公室 is inside our name
        ("回复：党委办公室-整改进展填报", "党委办公室", None),
        ("办公室-整改进展填报-2026年11月", "党委办公室", "办公室"),  # the shorter, other unit
        ("党委办公室-整改进展填报-2026年11月", "办公室", "党委办公室"),  # a longer, other unit
        ("Re_ 办公室-整改进展填报(1)", "办公室", None),
    ],
)
def test_unit_names_inside_other_unit_names(stem, unit, named):
    units = ["办公室", "党委办公室", "人事科"]
    assert _named_unit(Path(f"{stem}.xlsx"), unit, units) == named
