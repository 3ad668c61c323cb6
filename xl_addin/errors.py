"""Errors raised while building the add-in.

    AddinBuildError            the build cannot go on
    ├── TemplateNotFoundError  xlwings or its quickstart add-in is missing
    └── VbaFormatError         vbaProject.bin, a compressed stream or a CFB file is malformed

Messages are in Chinese: the office staff read them.
"""

from __future__ import annotations

__all__ = ["AddinBuildError", "TemplateNotFoundError", "VbaFormatError"]


class AddinBuildError(Exception):
    """The add-in cannot be built."""


class TemplateNotFoundError(AddinBuildError):
    """xlwings is not installed or ships no quickstart ribbon add-in."""


class VbaFormatError(AddinBuildError, ValueError):
    """A VBA project, a compressed container or a compound file is malformed."""
