"""zhenggai (整改): run an inspection's rectification ledger (整改台账).

The public API is what ``__all__`` lists; everything else is private and may
change. Commands raise :class:`ZhenggaiError` subclasses when they cannot run
and report data problems as :class:`Problem` values.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .changes import CellEdit, ChangeSet, ChartSpec, Fill, SheetTable
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
from .ledger import Ledger, Unit, load_ledger, read_ledger
from .master import OpenpyxlMaster, SaveResult
from .problems import Code, Problem, Report
from .read import GridSource, Row, Table, find_header, open_book, read_table
from .settings import Settings, read_settings
from .spec import Field, FieldType, Spec, default_spec, read_spec
from .templates import IssuedTemplate, TemplatesResult, make_templates

__all__ = [
    "CellEdit",
    "ChangeSet",
    "ChartSpec",
    "Code",
    "Field",
    "FieldType",
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
    "Unit",
    "UsageError",
    "WorkbookError",
    "ZhenggaiError",
    "__version__",
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
]
