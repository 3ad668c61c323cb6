"""Filled-in returns for the demo ledger, so ``make demo`` shows a consolidation.

Five of the six demo units "return" their template with plausible updates;
two of them make the mistakes units make (a status outside the list, 已完成
without 佐证材料) and one unit does not return at all::

    python -m zhenggai.demo.returns demo-out/下发/2026年11月 demo-out/回收
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from tests.support.synthetic import fill_return, template_meta

from ..core.text import Value

__all__ = ["DEMO_RETURNS", "fill_demo_returns"]

# unit -> (编号, field key) -> value typed in by the unit
DEMO_RETURNS: dict[str, dict[tuple[str, str], Value]] = {
    "办公室": {
        ("7-2", "progress"): "已对10月、11月积分排名后10名人员进行提醒，约谈2人。",
    },
    "机关党委": {
        ("2", "status"): "已完成",
        ("2", "progress"): "2026年11月20日召开下半年意识形态联席会议，明确工作重点。",
        ("2", "done_date"): date(2026, 11, 20),
        ("2", "evidence"): "联席会议通知、会议纪要",
    },
    "宣传教育科": {
        ("5-2", "status"): "基本完成",  # not in the drop-down: a problem for the unit
        ("6-2", "status"): "正在整改",
        ("6-2", "progress"): "已在网络学院上线意识形态专题课程2门。",
    },
    "人事科": {
        ("4", "status"): "已完成",  # without 佐证材料: the status is not taken
        ("4", "done_date"): date(2026, 11, 25),
        ("6-1", "progress"): "2027年度干部培训计划已列入意识形态专题，待党组审定。",
    },
    "网络安全科": {
        ("9-2", "progress"): "已完成3个基层单位实地督查指导，形成督查报告。",
    },
    # 舆情信息科 does not return: it is listed as not returned
}


def fill_demo_returns(issued: Path, returns: Path) -> list[Path]:
    """Fill the demo templates in *issued* as the units would and save them into *returns*."""
    returns.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for template in sorted(issued.glob("*.xlsx")):
        meta = template_meta(template)
        values = DEMO_RETURNS.get(meta.unit)
        if values is None:
            continue
        typed = {(rid, key): v for (rid, key), v in values.items() if rid in meta.ids}
        written.append(fill_return(template, returns / template.name, typed))
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("用法：python -m zhenggai.demo.returns 下发文件夹 回收文件夹", file=sys.stderr)
        return 2
    for path in fill_demo_returns(Path(args[0]), Path(args[1])):
        print(f"示例报送：{path}")
    return 0


if __name__ == "__main__":  # pragma: no cover - run by `make demo`
    sys.exit(main())
