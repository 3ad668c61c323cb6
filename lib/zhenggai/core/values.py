"""Checking one value a unit sent, by its field: the rules of DESIGN.md "Values".

:func:`check_value` never coerces silently: it returns the value as the
master would hold it (text normalised, dates as dates) and the reasons it
must not be used, each a :class:`~zhenggai.core.problems.Problem` (code and
Chinese message saying what to do) that the caller places in its cell.
Legacy returns and templates share it.

Returns and imports share the rules: a return's refused value is "本次未采用"
(not used), an import keeps it as found and says so (:attr:`Rules.kept`).

Example:
    >>> from zhenggai.core.spec import default_spec
    >>> rules = Rules(today=date(2026, 11, 28), max_length=2000)
    >>> check_value(default_spec().field("status"), "搞定了", rules)[1][0].code
    <Code.STATUS_INVALID: 'status-invalid'>
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time

from .deadline import DeadlineKind, parse_deadline
from .grid import typed_value
from .problems import Code, Problem, show_value
from .spec import Field, FieldType
from .text import Value, has_control_chars, is_clean, is_formula_like

__all__ = ["Rules", "check_value", "formula_notice", "looks_like_injection"]

# Excel's day 1 is 1900-01-01: a date in 1900 comes from a small number typed into a date cell.
_EXCEL_EPOCH_YEAR = 1900
_TIME = re.compile(r"^\d{1,2}:\d{2}(:\d{2})?$")
_FORMULA_HEADS = frozenset("=+-@＝＋－＠|")


@dataclass(frozen=True)
class Rules:
    """What the value rules need to know besides the field.

    Attributes:
        today: completion dates after it are refused.
        max_length: longest text allowed (设置 单元格字数上限).
        kept: the value is kept as found whatever is wrong (an import), not refused.
        base_year: the year of deadlines written without one (设置 基准年份); None: the
            deadline text is not checked (a return never changes it).
        text_dates: a date written as text that reads as one day ("2024年5月31日")
            is accepted (an imported ledger; a template's date cells must hold dates).
        verdict_text: how a message says what became of a bad value, instead of
            the default (本次未采用 / 已按原样导入).
    """

    today: date
    max_length: int
    kept: bool = False
    base_year: int | None = None
    text_dates: bool = False
    verdict_text: str = ""

    @property
    def verdict(self) -> str:
        """How a message says what became of a bad value."""
        if self.verdict_text:
            return self.verdict_text
        return "已按原样导入" if self.kept else "本次未采用"


def looks_like_injection(text: str) -> bool:
    """Text Excel would run as a formula or DDE call (not a mere leading "-" or "+")."""
    head = text.lstrip()[:1]
    return is_formula_like(text) and (head in "=＝@＠|" or "|" in text or "(" in text)


def formula_notice(f: Field, text: str) -> Problem:
    """The notice for a formula (or formula-like text) that is stored as text."""
    return Problem(
        Code.FORMULA_AS_TEXT,
        f"“{f.name}”填的是公式或可执行的写法“{show_value(text)}”，已按文字原样保存，不会计算或执行。"
        "请直接填写文字内容。",
    )


def check_value(f: Field, raw: Value, rules: Rules) -> tuple[Value, list[Problem]]:
    """The value *raw* of field *f* as the master would hold it, and what is wrong with it.

    Args:
        f: the field (its type and choices decide the rules).
        raw: the cell value as read (calamine types: str, float, bool, date, datetime).
        rules: today, the length limit and whether bad values are kept.

    Returns:
        (typed value, findings); the value may be used only if no finding
        is more than a notice (:attr:`~zhenggai.core.problems.Code.is_notice`).
    """
    if type(raw) is str:  # fast paths for the usual cells; same result as the full rules
        if f.type is FieldType.TEXT and is_clean(raw):
            if len(raw) <= rules.max_length and raw[0] not in _FORMULA_HEADS and "_x" not in raw:
                return raw, []
        elif raw in f.choices:
            return raw, []
    elif raw is None and not f.required:
        return None, []
    return _check_value_full(f, raw, rules)


def _check_value_full(f: Field, raw: Value, rules: Rules) -> tuple[Value, list[Problem]]:
    findings: list[Problem] = []
    verdict, max_length = rules.verdict, rules.max_length
    if isinstance(raw, str) and has_control_chars(raw):
        findings.append(
            Problem(
                Code.TEXT_CONTROL_CHARS,
                f"“{f.name}”含有不可见的控制字符，{verdict}。请删除后重新输入（可先粘贴到记事本再复制）。",
            )
        )
    if isinstance(raw, float) and not math.isfinite(raw) and f.type is not FieldType.DATE:
        # typed as text this would become "inf" or "nan": a value nobody typed
        findings.append(
            Problem(
                Code.NUMBER_INVALID,
                f"“{f.name}”读到的是无效的数值（{'非数字' if math.isnan(raw) else '无穷大'}，"
                f"文件中写作“{show_value(raw)}”），{verdict}。请重新填写。",
            )
        )
        return None, findings
    value = typed_value(f, raw)
    if value is None:
        if f.required:
            findings.append(
                Problem(Code.REQUIRED_MISSING, f"“{f.name}”不能为空，{verdict}。请填写。")
            )
        return None, findings
    if f.type in (FieldType.STATUS, FieldType.CHOICE) and f.choices:
        if value not in f.choices:
            code = Code.STATUS_INVALID if f.type is FieldType.STATUS else Code.CHOICE_INVALID
            findings.append(
                Problem(
                    code,
                    f"“{f.name}”只能填：{'、'.join(f.choices)}；现为“{show_value(value)}”，{verdict}。"
                    "请从下拉列表选择。",
                )
            )
    elif f.type is FieldType.DATE:
        findings += _date_findings(f, value, rules)
        if isinstance(value, datetime) and value.time() != time(0):
            value = value.date()  # a completion date has no time of day
    elif f.type is FieldType.DEADLINE and rules.base_year is not None:
        if parse_deadline(value, base_year=rules.base_year).kind is DeadlineKind.UNKNOWN:
            findings.append(
                Problem(
                    Code.DATE_INVALID,
                    f"“{f.name}”无法识别为整改时限（现为“{show_value(value)}”），{verdict}。"
                    "请改成 2024-06-30、2024年底前、长期坚持这类写法。",
                )
            )
    elif f.type is FieldType.NUMBER and isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            findings.append(
                Problem(
                    Code.NUMBER_INVALID,
                    f"“{f.name}”应填数字，现为“{show_value(value)}”，{verdict}。",
                )
            )
    elif isinstance(value, str):
        if len(value) > max_length:
            findings.append(
                Problem(
                    Code.TEXT_TOO_LONG,
                    f"“{f.name}”有 {len(value)} 字，超过上限 {max_length} 字，{verdict}。"
                    "请精简，详细材料作为附件报送。",
                )
            )
        elif looks_like_injection(value):
            findings.append(formula_notice(f, value))
    return value, findings


def _date_findings(f: Field, value: Value, rules: Rules) -> list[Problem]:
    verdict, today = rules.verdict, rules.today
    if isinstance(value, date):  # datetime included
        day = value.date() if isinstance(value, datetime) else value
        if day.year <= _EXCEL_EPOCH_YEAR:
            serial = _serial(day)
            typed = f"（如“{serial}”）" if serial > 0 else ""
            return [
                Problem(
                    Code.DATE_INVALID,
                    f"“{f.name}”是{day.isoformat()}，像是把数字{typed}填进了日期格，{verdict}。"
                    "请重新输入日期（如 2026-11-28）。",
                )
            ]
        if day > today:
            return [
                Problem(
                    Code.DATE_FUTURE,
                    f"“{f.name}”是{day.isoformat()}，晚于今天（{today.isoformat()}），{verdict}。"
                    "请填写实际完成的日期。",
                )
            ]
        return []
    if (
        isinstance(value, str)
        and rules.text_dates
        and rules.base_year is not None
        and parse_deadline(value, base_year=rules.base_year).kind is DeadlineKind.DATE
    ):
        return []
    if isinstance(value, str) and _TIME.match(value):
        return [
            Problem(
                Code.DATE_INVALID,
                f"“{f.name}”读到的是时间“{value}”而不是日期（日期为 0 或负数时也会这样），{verdict}。"
                "请重新输入日期（如 2026-11-28）。",
            )
        ]
    kind = "文字" if isinstance(value, str) else "数字"
    return [
        Problem(
            Code.DATE_INVALID,
            f"“{f.name}”应填日期单元格（如 2026-11-28），现为{kind}“{show_value(value)}”，{verdict}。"
            "请删除后重新输入日期。",
        )
    ]


def _serial(day: date) -> int:
    """Excel's serial number of *day* (1900 system, with its phantom 1900-02-29)."""
    n = (day - date(1899, 12, 31)).days
    return n + 1 if day >= date(1900, 3, 1) else n
