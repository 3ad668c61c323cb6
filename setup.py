"""One build step pyproject.toml cannot declare: compile the message catalogues.

click's messages are translated through gettext (zhenggai.cli.i18n). The .po
files are the source kept in the repository; the .mo files gettext reads are
compiled here, at build time, by a pure-Python msgfmt (tools/msgfmt.py), so a
wheel carries exactly the catalogue that was tested and installing from source
needs no gettext tools. Editable installs compile beside the .po (git ignores
the .mo); everything else about the package is in pyproject.toml.
"""

from __future__ import annotations

import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from tools.msgfmt import compile_po  # noqa: E402

LOCALE = Path("lib/zhenggai/cli/locale")


class BuildPyWithCatalogues(build_py):
    """build_py, then every ``*.po`` under the CLI's locale folder compiled to ``.mo``."""

    def run(self) -> None:
        super().run()
        for po in sorted((ROOT / LOCALE).glob("*/LC_MESSAGES/*.po")):
            relative = po.relative_to(ROOT / "lib").with_suffix(".mo")
            if self.editable_mode:
                target = po.with_suffix(".mo")
            else:
                target = Path(self.build_lib) / relative
            compile_po(po, target)


setup(cmdclass={"build_py": BuildPyWithCatalogues})
