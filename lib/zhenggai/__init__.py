"""zhenggai (整改): run an inspection's rectification ledger (整改台账).

The public API is what ``__all__`` lists; everything else is private and may
change. Commands raise :class:`ZhenggaiError` subclasses when they cannot run
and report data problems as :class:`Problem` values.
"""

from __future__ import annotations

from ._version import __version__
from .core.changes import CellEdit, ChangeSet, ChartSpec, ColumnAdd, Fill, SheetTable
from .core.closing import check_closing
from .core.deadline import Deadline, DeadlineKind, parse_deadline
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
from .core.grid import GridSource, Row, Table, find_header, read_table
from .core.ledger import Ledger, Unit, load_ledger
from .core.problems import Code, Problem
from .core.settings import Settings, read_settings
from .core.spec import Field, FieldType, Spec, default_spec
from .core.spec_sheet import read_spec
from .core.workdays import WorkCalendar
from .documents.bulletin import BulletinResult, draft_bulletin
from .documents.document import Document, Para, ParaKind
from .documents.gongwen import write_docx
from .documents.measures import Category, Measure, MeasureStats, group_ledger, measure_stats
from .documents.report import ReportResult, draft_report
from .importing.run import ImportResult, SheetSource, blank_ledger, plan_import, read_sources
from .io.calamine import open_book
from .io.create import create_master
from .io.master import OpenpyxlMaster, SaveResult, read_ledger
from .mail.run import MailKind, MailResult, deliver, plan_mail, run_mail, write_eml
from .mail.smtp import SmtpConfig
from .overdue.review import ReviewResult, follow_up_review, review_counts
from .overdue.run import OverdueResult, flag_overdue
from .overdue.stats import UnitStats
from .overdue.tiers import ItemTier, Tier
from .returns.consolidate import (
    ConsolidateResult,
    FileResult,
    Verdict,
    check_file,
    consolidate,
    consolidate_folder,
)
from .returns.feedback import write_feedback
from .returns.undo import UndoResult, undo_last
from .study.export import StudyExport, StudyRecord, read_export, read_export_file
from .study.history import Period, parse_period
from .study.notice import StudyReminder, study_paragraph, study_reminders
from .study.run import StudyResult, plan_study
from .study.stats import PersonStat, UnitStat
from .template.make import IssuedTemplate, TemplatesResult, make_templates

__all__ = [
    "BulletinResult",
    "Category",
    "CellEdit",
    "ChangeSet",
    "ChartSpec",
    "Code",
    "ColumnAdd",
    "ConsolidateResult",
    "Deadline",
    "DeadlineKind",
    "Document",
    "EmptyLedgerError",
    "Field",
    "FieldType",
    "FileResult",
    "Fill",
    "GridSource",
    "ImportResult",
    "IssuedTemplate",
    "ItemTier",
    "Ledger",
    "MailError",
    "MailKind",
    "MailResult",
    "MasterBusyError",
    "Measure",
    "MeasureStats",
    "NotAMasterError",
    "OpenpyxlMaster",
    "OverdueResult",
    "Para",
    "ParaKind",
    "Period",
    "PersonStat",
    "Problem",
    "ReportResult",
    "ReviewResult",
    "Row",
    "SaveResult",
    "Settings",
    "SettingsError",
    "SheetSource",
    "SheetTable",
    "SmtpConfig",
    "Spec",
    "SpecError",
    "StudyExport",
    "StudyRecord",
    "StudyReminder",
    "StudyResult",
    "Table",
    "TemplateError",
    "TemplatesResult",
    "Tier",
    "UndoResult",
    "Unit",
    "UnitStat",
    "UnitStats",
    "UsageError",
    "Verdict",
    "WorkCalendar",
    "WorkbookError",
    "ZhenggaiError",
    "__version__",
    "blank_ledger",
    "check_closing",
    "check_file",
    "consolidate",
    "consolidate_folder",
    "create_master",
    "default_spec",
    "deliver",
    "draft_bulletin",
    "draft_report",
    "find_header",
    "flag_overdue",
    "follow_up_review",
    "group_ledger",
    "load_ledger",
    "make_templates",
    "measure_stats",
    "open_book",
    "parse_deadline",
    "parse_period",
    "plan_import",
    "plan_mail",
    "plan_study",
    "read_export",
    "read_export_file",
    "read_ledger",
    "read_settings",
    "read_sources",
    "read_spec",
    "read_table",
    "review_counts",
    "run_mail",
    "study_paragraph",
    "study_reminders",
    "undo_last",
    "write_docx",
    "write_eml",
    "write_feedback",
]
