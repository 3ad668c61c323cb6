"""What a broken file raises while it is read, turned into one :class:`WorkbookError`.

zipfile, zlib and the OS raise half a dozen exception types for a damaged or
truncated package; every reader in ``io`` catches :data:`PACKAGE_ERRORS` and,
through :func:`translated`, gives the user one Chinese sentence with a
:class:`~zhenggai.core.problems.Code`, so a consolidation can record it as that
file's problem and go on.

Example:
    >>> with translated():                                  # doctest: +ELLIPSIS
    ...     raise zipfile.BadZipFile("bad")
    Traceback (most recent call last):
    zhenggai.core.errors.WorkbookError: 文件已损坏...
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from ..core.errors import WorkbookError
from ..core.problems import Code

__all__ = ["CORRUPT", "PACKAGE_ERRORS", "translated"]

CORRUPT = "文件已损坏（压缩包不完整），无法打开，请重新报送。"

PACKAGE_ERRORS: tuple[type[Exception], ...] = (
    zipfile.BadZipFile,
    OSError,
    EOFError,
    zlib.error,
    ValueError,
)
"""What reading a damaged zip package can raise."""


@contextmanager
def translated(message: str = CORRUPT, *, code: Code = Code.FILE_CORRUPT) -> Iterator[None]:
    """Raise :data:`PACKAGE_ERRORS` inside the block as a :class:`WorkbookError` (*message*, *code*)."""
    try:
        yield
    except WorkbookError:
        raise
    except PACKAGE_ERRORS as exc:
        raise WorkbookError(message, code=code) from exc
