"""click's own words in Chinese, through gettext.

click looks every message up with :func:`gettext.gettext` ("Usage:",
"Option '--json' does not take a value.", "Missing argument" …), that is, in
the process's current text domain, in the language the environment names.
While a command runs, :func:`chinese_messages` makes that domain ``zhenggai``,
bound to the catalogue shipped in ``locale/`` (``zh_CN/LC_MESSAGES/zhenggai.po``
in the repository, compiled to ``.mo`` when the package is built), and the
language zh_CN: the whole command line speaks Chinese whatever the PC's locale,
and an office PC on Windows sets no LANG at all. Everything is restored after
the command, so a program that calls :func:`zhenggai.cli.main` keeps its own
gettext state.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["DOMAIN", "LANGUAGE", "LOCALEDIR", "catalogue", "chinese_messages"]

DOMAIN = "zhenggai"
LANGUAGE = "zh_CN"
LOCALEDIR = Path(__file__).resolve().parent / "locale"


def catalogue() -> Path:
    """The compiled catalogue gettext reads (may be missing in an unbuilt checkout)."""
    return LOCALEDIR / LANGUAGE / "LC_MESSAGES" / f"{DOMAIN}.mo"


@contextmanager
def chinese_messages() -> Iterator[None]:
    """Within the block, click's messages come from the zh_CN catalogue."""
    domain = gettext.textdomain()
    language = os.environ.get("LANGUAGE")
    gettext.bindtextdomain(DOMAIN, str(LOCALEDIR))
    gettext.textdomain(DOMAIN)
    os.environ["LANGUAGE"] = LANGUAGE  # gettext.find reads it before LC_ALL, LC_MESSAGES, LANG
    try:
        yield
    finally:
        gettext.textdomain(domain)
        if language is None:
            os.environ.pop("LANGUAGE", None)
        else:
            os.environ["LANGUAGE"] = language
