"""Errors raised while building or installing the add-in.

    zhenggai.core.errors.ZhenggaiError
    └── AddinBuildError            the build or install cannot go on
        ├── TemplateNotFoundError  xlwings or its quickstart add-in is missing
        └── VbaFormatError         vbaProject.bin, a compressed stream or a CFB file is malformed

Messages are in Chinese: the office staff read them. Being ZhenggaiErrors, the
CLI prints them as one line and exits 2.
"""

from __future__ import annotations

from zhenggai.core.errors import ZhenggaiError

__all__ = ["AddinBuildError", "TemplateNotFoundError", "VbaFormatError"]


class AddinBuildError(ZhenggaiError):
    """The add-in cannot be built or installed."""


class TemplateNotFoundError(AddinBuildError):
    """xlwings is not installed or ships no quickstart ribbon add-in."""


class VbaFormatError(AddinBuildError, ValueError):
    """A VBA project, a compressed container or a compound file is malformed."""
