"""Shared fixtures: xlwings' real template and an add-in built from it."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from xl_addin.build import build_addin, template_path


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
