"""The 字段 sheet: the field spec as the office edits it, read back and written out.

:func:`read_spec` turns the sheet into a :class:`~zhenggai.core.spec.Spec`,
reporting every unusable row with its cell; :func:`spec_rows` writes a spec
as the sheet's rows (``init`` and the shipped workbooks use it).
"""

from __future__ import annotations

from collections.abc import Sequence

from .errors import SpecError
from .problems import Code, Problem, cell_name
from .spec import REQUIRED_KEYS, SPEC_HEADER, SPEC_SHEET, Field, FieldType, Spec
from .text import Value, normalise_text, split_list

__all__ = ["read_spec", "spec_rows"]

_REQUIRED_COLUMNS = SPEC_HEADER[:8]  # 模板显示 is optional: older 字段 sheets lack it


_TYPE_WORDS: dict[str, FieldType] = {t.value: t for t in FieldType} | {
    "key": FieldType.KEY,
    "text": FieldType.TEXT,
    "choice": FieldType.CHOICE,
    "date": FieldType.DATE,
    "deadline": FieldType.DEADLINE,
    "status": FieldType.STATUS,
    "unit": FieldType.UNIT,
    "number": FieldType.NUMBER,
    "computed": FieldType.COMPUTED,
}


_YES = {"是", "y", "yes", "true", "1", "√", "✓"}


_NO = {"否", "n", "no", "false", "0", "", "×"}


def spec_rows(spec: Spec) -> list[list[str]]:
    """The 字段 sheet's rows for *spec* (header first)."""
    rows: list[list[str]] = [list(SPEC_HEADER)]
    for f in spec:
        rows.append(
            [
                f.name,
                f.key,
                f.type.value,
                "是" if f.editable else "否",
                "是" if f.required else "否",
                "、".join(f.choices),
                "、".join(f.aliases),
                f.note,
                "是" if f.in_template else "否",
            ]
        )
    return rows


def _flag(text: str, default: bool) -> bool | None:
    word = text.strip().lower()
    if not word:
        return default
    if word in _YES:
        return True
    if word in _NO:
        return False
    return None


def _spec_problem(code: Code, message: str, row: int, col: int, value: str) -> Problem:
    return Problem(code, message, sheet=SPEC_SHEET, cell=cell_name(row, col), value=value)


def read_spec(grid: Sequence[Sequence[Value]], *, sheet: str = SPEC_SHEET) -> Spec:
    """Read the 字段 sheet's grid (rows of cell values, from A1) into a :class:`Spec`.

    Raises:
        SpecError: listing every problem with its cell, e.g. "字段!C5：类型“数值”不认识".
    """
    cells = [[normalise_text(str(v)) if v is not None else "" for v in row] for row in grid]
    header_at = next((i for i, row in enumerate(cells) if "字段名" in row and "键名" in row), None)
    if header_at is None:
        raise SpecError(f"工作表“{sheet}”缺少表头（字段名、键名、类型……），无法读取字段定义。")
    header = cells[header_at]
    missing = [h for h in _REQUIRED_COLUMNS if h not in header]
    if missing:
        raise SpecError(f"工作表“{sheet}”的表头缺少列：{'、'.join(missing)}。")
    col = {h: header.index(h) for h in SPEC_HEADER if h in header}

    problems: list[Problem] = []
    fields: list[Field] = []
    seen_names: dict[str, int] = {}
    seen_keys: dict[str, int] = {}
    for i, row in enumerate(cells[header_at + 1 :], start=header_at + 2):

        def get(h: str, row: list[str] = row) -> str:
            j = col.get(h)
            return row[j] if j is not None and j < len(row) else ""

        name, key = get("字段名"), get("键名")
        if not name and not key:
            continue
        c = {h: j + 1 for h, j in col.items()}
        type_word = get("类型")
        ftype = _TYPE_WORDS.get(type_word.lower()) or _TYPE_WORDS.get(type_word)
        if ftype is None:
            problems.append(
                _spec_problem(
                    Code.SPEC_BAD_TYPE,
                    f"类型“{type_word}”不认识，可选：{'、'.join(t.value for t in FieldType)}。",
                    i,
                    c["类型"],
                    type_word,
                )
            )
            continue
        if not name or not key:
            which = "字段名" if not name else "键名"
            problems.append(
                _spec_problem(
                    Code.SPEC_MISSING_FIELD, f"{which}不能为空。", i, c[which], name or key
                )
            )
            continue
        for word, seen, h in ((name, seen_names, "字段名"), (key, seen_keys, "键名")):
            if word in seen:
                problems.append(
                    _spec_problem(
                        Code.SPEC_DUPLICATE, f"{h}“{word}”与第{seen[word]}行重复。", i, c[h], word
                    )
                )
            seen.setdefault(word, i)
        flags: dict[str, bool] = {}
        for h, default in (("单位可填", False), ("必填", False), ("模板显示", True)):
            value = _flag(get(h), default)
            if value is None:
                problems.append(
                    _spec_problem(Code.SPEC_BAD_FLAG, f"{h}只能填“是”或“否”。", i, c[h], get(h))
                )
                value = default
            flags[h] = value
        choices = tuple(split_list(get("可选值")))
        if ftype in (FieldType.CHOICE, FieldType.STATUS) and not choices:
            problems.append(
                _spec_problem(
                    Code.SPEC_NO_CHOICES,
                    f"“{name}”是{ftype.value}类型，必须在“可选值”中列出可选项。",
                    i,
                    c["可选值"],
                    "",
                )
            )
        fields.append(
            Field(
                name=name,
                key=key,
                type=ftype,
                editable=flags["单位可填"],
                required=flags["必填"],
                choices=choices,
                aliases=tuple(split_list(get("别名"))),
                note=get("说明"),
                in_template=flags["模板显示"],
                row=i,
            )
        )

    keys = [f for f in fields if f.type is FieldType.KEY]
    if not keys:
        problems.append(
            Problem(Code.SPEC_NO_KEY, "没有类型为“编号”的字段：每行需要一个唯一编号。", sheet=sheet)
        )
    elif len(keys) > 1:
        rows = "、".join(f"第{f.row}行" for f in keys)
        problems.append(
            _spec_problem(
                Code.SPEC_MANY_KEYS,
                f"类型为“编号”的字段只能有一个，现有{rows}。",
                keys[1].row,
                col["类型"] + 1,
                keys[1].name,
            )
        )
    if len(keys) == 1 and keys[0].key != "id":
        problems.append(
            _spec_problem(
                Code.SPEC_BAD_TYPE,
                "类型为“编号”的字段，键名必须是 id。",
                keys[0].row,
                col["键名"] + 1,
                keys[0].key,
            )
        )
    present = {f.key for f in fields}
    absent = [k for k in REQUIRED_KEYS if k not in present]
    if absent and not problems:
        problems.append(
            Problem(
                Code.SPEC_MISSING_FIELD,
                f"缺少程序需要的字段（键名）：{'、'.join(absent)}。可改字段名，但不要改或删这些键名。",
                sheet=sheet,
            )
        )
    if problems:
        raise SpecError(_spec_message(sheet, problems), problems=problems)
    return Spec(tuple(fields))


def _spec_message(sheet: str, problems: list[Problem]) -> str:
    lines = [f"工作表“{sheet}”的字段定义有误，请修改后再运行："]
    lines += [f"  {p.where}：{p.message}" for p in problems]
    return "\n".join(lines)
