"""Which wheels a target platform needs: pip's download, checked with the target's markers.

``pip download --platform win_amd64`` picks wheels for Windows but evaluates
dependency markers for the machine it runs on: building the Windows bundle on
Linux, xlwings' ``pywin32; platform_system == "Windows"`` and keyring's
``pywin32-ctypes; sys_platform == "win32"`` are left out and Linux-only ones
(SecretStorage, jeepney) are put in. :func:`resolve` walks the requirements
again with the target's markers over the downloaded wheels and reports what
is missing; the bundle downloads those and walks again until nothing is, and
ships only the wheels the walk chose.
"""

from __future__ import annotations

import email.parser
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.tags import Tag, compatible_tags, cpython_tags
from packaging.utils import NormalizedName, canonicalize_name, parse_wheel_filename
from packaging.version import Version

__all__ = ["Platform", "Resolution", "Wheel", "resolve", "target_tags"]


@dataclass(frozen=True)
class Platform:
    """A target operating system: pip's platform tags and the marker values it has."""

    name: str
    tags: tuple[str, ...]
    markers: tuple[tuple[str, str], ...]

    def environment(self, python: tuple[int, int]) -> dict[str, str]:
        """The marker environment of CPython *python* on this platform."""
        version = f"{python[0]}.{python[1]}"
        return {
            **dict(self.markers),
            "implementation_name": "cpython",
            "platform_python_implementation": "CPython",
            "python_version": version,
            "python_full_version": f"{version}.0",
            "implementation_version": f"{version}.0",
            "platform_release": "",
            "platform_version": "",
        }


@dataclass(frozen=True)
class Wheel:
    """A wheel file in the pool, with what its metadata requires."""

    path: Path
    name: NormalizedName
    version: Version
    tags: frozenset[Tag]
    requires: tuple[str, ...]


@dataclass
class Resolution:
    """The wheels one target needs, and the requirements no wheel in the pool satisfies."""

    chosen: dict[NormalizedName, Wheel] = field(default_factory=dict)
    missing: list[Requirement] = field(default_factory=list)


def target_tags(python: tuple[int, int], platforms: Iterable[str]) -> set[Tag]:
    """Every wheel tag CPython *python* accepts on *platforms*."""
    interpreter = f"cp{python[0]}{python[1]}"
    platforms = list(platforms)
    return set(cpython_tags(python, abis=[interpreter, "abi3", "none"], platforms=platforms)) | set(
        compatible_tags(python, interpreter, platforms)
    )


@cache
def read_wheel(path: Path) -> Wheel:
    """The name, version, tags and Requires-Dist of the wheel at *path*."""
    name, version, _, tags = parse_wheel_filename(path.name)
    with zipfile.ZipFile(path) as zf:
        meta = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        message = email.parser.Parser().parsestr(zf.read(meta).decode("utf-8"))
    return Wheel(
        path, name, version, frozenset(tags), tuple(message.get_all("Requires-Dist") or ())
    )


def resolve(
    pool: Path, root: Requirement, platform: Platform, python: tuple[int, int]
) -> Resolution:
    """Walk *root*'s requirements for CPython *python* on *platform* over the wheels in *pool*.

    Each package gets the newest compatible wheel that satisfies every requirement
    on it met so far (as pip would pick from these files); a requirement no wheel
    satisfies is listed in ``missing``.
    """
    accepted = target_tags(python, platform.tags)
    env = platform.environment(python)
    wheels: dict[NormalizedName, list[Wheel]] = {}
    for path in sorted(pool.glob("*.whl")):
        wheel = read_wheel(path)
        if wheel.tags & accepted:
            wheels.setdefault(wheel.name, []).append(wheel)

    result = Resolution()
    wanted: dict[NormalizedName, list[Requirement]] = {}
    extras: dict[NormalizedName, set[str]] = {}
    queue = [root]
    while queue:
        req = queue.pop()
        name = canonicalize_name(req.name)
        wanted.setdefault(name, []).append(req)
        new_extras = set(req.extras) - extras.setdefault(name, set())
        extras[name] |= set(req.extras)
        fits = [
            w
            for w in wheels.get(name, [])
            if all(r.specifier.contains(w.version, prereleases=False) for r in wanted[name])
        ]
        if not fits:
            result.chosen.pop(name, None)
            result.missing.append(req)
            continue
        best = max(fits, key=lambda w: w.version)
        if result.chosen.get(name) == best and not new_extras:
            continue
        result.chosen[name] = best
        for text in best.requires:
            dep = Requirement(text)
            if _applies(dep.marker, env, extras[name]):
                queue.append(dep)
    return result


def _applies(marker: Marker | None, env: dict[str, str], extras: set[str]) -> bool:
    if marker is None:
        return True
    return any(marker.evaluate({**env, "extra": extra}) for extra in extras | {""})
