"""zhenggai (整改): run an inspection's rectification ledger (整改台账).

The public API is what ``__all__`` lists; everything else is private and may
change. Commands raise :class:`ZhenggaiError` subclasses when they cannot run
and report data problems as :class:`Problem` values.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .changes import CellEdit, ChangeSet, ChartSpec, Fill, SheetTable
from .consolidate import (
    ConsolidateResult,
    FileResult,
    Verdict,
    check_file,
    consolidate,
    consolidate_folder,
)
from .create import create_master
from .errors import (
    MasterBusyError,
    NotAMasterError,
    SettingsError,
    SpecError,
    UsageError,
    WorkbookError,
    ZhenggaiError,
)
from .feedback import write_feedback
from .ledger import Ledger, Unit, load_ledger, read_ledger
from .master import OpenpyxlMaster, SaveResult
from .problems import Code, Problem, Report
from .read import GridSource, Row, Table, find_header, open_book, read_table
from .settings import Settings, read_settings
from .spec import Field, FieldType, Spec, default_spec, read_spec
from .templates import IssuedTemplate, TemplatesResult, make_templates
from .undo import UndoResult, undo_last

__all__ = [
    "CellEdit",
    "ChangeSet",
    "ChartSpec",
    "Code",
    "ConsolidateResult",
    "Field",
    "FieldType",
    "FileResult",
    "Fill",
    "GridSource",
    "IssuedTemplate",
    "Ledger",
    "MasterBusyError",
    "NotAMasterError",
    "OpenpyxlMaster",
    "Problem",
    "Report",
    "Row",
    "SaveResult",
    "Settings",
    "SettingsError",
    "SheetTable",
    "Spec",
    "SpecError",
    "Table",
    "TemplatesResult",
    "UndoResult",
    "Unit",
    "UsageError",
    "Verdict",
    "WorkbookError",
    "ZhenggaiError",
    "__version__",
    "check_file",
    "consolidate",
    "consolidate_folder",
    "create_master",
    "default_spec",
    "find_header",
    "load_ledger",
    "make_templates",
    "open_book",
    "read_ledger",
    "read_settings",
    "read_spec",
    "read_table",
    "undo_last",
    "write_feedback",
]
