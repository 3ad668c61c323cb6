"""zhenggai (整改): run an inspection's rectification ledger (整改台账).

The public API is what ``__all__`` lists: one function per workflow (the
CLI's commands), their result types, :class:`Problem` and :class:`Code`,
and the exception tree under :class:`ZhenggaiError`. Everything else lives in
the subpackages (``zhenggai.core``, ``zhenggai.io``, ``zhenggai.returns`` …)
and may change.

Names load on first use, so ``import zhenggai`` (and the add-in's button
dispatcher, which imports a subpackage) pays only for what it touches.

Example:
    >>> import zhenggai
    >>> zhenggai.Code.STATUS_INVALID.is_notice
    False
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from .core.errors import (
        EmptyLedgerError,
        MailError,
        MasterBusyError,
        NotAMasterError,
        SettingsError,
        SpecError,
        TemplateError,
        UsageError,
        WorkbookError,
        ZhenggaiError,
    )
    from .core.ledger import Ledger
    from .core.problems import Code, Problem
    from .documents.bulletin import BulletinResult, draft_bulletin
    from .documents.gongwen import write_docx
    from .documents.report import ReportResult, draft_report
    from .importing.run import ImportResult, plan_import
    from .io.create import create_master
    from .io.master import read_ledger, update_master
    from .mail.run import MailResult, run_mail
    from .overdue.review import ReviewResult, follow_up_review
    from .overdue.run import OverdueResult, flag_overdue
    from .returns.consolidate import check_file, consolidate_folder
    from .returns.feedback import write_feedback
    from .returns.result import ConsolidateResult
    from .returns.undo import UndoResult, undo_last
    from .study.run import StudyResult, plan_study
    from .template.make import TemplatesResult, make_templates

__all__ = [
    "BulletinResult",
    "Code",
    "ConsolidateResult",
    "EmptyLedgerError",
    "ImportResult",
    "Ledger",
    "MailError",
    "MailResult",
    "MasterBusyError",
    "NotAMasterError",
    "OverdueResult",
    "Problem",
    "ReportResult",
    "ReviewResult",
    "SettingsError",
    "SpecError",
    "StudyResult",
    "TemplateError",
    "TemplatesResult",
    "UndoResult",
    "UsageError",
    "WorkbookError",
    "ZhenggaiError",
    "__version__",
    "check_file",
    "consolidate_folder",
    "create_master",
    "draft_bulletin",
    "draft_report",
    "flag_overdue",
    "follow_up_review",
    "make_templates",
    "plan_import",
    "plan_study",
    "read_ledger",
    "run_mail",
    "undo_last",
    "update_master",
    "write_docx",
    "write_feedback",
]

_WHERE: dict[str, str] = {
    "BulletinResult": "documents.bulletin",
    "Code": "core.problems",
    "ConsolidateResult": "returns.result",
    "EmptyLedgerError": "core.errors",
    "ImportResult": "importing.run",
    "Ledger": "core.ledger",
    "MailError": "core.errors",
    "MailResult": "mail.run",
    "MasterBusyError": "core.errors",
    "NotAMasterError": "core.errors",
    "OverdueResult": "overdue.run",
    "Problem": "core.problems",
    "ReportResult": "documents.report",
    "ReviewResult": "overdue.review",
    "SettingsError": "core.errors",
    "SpecError": "core.errors",
    "StudyResult": "study.run",
    "TemplateError": "core.errors",
    "TemplatesResult": "template.make",
    "UndoResult": "returns.undo",
    "UsageError": "core.errors",
    "WorkbookError": "core.errors",
    "ZhenggaiError": "core.errors",
    "check_file": "returns.consolidate",
    "consolidate_folder": "returns.consolidate",
    "create_master": "io.create",
    "draft_bulletin": "documents.bulletin",
    "draft_report": "documents.report",
    "flag_overdue": "overdue.run",
    "follow_up_review": "overdue.review",
    "make_templates": "template.make",
    "plan_import": "importing.run",
    "plan_study": "study.run",
    "read_ledger": "io.master",
    "run_mail": "mail.run",
    "undo_last": "returns.undo",
    "update_master": "io.master",
    "write_docx": "documents.gongwen",
    "write_feedback": "returns.feedback",
}


def __getattr__(name: str) -> Any:
    """Load a public name from its module on first use (PEP 562)."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'zhenggai' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
