"""The field spec: which columns the ledger has and what each may hold.

The spec lives in the master's 字段 sheet so an office can adapt its ledger
without code; :data:`DEFAULT_FIELDS` is the one place the default is written.
Code refers to fields by 键名 (``key``), users by 字段名 (``name``).

Example:
    >>> spec = default_spec()
    >>> spec.field("status").choices
    ('未启动', '正在整改', '已完成', '长期坚持')
    >>> spec.match_header("序号").key
    'id'
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Strict, create_model
from pydantic import Field as PydanticField

from .errors import SpecError
from .problems import Code, Problem, cell_name
from .text import Value, normalise_text, split_list

__all__ = [
    "DEFAULT_FIELDS",
    "REQUIRED_KEYS",
    "SPEC_HEADER",
    "SPEC_SHEET",
    "STATUS_DONE",
    "STATUS_IN_PROGRESS",
    "STATUS_NOT_STARTED",
    "STATUS_ONGOING",
    "YES",
    "Field",
    "FieldType",
    "Spec",
    "default_spec",
    "read_spec",
    "spec_rows",
]

SPEC_SHEET = "字段"
SPEC_HEADER = ("字段名", "键名", "类型", "单位可填", "必填", "可选值", "别名", "说明", "模板显示")
_REQUIRED_COLUMNS = SPEC_HEADER[:8]  # 模板显示 is optional: older 字段 sheets lack it


class FieldType(StrEnum):
    """What a column holds; the value is the word used in the 字段 sheet."""

    KEY = "编号"
    TEXT = "文本"
    CHOICE = "选项"
    DATE = "日期"
    DEADLINE = "时限"
    STATUS = "状态"
    UNIT = "单位"
    NUMBER = "数字"
    COMPUTED = "计算"


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

# The 整改状态 words the library's logic relies on (the default spec's choices),
# and the 是 of 是否销号 / 是否反弹.
STATUS_NOT_STARTED = "未启动"
STATUS_IN_PROGRESS = "正在整改"
STATUS_DONE = "已完成"
STATUS_ONGOING = "长期坚持"
YES = "是"
_NO = {"否", "n", "no", "false", "0", "", "×"}

# Keys the library's logic relies on; an office may rename their 字段名, not these.
REQUIRED_KEYS = (
    "id",
    "category",
    "problem",
    "measure",
    "unit",
    "deadline",
    "status",
    "progress",
    "done_date",
    "evidence",
)


@dataclass(frozen=True)
class Field:
    """One ledger column.

    Attributes:
        name: the header users see (字段名).
        key: the stable identifier code uses (键名).
        type: what the column holds.
        editable: units may fill it in their template (单位可填).
        required: must not be empty (必填).
        choices: allowed values for 选项 and 状态 fields.
        aliases: other headers that mean this field (别名), for reading old files.
        note: explanation shown to users (说明).
        in_template: the column appears in unit templates (模板显示).
        row: the 字段 sheet row it came from (0 for the built-in default).
    """

    name: str
    key: str
    type: FieldType
    editable: bool = False
    required: bool = False
    choices: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    note: str = ""
    in_template: bool = True
    row: int = 0

    @property
    def locked(self) -> bool:
        """Shown to units but not theirs to change."""
        return self.in_template and not self.editable


def _f(
    name: str,
    key: str,
    type_: FieldType,
    *,
    editable: bool = False,
    required: bool = False,
    choices: str = "",
    aliases: str = "",
    note: str = "",
    in_template: bool = True,
) -> Field:
    return Field(
        name,
        key,
        type_,
        editable,
        required,
        tuple(split_list(choices)),
        tuple(split_list(aliases)),
        note,
        in_template,
    )


T = FieldType
DEFAULT_FIELDS: tuple[Field, ...] = (
    _f(
        "编号",
        "id",
        T.KEY,
        required=True,
        aliases="问题编号、序号",
        note="每条措施一个编号；一条措施涉及多个单位时拆成 1-1、1-2",
    ),
    _f(
        "问题类别",
        "category",
        T.TEXT,
        required=True,
        aliases="问题分类、类别、方面",
        note="报告中“（一）……方面”的标题",
    ),
    _f("问题来源", "source", T.TEXT, aliases="来源、反馈来源", note="督查、巡察、审计等"),
    _f(
        "存在问题",
        "problem",
        T.TEXT,
        required=True,
        aliases="问题、问题描述、具体问题、问题简述、问题表现",
        note="同一问题的多条措施写相同文字",
    ),
    _f("整改措施", "measure", T.TEXT, required=True, aliases="整改举措、整改计划及措施"),
    _f("整改类型", "kind", T.CHOICE, choices="立行立改、限期整改、长期坚持"),
    _f("责任领导", "leader", T.TEXT, aliases="分管领导、整改责任领导"),
    _f(
        "责任单位",
        "unit",
        T.UNIT,
        required=True,
        aliases="责任部门、牵头单位、所属责任公司",
        note="多个单位用“、”分开时，每个单位一行",
    ),
    _f("配合单位", "co_units", T.TEXT, aliases="协办单位"),
    _f(
        "整改时限",
        "deadline",
        T.DEADLINE,
        required=True,
        aliases="完成时限、整改期限",
        note="日期，或“2024年底前”“长期坚持”“立行立改”等",
    ),
    _f("责任人", "person", T.TEXT, editable=True, aliases="具体责任人、联系人"),
    _f(
        "整改状态",
        "status",
        T.STATUS,
        editable=True,
        required=True,
        choices="未启动、正在整改、已完成、长期坚持",
        aliases="完成情况、是否整改完成",
    ),
    _f(
        "整改进展",
        "progress",
        T.TEXT,
        editable=True,
        aliases="进展情况、整改进展情况、整改情况",
        note="写做了什么、达到什么效果",
    ),
    _f(
        "完成时间",
        "done_date",
        T.DATE,
        editable=True,
        aliases="实际完成时间",
        note="已完成的必须填写，格式 2024-06-30",
    ),
    _f(
        "佐证材料",
        "evidence",
        T.TEXT,
        editable=True,
        aliases="佐证材料清单、证明材料",
        note="已完成的必须写明材料名称",
    ),
    _f("备注", "remark", T.TEXT, editable=True),
    _f(
        "是否销号",
        "closed",
        T.CHOICE,
        choices="是、否",
        in_template=False,
        note="仅办公室填写：已完成且材料齐全、审核通过后填“是”",
    ),
    _f("销号时间", "closed_date", T.DATE, in_template=False),
    _f("审核人", "reviewer", T.TEXT, in_template=False),
    _f("预警", "warning", T.COMPUTED, note="由“逾期预警”自动生成，请勿手填"),
    _f("最后更新", "updated", T.COMPUTED, in_template=False, note="由“一键汇总”自动生成"),
)
del T


def _spec_version(fields: Sequence[Field]) -> str:
    data = [
        (f.name, f.key, f.type.value, f.editable, f.required, f.choices, f.in_template)
        for f in fields
    ]
    blob = json.dumps(data, ensure_ascii=False).encode()
    return hashlib.sha256(blob).hexdigest()[:12]


@dataclass(frozen=True)
class Spec:
    """The ledger's columns, in order."""

    fields: tuple[Field, ...]
    version: str = field(default="")

    def __post_init__(self) -> None:
        if not self.version:
            object.__setattr__(self, "version", _spec_version(self.fields))

    def __iter__(self) -> Iterator[Field]:
        return iter(self.fields)

    def __len__(self) -> int:
        return len(self.fields)

    @cached_property
    def _by_key(self) -> dict[str, Field]:
        return {f.key: f for f in self.fields}

    @cached_property
    def _by_header(self) -> dict[str, Field]:
        index: dict[str, Field] = {}
        for f in self.fields:
            for word in f.aliases:
                index.setdefault(_header_word(word), f)
        for f in self.fields:  # names win over aliases
            index[_header_word(f.name)] = f
        return index

    def field(self, key: str) -> Field:
        """The field with 键名 *key*; KeyError when the spec has none."""
        return self._by_key[key]

    def has(self, key: str) -> bool:
        return key in self._by_key

    def match_header(self, header: Value) -> Field | None:
        """The field a header cell names (by 字段名 or 别名), ignoring spaces and line breaks."""
        if header is None:
            return None
        return self._by_header.get(_header_word(str(header)))

    @property
    def key_field(self) -> Field:
        return next(f for f in self.fields if f.type is FieldType.KEY)

    @property
    def headers(self) -> list[str]:
        return [f.name for f in self.fields]

    @property
    def template_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.in_template)

    @property
    def editable_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.editable)

    @property
    def locked_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.locked)

    @cached_property
    def row_model(self) -> type[BaseModel]:
        """A pydantic model of one ledger row, keyed by 键名, with 字段名 as alias."""
        definitions: dict[str, Any] = {}
        for f in self.fields:
            annotation: Any
            if f.type in (FieldType.CHOICE, FieldType.STATUS) and f.choices:
                annotation = Literal[f.choices]
            elif f.type is FieldType.DATE:
                annotation = Annotated[date, Strict()]
            elif f.type is FieldType.DEADLINE:
                annotation = Annotated[date, Strict()] | str
            elif f.type is FieldType.NUMBER:
                annotation = Annotated[float, Strict()] | Annotated[int, Strict()]
            else:
                annotation = Annotated[str, Strict()]
            if f.required:
                default = PydanticField(..., alias=f.name)
                if annotation is not None and f.type in (
                    FieldType.KEY,
                    FieldType.TEXT,
                    FieldType.UNIT,
                ):
                    default = PydanticField(..., alias=f.name, min_length=1)
            else:
                annotation = annotation | None
                default = PydanticField(None, alias=f.name)
            definitions[f.key] = (annotation, default)
        model: type[BaseModel] = create_model(
            "LedgerRow",
            __config__=ConfigDict(populate_by_name=True, frozen=True, extra="ignore"),
            **definitions,
        )
        return model


def _header_word(text: str) -> str:
    """Headers compare without spaces, line breaks, '*' marks and full-width brackets."""
    text = normalise_text(text).replace("\n", "").replace(" ", "").replace("*", "")
    return text.replace("（", "(").replace("）", ")")


def default_spec() -> Spec:
    """The spec of DESIGN.md, used by ``zhenggai init``."""
    return Spec(DEFAULT_FIELDS)


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
