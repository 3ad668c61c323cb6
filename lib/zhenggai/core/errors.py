"""Exceptions raised when a command cannot run at all.

Problems found *in* the data (a bad cell, a tampered template) are never
raised: checks yield :class:`zhenggai.core.problems.Problem` values instead. An
exception means the tool could not do its job, and its message is the one
Chinese sentence the user sees::

    ZhenggaiError
    ├── SpecError            the 字段 sheet is unusable
    ├── SettingsError        a 设置 value is unusable
    ├── WorkbookError        a file is missing, unreadable or not a workbook
    │   └── NotAMasterError  a workbook lacks the master's sheets
    ├── MasterBusyError      the master is open in Excel/WPS or locked by another run
    ├── OutputError          a file written beside the master cannot be written
    ├── PartlyDoneError      the command changed something, then could not finish
    ├── SaveError            the master (or its backup) cannot be written: the master is unchanged
    ├── MailError            the mail server cannot be reached or refuses the login
    ├── UsageError           the command's arguments do not fit together
    ├── EmptyLedgerError     the ledger has no items to count or report on
    └── TemplateError        a wording template cannot be read or rendered
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from .problems import Code, Problem

__all__ = [
    "EmptyLedgerError",
    "MailError",
    "MasterBusyError",
    "NotAMasterError",
    "OutputError",
    "PartlyDoneError",
    "SaveError",
    "SettingsError",
    "SpecError",
    "TemplateError",
    "UsageError",
    "WorkbookError",
    "ZhenggaiError",
    "after",
]


class ZhenggaiError(Exception):
    """Base class: the command could not run; ``str(exc)`` is for the user."""

    exit_code = 2

    def __init__(self, message: str, *, problems: Sequence[Problem] = ()) -> None:
        super().__init__(message)
        self.problems: tuple[Problem, ...] = tuple(problems)


class SpecError(ZhenggaiError):
    """The field spec (sheet 字段) is invalid."""


class SettingsError(ZhenggaiError):
    """A value in sheet 设置 cannot be used."""


class WorkbookError(ZhenggaiError):
    """A workbook cannot be found, opened or read.

    It carries the :class:`~zhenggai.core.problems.Problem` it amounts to:
    ``code`` says why, so a consolidation can record it as that file's
    problem and go on with the others; ``sheet`` and ``cell`` say where,
    when one cell is the reason (a stray value in XFD1048576).
    """

    def __init__(
        self, message: str, *, code: Code | None = None, sheet: str = "", cell: str = ""
    ) -> None:
        super().__init__(message)
        self.code = code
        self.sheet = sheet
        self.cell = cell

    def problem(self, *, file: str = "", default: Code | None = None) -> Problem:
        """This error as a problem of *file* (*default* when it has no code of its own)."""
        code = self.code or default or Code.FILE_CORRUPT
        return Problem(code, str(self), file=file, sheet=self.sheet, cell=self.cell)


class NotAMasterError(WorkbookError):
    """The workbook is not a master ledger made by ``zhenggai init``."""


class MasterBusyError(ZhenggaiError):
    """The master is held by Excel, WPS, LibreOffice or another zhenggai run."""


class OutputError(ZhenggaiError):
    """A file written beside the master (template, problem list, Word file, mail draft) cannot be written.

    The message names the file and why ("正被 张三 在 Excel/WPS 中打开",
    "没有写入权限", "磁盘空间不足"); ``path`` is the file.
    """

    def __init__(self, message: str, *, path: Path | None = None) -> None:
        super().__init__(message)
        self.path = path


class PartlyDoneError(ZhenggaiError):
    """The command changed something and then could not finish.

    The message says both: what has already changed (the ledger was updated,
    N templates were written) and what did not happen, in one sentence, so the
    user neither repeats the finished part blindly nor believes the rest done.
    Raised through :func:`after`.
    """


@contextmanager
def after(done: str) -> Iterator[None]:
    """Run the rest of a command once *done* has happened: a failure there says so.

    A :class:`ZhenggaiError` (an :class:`OutputError`, most often) or an
    ``OSError`` raised in the block becomes a :class:`PartlyDoneError` whose
    message starts with *done*.

    Example:
        >>> with after("台账已更新（修改 3 处）"):
        ...     raise OutputError("“反馈/人事科-问题清单.xlsx”未能写出：磁盘空间不足。")
        Traceback (most recent call last):
        zhenggai.core.errors.PartlyDoneError: 台账已更新（修改 3 处）；但“反馈/人事科-问题清单.xlsx”未能写出：磁盘空间不足。
    """
    try:
        yield
    except PartlyDoneError:
        raise
    except ZhenggaiError as exc:
        raise PartlyDoneError(f"{done}；但{exc}", problems=exc.problems) from exc
    except OSError as exc:
        raise PartlyDoneError(f"{done}；但后续步骤失败：{exc.strerror or exc}。") from exc


class SaveError(ZhenggaiError):
    """The master, its lock or its backup cannot be written (disk full, read-only, another
    user's file …), or the master may not be replaced; nothing has changed.

    The message says why and that the master is unchanged ("台账未改动").
    """


class MailError(ZhenggaiError):
    """The SMTP server cannot be reached, refuses TLS or the login, or needs a password."""


class UsageError(ZhenggaiError):
    """The arguments given do not fit together."""


class EmptyLedgerError(ZhenggaiError):
    """The ledger holds no items, so there is nothing to count or draft."""


class TemplateError(ZhenggaiError):
    """A wording template (report, bulletin) is missing, malformed or uses unknown variables."""
