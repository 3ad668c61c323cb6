"""The target's markers decide which wheels a bundle needs, not the building machine's."""

from __future__ import annotations

import zipfile
from pathlib import Path

from packaging.requirements import Requirement

from tools.bundle import LINUX, WINDOWS, extras, project
from tools.wheelset import resolve


def wheel(pool: Path, name: str, version: str, tag: str, *requires: str) -> Path:
    """A minimal real wheel file: a METADATA with Requires-Dist lines."""
    path = pool / f"{name}-{version}-{tag}.whl"
    meta = "\n".join(
        ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
        + [f"Requires-Dist: {r}" for r in requires]
    )
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(f"{name}-{version}.dist-info/METADATA", meta + "\n")
    return path


def test_markers_are_judged_for_the_target(tmp_path):
    wheel(
        tmp_path,
        "app",
        "1.0",
        "py3-none-any",
        "addin==2.0",
        "keys>=1",
        "frames>=2; extra == 'frames'",
    )
    wheel(
        tmp_path,
        "addin",
        "2.0",
        "cp312-cp312-win_amd64",
        'winapi>=224; platform_system == "Windows"',
    )
    wheel(tmp_path, "addin", "2.0", "cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64")
    wheel(
        tmp_path,
        "keys",
        "1.5",
        "py3-none-any",
        'winctypes; sys_platform == "win32"',
        'dbus>=0.4; sys_platform == "linux"',
        'oldback; python_version < "3.12"',
    )
    wheel(tmp_path, "dbus", "0.9", "py3-none-any")
    wheel(tmp_path, "frames", "2.1", "cp312-cp312-manylinux_2_28_x86_64")
    wheel(tmp_path, "frames", "2.1", "cp312-cp312-win_amd64")
    wheel(tmp_path, "frames", "1.9", "cp312-cp312-win_amd64")

    root = Requirement("app[frames]==1.0")
    on_windows = resolve(tmp_path, root, WINDOWS, (3, 12))
    assert sorted(str(r) for r in on_windows.missing) == [
        'winapi>=224; platform_system == "Windows"',
        'winctypes; sys_platform == "win32"',
    ]
    assert sorted(on_windows.chosen) == ["addin", "app", "frames", "keys"]
    assert on_windows.chosen["addin"].path.name.endswith("win_amd64.whl")
    assert str(on_windows.chosen["frames"].version) == "2.1"

    on_linux = resolve(tmp_path, root, LINUX, (3, 12))
    assert on_linux.missing == []
    assert sorted(on_linux.chosen) == ["addin", "app", "dbus", "frames", "keys"]

    older = resolve(tmp_path, Requirement("app==1.0"), LINUX, (3, 11))
    assert {str(r.name) for r in older.missing} == {"addin", "oldback"}  # no cp311 wheel either
    assert "frames" not in older.chosen  # the extra was not asked for


def test_every_extra_but_dev_goes_into_the_bundle():
    declared = set(project()["optional-dependencies"])
    assert "dev" in declared
    assert extras() == sorted(declared - {"dev"})
