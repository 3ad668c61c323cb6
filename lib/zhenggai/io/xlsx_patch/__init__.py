"""Save the master by rewriting only the sheet XML a command changes.

:func:`~.patch.patch` streams the changed sheets (:mod:`.patch`), appends the
cell formats they need to ``xl/styles.xml`` (:mod:`.styles`) and draws the
charts of a sheet rewritten whole again (:mod:`.charts`); every other part of
the workbook is copied unchanged.
"""

from __future__ import annotations

from .patch import Patched, Unsupported, patch, stamp_modified, without_blank_tail

__all__ = ["Patched", "Unsupported", "patch", "stamp_modified", "without_blank_tail"]
