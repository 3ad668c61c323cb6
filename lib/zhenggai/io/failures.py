"""What a broken file raises while it is read, turned into one :class:`WorkbookError`.

zipfile, zlib, bz2, lzma and the OS raise half a dozen exception types for a
damaged or truncated package, and python-calamine raises ``PanicException``
when its Rust code panics (a date-formatted cell holding -1e300): a
:class:`BaseException`, which ``except Exception`` does not catch. Every
reader in ``io`` reads through :func:`translated`, which gives the user one
Chinese sentence with a :class:`~zhenggai.core.problems.Code`, so a
consolidation can record it as that file's problem and go on.

Example:
    >>> with translated():                                  # doctest: +ELLIPSIS
    ...     raise zipfile.BadZipFile("bad")
    Traceback (most recent call last):
    zhenggai.core.errors.WorkbookError: 文件已损坏...
"""

from __future__ import annotations

import lzma
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from ..core.errors import WorkbookError
from ..core.problems import Code

__all__ = ["CORRUPT", "PACKAGE_ERRORS", "is_panic", "translated"]

CORRUPT = "文件已损坏（压缩包不完整），无法打开，请重新报送。"

PACKAGE_ERRORS: tuple[type[Exception], ...] = (
    zipfile.BadZipFile,
    OSError,
    EOFError,
    zlib.error,
    lzma.LZMAError,
    ValueError,
)
"""What reading a damaged zip package can raise."""


def is_panic(exc: BaseException) -> bool:
    """True for a Rust panic raised through pyo3 (``pyo3_runtime.PanicException``)."""
    return type(exc).__module__ == "pyo3_runtime"


@contextmanager
def translated(message: str = CORRUPT, *, code: Code = Code.FILE_CORRUPT) -> Iterator[None]:
    """Raise :data:`PACKAGE_ERRORS` and Rust panics inside the block as a :class:`WorkbookError`
    (*message*, *code*)."""
    try:
        yield
    except WorkbookError:
        raise
    except PACKAGE_ERRORS as exc:
        raise WorkbookError(message, code=code) from exc
    except BaseException as exc:
        if is_panic(exc):
            raise WorkbookError(message, code=code) from exc
        raise
