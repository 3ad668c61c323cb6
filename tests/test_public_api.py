"""The public face: a small, sorted ``__all__`` whose every name loads, lazily."""

from __future__ import annotations

import subprocess
import sys
from importlib.resources import files

import zhenggai

HEAVY = ("pandas", "docx", "jinja2", "pydantic", "openpyxl", "python_calamine")


def test_all_is_small_sorted_and_every_name_loads():
    assert len(zhenggai.__all__) <= 40
    assert sorted(zhenggai.__all__) == list(zhenggai.__all__)
    for name in zhenggai.__all__:
        assert getattr(zhenggai, name) is not None, name
    assert set(zhenggai.__all__) <= set(dir(zhenggai))


def test_an_unknown_name_is_an_attribute_error():
    import pytest

    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        zhenggai.nope  # noqa: B018


def test_every_workflow_of_the_cli_has_its_function_and_result():
    functions = {
        "create_master", "make_templates", "run_mail", "check_file", "consolidate_folder",
        "undo_last", "flag_overdue", "follow_up_review", "draft_bulletin", "draft_report",
        "plan_import", "plan_study",
    }  # fmt: skip
    assert functions <= set(zhenggai.__all__)
    assert {n for n in zhenggai.__all__ if n.endswith("Result")} >= {
        "TemplatesResult", "MailResult", "ConsolidateResult", "UndoResult", "OverdueResult",
        "ReviewResult", "BulletinResult", "ReportResult", "ImportResult", "StudyResult",
    }  # fmt: skip


def test_importing_the_package_loads_no_heavy_library():
    code = f"import sys, zhenggai; print([m for m in {HEAVY!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_package_is_typed():
    assert files("zhenggai").joinpath("py.typed").is_file()
