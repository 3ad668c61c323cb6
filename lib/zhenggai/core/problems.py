"""Problems found in the data, in the user's coordinates.

Checks never raise for bad data: they yield :class:`Problem` values. Tests,
the add-in and the feedback workbooks branch on :class:`Code`, never on
message text; whether a code only informs (the value is still used) is
:attr:`Code.is_notice`.

Example:
    >>> p = Problem(Code.STATUS_INVALID, "整改状态不在可选范围内", sheet="填报", cell="H7",
    ...             value="搞定了")
    >>> p.as_tuple()
    ('填报', 'H7', 'status-invalid')
    >>> Problem.at(Code.DATE_INVALID, "不是日期", row0=6, col0=7, sheet="填报").where
    '填报!H7'
    >>> Code.FORMULA_AS_TEXT.is_notice, Code.DATE_INVALID.is_notice
    (True, False)
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any

__all__ = ["Code", "Problem", "cell_name", "column_letter", "show_value"]

_MAX_SHOWN = 200


class Code(StrEnum):
    """Stable problem codes. Never rename one: the add-in and tests use them."""

    # the field spec (sheet 字段) and settings (sheet 设置)
    SPEC_NO_KEY = "spec-no-key"
    SPEC_MANY_KEYS = "spec-many-keys"
    SPEC_BAD_TYPE = "spec-bad-type"
    SPEC_NO_CHOICES = "spec-no-choices"
    SPEC_DUPLICATE = "spec-duplicate"
    SPEC_BAD_FLAG = "spec-bad-flag"
    SPEC_MISSING_FIELD = "spec-missing-field"
    SETTING_INVALID = "setting-invalid"
    # reading files
    FILE_EMPTY = "file-empty"
    FILE_NOT_WORKBOOK = "file-not-workbook"
    FILE_CORRUPT = "file-corrupt"
    FILE_ENCRYPTED = "file-encrypted"
    FILE_UNSUPPORTED = "file-unsupported"
    FILE_TOO_LARGE = "file-too-large"
    FILE_NOT_WRITTEN = "file-not-written"
    SHEET_MISSING = "sheet-missing"
    HEADER_NOT_FOUND = "header-not-found"
    HEADER_DUPLICATE = "header-duplicate"
    # ledger rows and values
    ID_MISSING = "id-missing"
    ID_DUPLICATE = "id-duplicate"
    REQUIRED_MISSING = "required-missing"
    CHOICE_INVALID = "choice-invalid"
    STATUS_INVALID = "status-invalid"
    DATE_INVALID = "date-invalid"
    NUMBER_INVALID = "number-invalid"
    UNIT_UNKNOWN = "unit-unknown"
    TEXT_TOO_LONG = "text-too-long"
    TEXT_CONTROL_CHARS = "text-control-chars"
    FORMULA_AS_TEXT = "formula-as-text"
    # importing ledgers made elsewhere (zhenggai import)
    IMPORT_COLUMN_AMBIGUOUS = "import-column-ambiguous"
    IMPORT_MAP_UNUSED = "import-map-unused"
    IMPORT_UNIT_MISMATCH = "import-unit-mismatch"
    IMPORT_UNIT_MISSING = "import-unit-missing"
    IMPORT_ROW_REPEATED = "import-row-repeated"
    IMPORT_OWN_TEMPLATE = "import-own-template"
    IMPORT_UPPER_CHANGED = "import-upper-changed"
    LEGACY_RETURN = "legacy-return"
    # templates and returned templates (templates.py, integrity.py, validate.py, consolidate.py)
    META_MISSING = "meta-missing"
    META_INVALID = "meta-invalid"
    META_TAMPERED = "meta-tampered"
    LEDGER_MISMATCH = "ledger-mismatch"
    UNIT_MISMATCH = "unit-mismatch"
    MACROS_IGNORED = "macros-ignored"
    LOCKED_CHANGED = "locked-changed"
    HEADER_RENAMED = "header-renamed"
    HEADER_MOVED = "header-moved"
    COLUMN_INSERTED = "column-inserted"
    COLUMN_DELETED = "column-deleted"
    ROW_DELETED = "row-deleted"
    ROW_ADDED = "row-added"
    MERGED_CELLS = "merged-cells"
    CELL_ERROR = "cell-error"
    DATE_FUTURE = "date-future"
    DONE_NEEDS_DATE = "done-needs-date"
    DONE_NEEDS_EVIDENCE = "done-needs-evidence"
    ID_UNKNOWN = "id-unknown"
    ROW_REASSIGNED = "row-reassigned"
    FIELD_UNKNOWN = "field-unknown"
    # answering an upper office's template from this master (zhenggai answer)
    ANSWER_UNMATCHED = "answer-unmatched"
    ANSWER_AMBIGUOUS = "answer-ambiguous"
    ANSWER_NOT_IN_TEMPLATE = "answer-not-in-template"
    ANSWER_STATUS_UNDECIDED = "answer-status-undecided"
    # study-activity exports (学习积分, zhenggai study)
    STUDY_NO_NAME_COLUMN = "study-no-name-column"
    STUDY_NO_UNIT_COLUMN = "study-no-unit-column"
    STUDY_NO_POINTS_COLUMN = "study-no-points-column"
    STUDY_NAME_MISSING = "study-name-missing"
    STUDY_UNIT_MISSING = "study-unit-missing"
    STUDY_POINTS_INVALID = "study-points-invalid"
    STUDY_DUPLICATE = "study-duplicate"
    STUDY_MERGED_CELLS = "study-merged-cells"
    STUDY_PERIOD_MISMATCH = "study-period-mismatch"
    STUDY_HISTORY_INVALID = "study-history-invalid"
    # the report draft (zhenggai report)
    REPORT_SETTING_MISSING = "report-setting-missing"
    SETTING_PLACEHOLDER = "setting-placeholder"
    # closing (销号) and follow-up review (回头看): the overdue area
    CLOSING_NOT_DONE = "closing-not-done"
    CLOSING_NO_DONE_DATE = "closing-no-done-date"
    CLOSING_NO_EVIDENCE = "closing-no-evidence"
    CLOSING_NO_REVIEWER = "closing-no-reviewer"
    REVIEW_RELAPSE_INVALID = "review-relapse-invalid"
    # mail (zhenggai mail): addresses, attachments, sending
    MAIL_NO_ADDRESS = "mail-no-address"
    MAIL_BAD_ADDRESS = "mail-bad-address"
    MAIL_NO_ATTACHMENT = "mail-no-attachment"
    MAIL_REFUSED = "mail-refused"
    # collecting mail (zhenggai collect): who sent it, which batch, what it carried
    MAIL_UNKNOWN_SENDER = "mail-unknown-sender"
    MAIL_SHARED_ADDRESS = "mail-shared-address"
    MAIL_NO_BATCH = "mail-no-batch"
    MAIL_TOO_LARGE = "mail-too-large"
    ATTACHMENT_REFUSED = "attachment-refused"
    # hostile and odd returned files (issue 10, tests/hostile)
    FILE_UNSAFE = "file-unsafe"
    FILE_UNREADABLE = "file-unreadable"
    CELL_UNREADABLE = "cell-unreadable"
    SAVE_TIME_INVALID = "save-time-invalid"
    LEGACY_OTHER_UNIT = "legacy-other-unit"
    BATCH_OUTDATED = "batch-outdated"
    # issuing templates, rounds of returns (issue 15)
    RETURN_DEADLINE_PASSED = "return-deadline-passed"

    @property
    def is_notice(self) -> bool:
        """Reported to the unit, but the value is still used (a formula kept as text …)."""
        return self in _NOTICES


_NOTICES = frozenset(
    {
        Code.MACROS_IGNORED,
        Code.FORMULA_AS_TEXT,
        Code.HEADER_MOVED,
        Code.FIELD_UNKNOWN,
        Code.LEGACY_RETURN,
        Code.BATCH_OUTDATED,
        Code.SETTING_PLACEHOLDER,
        Code.ANSWER_NOT_IN_TEMPLATE,
        Code.SAVE_TIME_INVALID,
    }
)


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong, where the user can find it.

    Attributes:
        code: stable machine code.
        message: Chinese sentence saying what is wrong and what to do.
        file: file name (not the full path) or "" when not about a file.
        sheet: sheet name, or "".
        cell: Excel address such as "H7" (1-based, like Excel), a row "7:7", or "".
        value: the raw value as found, shown as text (shortened when huge).
    """

    code: Code
    message: str
    file: str = ""
    sheet: str = ""
    cell: str = ""
    value: str = ""

    @classmethod
    def at(
        cls,
        code: Code,
        message: str,
        *,
        row0: int,
        col0: int,
        sheet: str = "",
        file: str = "",
        value: Any = None,
    ) -> Problem:
        """A problem in the cell at 0-based grid indexes *row0*, *col0* (shown as "H7")."""
        return cls(code, message, file, sheet, cell_name(row0 + 1, col0 + 1), show_value(value))

    def located(
        self, *, file: str | None = None, sheet: str | None = None, cell: str = ""
    ) -> Problem:
        """This problem placed in a file, sheet and cell (what is not given is kept)."""
        return replace(
            self,
            file=self.file if file is None else file,
            sheet=self.sheet if sheet is None else sheet,
            cell=cell or self.cell,
        )

    def as_tuple(self) -> tuple[str, str, str]:
        """``(sheet, cell, code)``: the flat form tests assert on."""
        return (self.sheet, self.cell, str(self.code))

    @property
    def where(self) -> str:
        """ "台账!H7" style location, or the file name alone."""
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet or self.file

    def to_dict(self) -> dict[str, str]:
        return {
            "code": str(self.code),
            "file": self.file,
            "sheet": self.sheet,
            "cell": self.cell,
            "message": self.message,
            "value": self.value,
        }


def column_letter(col: int) -> str:
    """1 -> "A", 28 -> "AB" (1-based, like Excel)."""
    if col < 1:
        raise ValueError(f"column must be >= 1, got {col}")
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_name(row: int, col: int) -> str:
    """1-based row and column -> "H7"."""
    return f"{column_letter(col)}{row}"


def show_value(value: Any) -> str:
    """A raw value as text for a message, shortened when huge."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        text = value.isoformat(sep=" ")
    elif isinstance(value, date):
        text = value.isoformat()
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    else:
        text = str(value)
    if len(text) > _MAX_SHOWN:
        return f"{text[:_MAX_SHOWN]}…（共{len(text)}字）"
    return text
