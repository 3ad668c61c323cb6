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
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

from .synonyms import COMMON_SYNONYMS
from .text import Value, normalise_text, split_list

__all__ = [
    "COMMON_SYNONYMS",
    "DEFAULT_FIELDS",
    "REQUIRED_KEYS",
    "SPEC_HEADER",
    "SPEC_SHEET",
    "STATUS_DONE",
    "STATUS_IN_PROGRESS",
    "STATUS_NOT_STARTED",
    "STATUS_ONGOING",
    "UPPER_ID_KEY",
    "UPPER_ID_NAME",
    "YES",
    "Field",
    "FieldType",
    "HeaderKind",
    "Spec",
    "default_spec",
    "header_word",
    "upper_id_field",
]

SPEC_SHEET = "字段"
SPEC_HEADER = ("字段名", "键名", "类型", "单位可填", "必填", "可选值", "别名", "说明", "模板显示")


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


# The 整改状态 words the library's logic relies on (the default spec's choices),
# and the 是 of 是否销号 / 是否反弹.
STATUS_NOT_STARTED = "未启动"
STATUS_IN_PROGRESS = "正在整改"
STATUS_DONE = "已完成"
STATUS_ONGOING = "长期坚持"
YES = "是"

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

# The upper office's 编号 of an item taken from its template (``zhenggai import``): the
# column ``zhenggai answer`` matches the upper template's rows by. Added to 字段 on the
# first such import, like an import's extra columns.
UPPER_ID_KEY = "upper_id"
UPPER_ID_NAME = "上级编号"


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


class HeaderKind(StrEnum):
    """How a header cell named a field, strongest first (see :meth:`Spec.header_match`)."""

    NAME = "字段名"
    ALIAS = "别名"
    COMMON = "常用名"
    LOOSE = "去掉括号注释后"


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

    @cached_property
    def _by_common(self) -> dict[str, Field]:
        index: dict[str, Field] = {}
        for key, words in COMMON_SYNONYMS.items():
            if key in self._by_key:
                for word in words:
                    index.setdefault(_header_word(word), self._by_key[key])
        return index

    def header_match(
        self, header: Value, *, common: bool = False
    ) -> tuple[Field, HeaderKind] | None:
        """The field a header cell names and how: by 字段名, 别名, or (with *common*)
        :data:`COMMON_SYNONYMS`, then the same without a trailing bracketed note
        ("整改时限（年月日）").
        """
        if header is None:
            return None
        word = _header_word(str(header))
        if not word:
            return None
        for candidate, loose in ((word, False), (_BRACKET_NOTE.sub("", word), True)):
            if loose and (candidate == word or not candidate):
                break
            f = self._by_header.get(candidate)
            if f is not None and not loose:
                kind = HeaderKind.NAME if _header_word(f.name) == candidate else HeaderKind.ALIAS
                return f, kind
            if f is None and common:
                f = self._by_common.get(candidate)
                if f is not None and not loose:
                    return f, HeaderKind.COMMON
            if f is not None:
                return f, HeaderKind.LOOSE
        return None

    def field(self, key: str) -> Field:
        """The field with 键名 *key*; KeyError when the spec has none."""
        return self._by_key[key]

    def has(self, key: str) -> bool:
        return key in self._by_key

    def match_header(self, header: Value, *, common: bool = False) -> Field | None:
        """The field a header cell names (by 字段名 or 别名), ignoring spaces and line breaks.

        With *common*, also by :data:`COMMON_SYNONYMS` and without a bracketed note.
        """
        if not common:
            return None if header is None else self._by_header.get(_header_word(str(header)))
        found = self.header_match(header, common=True)
        return found[0] if found else None

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


_BRACKET_NOTE = re.compile(r"\([^()]*\)$")


def header_word(text: str) -> str:
    """A header as compared: without spaces, line breaks, '*' marks and full-width brackets."""
    return _header_word(text)


def _header_word(text: str) -> str:
    text = normalise_text(text).replace("\n", "").replace(" ", "").replace("*", "")
    return text.replace("（", "(").replace("）", ")")


def upper_id_field() -> Field:
    """The 上级编号 field: text, kept by the office, not shown in this level's templates."""
    return Field(
        UPPER_ID_NAME,
        UPPER_ID_KEY,
        FieldType.TEXT,
        note="上级下发模板中的编号：向上级填报（zhenggai answer）时据此对应，请勿改动",
        in_template=False,
    )


def default_spec() -> Spec:
    """The spec of DESIGN.md, used by ``zhenggai init``."""
    return Spec(DEFAULT_FIELDS)
