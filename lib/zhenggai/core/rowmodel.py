"""The row model built from the 字段 sheet: pydantic validates every returned and imported row.

:class:`RowModel` makes one pydantic model per set of fields (a template's
editable columns, an import's mapped columns): a ``TypedDict`` keyed by 键名,
validated through a ``TypeAdapter`` (half the cost of a ``BaseModel`` per row,
which matters over hundreds of returns). Each field's validator applies
the value rules of :mod:`zhenggai.core.values` with the run's
:class:`~zhenggai.core.values.Rules` (passed as validation context); a value
that breaks a rule fails validation with a ``zhenggai`` error carrying the
:class:`~zhenggai.core.problems.Problem`\\ s, and :meth:`RowModel.check` maps each
error's location (the field) back to its column, so the caller can name the
cell. Notices (a formula kept as text) do not fail a value: they travel in the
context.

Example:
    >>> from datetime import date
    >>> from zhenggai.core.spec import default_spec
    >>> from zhenggai.core.values import Rules
    >>> spec = default_spec()
    >>> model = RowModel.of([spec.field("status"), spec.field("progress")])
    >>> checked = model.check({"status": "搞定了", "progress": "已召开会议"},
    ...                       Rules(today=date(2026, 11, 28), max_length=2000))
    >>> checked.values, [(k, p.code) for k, p in checked.problems]
    ({'progress': '已召开会议'}, [('status', <Code.STATUS_INVALID: 'status-invalid'>)])
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any

from pydantic import BeforeValidator, TypeAdapter, ValidationError, ValidationInfo
from pydantic_core import PydanticCustomError
from typing_extensions import TypedDict

from .problems import Problem
from .spec import Field
from .text import Value
from .values import Rules, check_value

__all__ = ["CheckedRow", "RowModel"]

_ERROR = "zhenggai"


@dataclass
class CheckedRow:
    """One row after validation.

    Attributes:
        values: field key -> the value as the master holds it, for the values that may be used.
        problems: (field key, problem) for every rule broken and every notice, in field order.
    """

    values: dict[str, Value] = field(default_factory=dict)
    problems: list[tuple[str, Problem]] = field(default_factory=list)


def _validator(f: Field) -> Callable[[Value, ValidationInfo], Value]:
    def validate(value: Value, info: ValidationInfo) -> Value:
        context = info.context
        assert context is not None  # RowModel.check always passes one
        typed, found = check_value(f, value, context["rules"])
        if not found:
            return typed
        if all(p.code.is_notice for p in found):
            context["notices"].append((f.key, found))
            return typed
        raise PydanticCustomError(
            _ERROR, "{summary}", {"summary": found[0].message, "found": found}
        )

    return validate


class RowModel:
    """A pydantic model of the rows holding *fields*, keyed by 键名 (字段名 accepted too).

    Use :meth:`of`: building a pydantic schema costs milliseconds, and hundreds
    of returns bring the same columns.

    Args:
        fields: the columns a row brings (in the order problems are listed).
    """

    @classmethod
    def of(cls, fields: Sequence[Field]) -> RowModel:
        """The model of *fields*, built once per set of fields."""
        return _model_of(tuple(fields))

    def __init__(self, fields: Sequence[Field]) -> None:
        self.fields = tuple(fields)
        row = TypedDict(  # type: ignore[misc]
            "LedgerRow",
            {f.key: Annotated[Any, BeforeValidator(_validator(f))] for f in self.fields},
            total=False,
        )
        self.adapter: TypeAdapter[Any] = TypeAdapter(row)
        self._order = {f.key: i for i, f in enumerate(self.fields)}
        self._key = {f.name: f.key for f in self.fields}

    def check(self, raw: Mapping[str, Value], rules: Rules) -> CheckedRow:
        """Validate one row's raw cell values (by 键名 or 字段名); nothing is raised.

        A field missing from *raw* is not checked and not in the result; a
        present ``None`` is (a required field must not be empty). Results are
        keyed by 键名.
        """
        if not raw.keys() <= self._order.keys():
            raw = {self._key.get(k, k): v for k, v in raw.items()}
        notices: list[tuple[str, list[Problem]]] = []
        context = {"rules": rules, "notices": notices}
        out = CheckedRow()
        try:
            out.values = self.adapter.validate_python(raw, context=context)
        except ValidationError as exc:
            failed: dict[str, list[Problem]] = {}
            for error in exc.errors():
                ctx = error.get("ctx") or {}
                failed[str(error["loc"][0])] = list(ctx.get("found", ()))
            notices.clear()
            good = {k: v for k, v in raw.items() if k not in failed}
            out.values = self.adapter.validate_python(good, context=context)
            out.problems = [(k, p) for k, ps in failed.items() for p in ps]
        if notices or out.problems:
            out.problems += [(k, p) for k, ps in notices for p in ps]
            out.problems.sort(key=lambda kp: self._order[kp[0]])
        return out


@functools.lru_cache(maxsize=64)
def _model_of(fields: tuple[Field, ...]) -> RowModel:
    return RowModel(fields)
