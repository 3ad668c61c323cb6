"""The demo returns `make demo` consolidates show each kind of outcome."""

from __future__ import annotations

from tests.support.returns_kit import NOW, issue
from zhenggai import read_ledger
from zhenggai.core import clock
from zhenggai.demo.returns import fill_demo_returns, main
from zhenggai.returns.consolidate import Verdict, consolidate


def test_demo_returns_consolidate_as_the_demo_says(demo_master, capsys):
    folder = next(iter(issue(demo_master).values())).parent
    returns = demo_master.parent / "回收"
    with clock.fixed(NOW):  # the units save on the run's day, as in make demo
        assert main([str(folder), str(returns)]) == 0
    assert capsys.readouterr().out.count("示例报送") == 5
    result = consolidate(read_ledger(demo_master), sorted(returns.iterdir()), root=returns, now=NOW)
    verdicts = {f.unit: f.verdict for f in result.files}
    assert verdicts == {
        "办公室": Verdict.APPLIED,
        "机关党委": Verdict.APPLIED,
        "宣传教育科": Verdict.PARTLY,
        "人事科": Verdict.PARTLY,
        "网络安全科": Verdict.APPLIED,
    }
    codes = {f.unit: [p.code for p in f.problems] for f in result.files if f.problems}
    assert codes == {"宣传教育科": ["status-invalid"], "人事科": ["done-needs-evidence"]}
    assert result.not_returned == ["舆情信息科"]
    assert fill_demo_returns(folder, returns)  # refilling overwrites, never fails
