"""Shared fixtures: xlwings' real template, an add-in built from it, real xlwings Books."""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import xlwings

from tests.xl_addin.payload import payload
from xl_addin.build.xlam import build_addin, template_path
from zhenggai.demo.ledger import create_demo_master


def pytest_configure(config: pytest.Config) -> None:
    # Also registered in pyproject.toml; repeated so this folder runs on its own.
    config.addinivalue_line("markers", "libreoffice: needs LibreOffice (soffice) on PATH")


@pytest.fixture(scope="session")
def template_vba() -> bytes:
    """``xl/vbaProject.bin`` of xlwings' ribbon add-in template, as Office saved it."""
    with zipfile.ZipFile(template_path()) as z:
        return z.read("xl/vbaProject.bin")


@pytest.fixture(scope="session")
def built_addin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The add-in built once with default settings."""
    return build_addin(tmp_path_factory.mktemp("addin"))


@pytest.fixture
def open_book(monkeypatch: pytest.MonkeyPatch) -> Callable[..., xlwings.Book]:
    """``open_book(path, **payload_options)`` -> a real xlwings Book of the workbook at *path*.

    The JSON engine knows only the file's name, so the current folder becomes the
    file's folder, as it is for the handlers in Excel.
    """
    if not xlwings.__pro__:
        pytest.fail("xlwings was imported before XLWINGS_LICENSE_KEY was set: no JSON engine")

    def make(path: Path, **options: object) -> xlwings.Book:
        monkeypatch.chdir(path.parent)
        return xlwings.Book(json=payload(path, **options))

    return make


@pytest.fixture(scope="session")
def _demo_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return create_demo_master(tmp_path_factory.mktemp("demo") / "台账.xlsx")


@pytest.fixture
def demo_master(_demo_once: Path, tmp_path: Path) -> Path:
    """A fresh copy of the demo master (built once per session: these tests need many)."""
    return Path(shutil.copy2(_demo_once, tmp_path / _demo_once.name))
