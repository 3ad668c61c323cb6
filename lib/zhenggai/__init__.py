"""zhenggai (整改): run an inspection's rectification ledger (整改台账).

The public API is what ``__all__`` lists; everything else is private and may
change. Commands raise :class:`ZhenggaiError` subclasses when they cannot run
and report data problems as :class:`Problem` values.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .changes import CellEdit, ChangeSet, ChartSpec, Fill, SheetTable
from .create import create_master
from .document import Document, Para, ParaKind
from .errors import (
    EmptyLedgerError,
    MasterBusyError,
    NotAMasterError,
    SettingsError,
    SpecError,
    TemplateError,
    UsageError,
    WorkbookError,
    ZhenggaiError,
)
from .gongwen import write_docx
from .ledger import Ledger, Unit, load_ledger, read_ledger
from .master import OpenpyxlMaster, SaveResult
from .measures import Category, Measure, MeasureStats, group_ledger, measure_stats
from .problems import Code, Problem, Report
from .read import GridSource, Row, Table, find_header, open_book, read_table
from .report import ReportResult, draft_report
from .settings import Settings, read_settings
from .spec import Field, FieldType, Spec, default_spec, read_spec
from .study import StudyResult, plan_study
from .study_export import StudyExport, StudyRecord, read_export, read_export_file
from .study_history import Period, parse_period
from .study_notice import StudyReminder, study_paragraph, study_reminders
from .study_stats import PersonStat, UnitStat
from .templates import IssuedTemplate, TemplatesResult, make_templates

__all__ = [
    "Category",
    "CellEdit",
    "ChangeSet",
    "ChartSpec",
    "Code",
    "Document",
    "EmptyLedgerError",
    "Field",
    "FieldType",
    "Fill",
    "GridSource",
    "IssuedTemplate",
    "Ledger",
    "MasterBusyError",
    "Measure",
    "MeasureStats",
    "NotAMasterError",
    "OpenpyxlMaster",
    "Para",
    "ParaKind",
    "Period",
    "PersonStat",
    "Problem",
    "Report",
    "ReportResult",
    "Row",
    "SaveResult",
    "Settings",
    "SettingsError",
    "SheetTable",
    "Spec",
    "SpecError",
    "StudyExport",
    "StudyRecord",
    "StudyReminder",
    "StudyResult",
    "Table",
    "TemplateError",
    "TemplatesResult",
    "Unit",
    "UnitStat",
    "UsageError",
    "WorkbookError",
    "ZhenggaiError",
    "__version__",
    "create_master",
    "default_spec",
    "draft_report",
    "find_header",
    "group_ledger",
    "load_ledger",
    "make_templates",
    "measure_stats",
    "open_book",
    "parse_period",
    "plan_study",
    "read_export",
    "read_export_file",
    "read_ledger",
    "read_settings",
    "read_spec",
    "read_table",
    "study_paragraph",
    "study_reminders",
    "write_docx",
]
