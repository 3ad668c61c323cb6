"""zhenggai (整改): run an inspection's rectification ledger (整改台账).

The public API is what ``__all__`` lists; everything else is private and may
change. Commands raise :class:`ZhenggaiError` subclasses when they cannot run
and report data problems as :class:`Problem` values.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .bulletin import BulletinResult, draft_bulletin
from .changes import CellEdit, ChangeSet, ChartSpec, ColumnAdd, Fill, SheetTable
from .closing import check_closing
from .consolidate import (
    ConsolidateResult,
    FileResult,
    Verdict,
    check_file,
    consolidate,
    consolidate_folder,
)
from .create import create_master
from .deadline import Deadline, DeadlineKind, parse_deadline
from .document import Document, Para, ParaKind
from .errors import (
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
from .feedback import write_feedback
from .gongwen import write_docx
from .importer import ImportResult, SheetSource, blank_ledger, plan_import, read_sources
from .ledger import Ledger, Unit, load_ledger, read_ledger
from .mail import MailKind, MailResult, deliver, plan_mail, run_mail, write_eml
from .master import OpenpyxlMaster, SaveResult
from .measures import Category, Measure, MeasureStats, group_ledger, measure_stats
from .overdue import OverdueResult, flag_overdue
from .problems import Code, Problem, Report
from .read import GridSource, Row, Table, find_header, open_book, read_table
from .report import ReportResult, draft_report
from .review import ReviewResult, follow_up_review, review_counts
from .settings import Settings, read_settings
from .smtp import SmtpConfig
from .spec import Field, FieldType, Spec, default_spec, read_spec
from .stats import UnitStats
from .study import StudyResult, plan_study
from .study_export import StudyExport, StudyRecord, read_export, read_export_file
from .study_history import Period, parse_period
from .study_notice import StudyReminder, study_paragraph, study_reminders
from .study_stats import PersonStat, UnitStat
from .templates import IssuedTemplate, TemplatesResult, make_templates
from .tiers import ItemTier, Tier
from .undo import UndoResult, undo_last
from .workdays import WorkCalendar

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
    "Report",
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
