"""zhenggai (整改): run an inspection's rectification ledger (整改台账).

The public API is what ``__all__`` lists; everything else is private and may
change. Commands raise :class:`ZhenggaiError` subclasses when they cannot run
and report data problems as :class:`Problem` values.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .changes import CellEdit, ChangeSet, ChartSpec, ColumnAdd, Fill, SheetTable
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
from .importer import ImportResult, SheetSource, blank_ledger, plan_import, read_sources
from .ledger import Ledger, Unit, load_ledger, read_ledger
from .master import OpenpyxlMaster, SaveResult
from .measures import Category, Measure, MeasureStats, group_ledger, measure_stats
from .problems import Code, Problem, Report
from .read import GridSource, Row, Table, find_header, open_book, read_table
from .report import ReportResult, draft_report
from .settings import Settings, read_settings
from .spec import Field, FieldType, Spec, default_spec, read_spec
from .templates import IssuedTemplate, TemplatesResult, make_templates

__all__ = [
    "Category",
    "CellEdit",
    "ChangeSet",
    "ChartSpec",
    "Code",
    "ColumnAdd",
    "Document",
    "EmptyLedgerError",
    "Field",
    "FieldType",
    "Fill",
    "GridSource",
    "ImportResult",
    "IssuedTemplate",
    "Ledger",
    "MasterBusyError",
    "Measure",
    "MeasureStats",
    "NotAMasterError",
    "OpenpyxlMaster",
    "Para",
    "ParaKind",
    "Problem",
    "Report",
    "ReportResult",
    "Row",
    "SaveResult",
    "Settings",
    "SettingsError",
    "SheetSource",
    "SheetTable",
    "Spec",
    "SpecError",
    "Table",
    "TemplateError",
    "TemplatesResult",
    "Unit",
    "UsageError",
    "WorkbookError",
    "ZhenggaiError",
    "__version__",
    "blank_ledger",
    "create_master",
    "default_spec",
    "draft_report",
    "find_header",
    "group_ledger",
    "load_ledger",
    "make_templates",
    "measure_stats",
    "open_book",
    "plan_import",
    "read_ledger",
    "read_settings",
    "read_sources",
    "read_spec",
    "read_table",
    "write_docx",
]
