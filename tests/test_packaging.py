"""The package's metadata: licence, classifiers, one version, the catalogue in the build."""

from __future__ import annotations

import tomllib
from pathlib import Path

from trove_classifiers import classifiers as KNOWN

import zhenggai

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def test_licence_file_is_the_mit_licence_pyproject_names():
    assert PROJECT["license"] == "MIT" and PROJECT["license-files"] == ["LICENSE"]
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License") and "WITHOUT WARRANTY OF ANY KIND" in text


def test_classifiers_exist_and_match_the_python_versions():
    assert set(PROJECT["classifiers"]) <= KNOWN, set(PROJECT["classifiers"]) - KNOWN
    versions = {
        c.rsplit(" ", 1)[-1]
        for c in PROJECT["classifiers"]
        if c.count("::") == 2 and "Python :: 3." in c
    }
    assert versions == {"3.11", "3.12", "3.13"}
    assert PROJECT["requires-python"] == ">=3.11"


def test_the_version_lives_in_one_place():
    assert "version" in PROJECT["dynamic"] and "version" not in PROJECT
    hits = [
        p.relative_to(ROOT)
        for p in (ROOT / "lib").rglob("*.py")
        if zhenggai.__version__ in p.read_text(encoding="utf-8")
    ]
    assert hits == [Path("lib/zhenggai/_version.py")]


def test_the_sdist_carries_what_the_build_step_needs():
    manifest = (ROOT / "MANIFEST.in").read_text(encoding="utf-8")
    for needed in ("tools/msgfmt.py", "setup.py", "LICENSE", "CHANGELOG.md", "*.po"):
        assert needed in manifest
    assert (ROOT / "CHANGELOG.md").is_file()
