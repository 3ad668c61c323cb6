"""Offline bundles: the zhenggai wheel and every dependency's wheel, with an installer.

``make bundle`` runs ``python -m tools.bundle``, which writes

- ``dist/zhenggai-<version>-windows-x64-offline.zip``: wheels for CPython 3.11,
  3.12 and 3.13 on 64-bit Windows and ``install.cmd``;
- ``dist/zhenggai-<version>-linux-x86_64-offline.zip``: wheels for the same
  Pythons on x86_64 Linux with glibc 2.28 or newer, and ``install.sh``.

Every optional extra declared in pyproject.toml except ``dev`` is included and
installed. Wheels come from ``pip download --only-binary=:all: --platform …
--python-version …``; since pip evaluates dependency markers for the machine it
runs on, :mod:`tools.wheelset` walks the requirements again with the target's
markers, downloads what is missing and keeps only the wheels the walk chose.
Building needs the package index; installing needs nothing but the bundle.

    python -m tools.bundle                         # both bundles, all three Pythons
    python -m tools.bundle --target linux --python current
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import Requirement

from .wheelset import Platform, Wheel, resolve

ROOT = Path(__file__).resolve().parents[1]
FILES = Path(__file__).resolve().parent / "bundle_files"
PYTHONS = ((3, 11), (3, 12), (3, 13))
MAX_ROUNDS = 5

WINDOWS = Platform(
    "windows-x64",
    ("win_amd64",),
    (
        ("os_name", "nt"),
        ("sys_platform", "win32"),
        ("platform_system", "Windows"),
        ("platform_machine", "AMD64"),
    ),
)
# glibc 2.28 and older wheels: Debian 10, RHEL 8 and the 信创 systems built on them.
LINUX = Platform(
    "linux-x86_64",
    (
        *(f"manylinux_2_{minor}_x86_64" for minor in range(28, 16, -1)),
        "manylinux2014_x86_64",
        "manylinux2010_x86_64",
        "manylinux1_x86_64",
    ),
    (
        ("os_name", "posix"),
        ("sys_platform", "linux"),
        ("platform_system", "Linux"),
        ("platform_machine", "x86_64"),
    ),
)
TARGETS = {"windows": WINDOWS, "linux": LINUX}

__all__ = ["Bundle", "build_bundle", "extras", "main"]


@dataclass(frozen=True)
class Bundle:
    """A bundle written: its zip, the wheels in it and the Pythons it serves."""

    path: Path
    wheels: list[Path]
    pythons: tuple[tuple[int, int], ...]


def project() -> dict[str, object]:
    """pyproject.toml's [project] table."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    table = data["project"]
    assert isinstance(table, dict)
    return table


def extras() -> list[str]:
    """Every optional extra pyproject.toml declares, but dev (the tests' tools)."""
    declared = project().get("optional-dependencies", {})
    assert isinstance(declared, dict)
    return sorted(name for name in declared if name != "dev")


def version() -> str:
    """The package version, read from its one place."""
    namespace: dict[str, object] = {}
    exec((ROOT / "lib" / "zhenggai" / "_version.py").read_text(encoding="utf-8"), namespace)
    return str(namespace["__version__"])


def _pip(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "pip", *args], check=True)


def build_wheel(folder: Path) -> Path:
    """Build the zhenggai wheel into *folder* (the catalogue compiled by setup.py)."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("zhenggai-*.whl"):
        old.unlink()
    _pip("wheel", "--no-deps", "--quiet", "--wheel-dir", str(folder), str(ROOT))
    return next(folder.glob("zhenggai-*.whl"))


def download(
    pool: Path, platform: Platform, python: tuple[int, int], requirements: list[str], *, deps: bool
) -> None:
    """``pip download`` wheels for CPython *python* on *platform* into *pool*."""
    interpreter = f"{python[0]}{python[1]}"
    args = ["download", "--quiet", "--only-binary=:all:", "--dest", str(pool)]
    for tag in platform.tags:
        args += ["--platform", tag]
    args += ["--python-version", interpreter, "--implementation", "cp", "--abi", f"cp{interpreter}"]
    args += ["--abi", "abi3", "--abi", "none", "--find-links", str(pool)]
    if not deps:
        args.append("--no-deps")
    _pip(*args, *requirements)


def gather(
    pool: Path, wheel: Path, platform: Platform, python: tuple[int, int]
) -> dict[str, Wheel]:
    """The wheels zhenggai with every extra needs on *platform* under *python*."""
    every = ",".join(extras())
    root = Requirement(f"zhenggai[{every}]=={version()}")
    download(pool, platform, python, [f"zhenggai[{every}] @ {wheel.as_uri()}", "pip"], deps=True)
    for _ in range(MAX_ROUNDS):
        found = resolve(pool, root, platform, python)
        if not found.missing:
            pip = resolve(pool, Requirement("pip"), platform, python).chosen
            return {str(k): v for k, v in {**found.chosen, **pip}.items()}
        # the target's own markers asked for these; pip judged the markers for this
        # machine and skipped them, so ask for them without the marker
        names = sorted({_without_marker(r) for r in found.missing})
        download(pool, platform, python, names, deps=False)
    missing = ", ".join(str(r) for r in resolve(pool, root, platform, python).missing)
    raise SystemExit(f"{platform.name} Python {python}: no wheel for {missing}")


def _without_marker(req: Requirement) -> str:
    extras = f"[{','.join(sorted(req.extras))}]" if req.extras else ""
    return f"{req.name}{extras}{req.specifier}"


def build_bundle(
    platform: Platform,
    pythons: tuple[tuple[int, int], ...] = PYTHONS,
    *,
    out: Path = ROOT / "dist",
    work: Path = ROOT / "build" / "bundle",
    pool: Path | None = None,
) -> Bundle:
    """Write the offline bundle of *platform* for *pythons* into *out*; return it.

    *pool* keeps the downloaded wheels between runs (default: a folder under
    *work*); only the wheels the target needs go into the bundle.
    """
    wheel = build_wheel(work / "zhenggai")
    pool = pool or work / f"pool-{platform.name}"
    pool.mkdir(parents=True, exist_ok=True)
    for old in pool.glob("zhenggai-*.whl"):  # pip would keep an earlier build of the same version
        old.unlink()
    chosen: dict[str, Path] = {}
    for python in pythons:
        for found in gather(pool, wheel, platform, python).values():
            chosen[found.path.name] = found.path
    chosen[wheel.name] = wheel
    name = f"zhenggai-{version()}-{platform.name}-offline"
    stage = work / name
    shutil.rmtree(stage, ignore_errors=True)
    (stage / "wheels").mkdir(parents=True)
    for file_name, path in sorted(chosen.items()):
        shutil.copy2(path, stage / "wheels" / file_name)
    _write_installer(stage, platform, pythons)
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{name}.zip"
    _zip(stage, target)
    return Bundle(target, sorted(stage.glob("wheels/*.whl")), pythons)


def _fill(text: str, platform: Platform, pythons: tuple[tuple[int, int], ...]) -> str:
    return (
        text.replace("@VERSION@", version())
        .replace("@EXTRAS@", ",".join(extras()))
        .replace("@PYTHONS@", " ".join(f"{a}.{b}" for a, b in pythons))
        .replace("@PYTHONS_NEWEST_FIRST@", " ".join(f"{a}.{b}" for a, b in sorted(pythons)[::-1]))
        .replace("@PYTHON_COMMANDS@", " ".join(f"python{a}.{b}" for a, b in sorted(pythons)[::-1]))
        .replace("@PLATFORM@", platform.name)
    )


def _write_installer(stage: Path, platform: Platform, pythons: tuple[tuple[int, int], ...]) -> None:
    if platform is WINDOWS:
        script = _fill((FILES / "install.cmd").read_text(encoding="utf-8"), platform, pythons)
        # cmd.exe reads a batch file in the console's code page: GBK (936) on Chinese
        # Windows, which the script also selects with chcp before any Chinese line.
        (stage / "install.cmd").write_bytes(script.replace("\n", "\r\n").encode("gbk"))
        howto = "安装：关闭 Excel，双击 install.cmd，按提示操作。需要电脑上已装 64 位 Python {}。"
    else:
        script = _fill((FILES / "install.sh").read_text(encoding="utf-8"), platform, pythons)
        (stage / "install.sh").write_text(script, encoding="utf-8", newline="\n")
        (stage / "install.sh").chmod(0o755)
        howto = "安装：在终端中进入本文件夹，运行 sh install.sh。需要系统里已有 Python {}。"
    wheels = sorted((stage / "wheels").glob("*.whl"))
    contents = "\n".join(f"  {w.name}（{w.stat().st_size / 1e6:.1f} MB）" for w in wheels)
    readme = (
        _fill((FILES / "说明.txt").read_text(encoding="utf-8"), platform, pythons)
        .replace("@HOWTO@", howto.format(" / ".join(f"{a}.{b}" for a, b in pythons)))
        .replace("@COUNT@", str(len(wheels)))
        .replace("@CONTENTS@", contents)
    )
    newline = "\r\n" if platform is WINDOWS else "\n"
    (stage / "说明.txt").write_bytes(b"\xef\xbb\xbf" + readme.replace("\n", newline).encode())


def _zip(stage: Path, target: Path) -> None:
    target.unlink(missing_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(stage.rglob("*")):
            if path.is_file():
                info = zipfile.ZipInfo.from_file(path, f"{stage.name}/{path.relative_to(stage)}")
                info.compress_type = (
                    zipfile.ZIP_STORED if path.suffix == ".whl" else zipfile.ZIP_DEFLATED
                )
                info.flag_bits |= 0x800  # UTF-8 names: 说明.txt reads right in Windows' own unzip
                zf.writestr(info, path.read_bytes())


def _pythons(values: list[str]) -> tuple[tuple[int, int], ...]:
    if values == ["current"]:
        return ((sys.version_info[0], sys.version_info[1]),)
    return tuple((int(v.split(".")[0]), int(v.split(".")[1])) for v in values)


def main(argv: list[str] | None = None) -> int:
    """``python -m tools.bundle [--target windows|linux|all] [--python 3.12 ...|current]``."""
    parser = argparse.ArgumentParser(prog="python -m tools.bundle", description=__doc__)
    parser.add_argument("--target", choices=["windows", "linux", "all"], default="all")
    parser.add_argument("--python", nargs="+", default=[f"{a}.{b}" for a, b in PYTHONS])
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    args = parser.parse_args(argv)
    platforms = list(TARGETS.values()) if args.target == "all" else [TARGETS[args.target]]
    os.environ.setdefault("PIP_DISABLE_PIP_VERSION_CHECK", "1")
    for platform in platforms:
        bundle = build_bundle(platform, _pythons(args.python), out=args.out)
        size = bundle.path.stat().st_size / 1e6
        print(f"{bundle.path}  {size:.1f} MB, {len(bundle.wheels)} wheels")
        for wheel in bundle.wheels:
            print(f"  {wheel.name}  {wheel.stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
