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

import contextlib
import lzma
import os
import struct
import sys
import tempfile
import threading
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

from ..core.errors import WorkbookError
from ..core.problems import Code

__all__ = ["CORRUPT", "PACKAGE_ERRORS", "is_panic", "quiet_rust", "translated"]

CORRUPT = "文件已损坏（压缩包不完整），无法打开，请重新报送。"

PACKAGE_ERRORS: tuple[type[Exception], ...] = (
    zipfile.BadZipFile,
    OSError,
    EOFError,
    zlib.error,
    lzma.LZMAError,
    ValueError,
    NotImplementedError,  # zipfile: "zip file version 14.6", an unknown method in the directory
    struct.error,
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


_PANIC_LINE = b"panicked at"


@contextmanager
def quiet_rust() -> Iterator[None]:
    """Keep a Rust panic's report (its message and backtrace) off the user's console.

    A panic in calamine is caught and becomes one file's problem, but Rust's
    panic hook first prints to file descriptor 2, which would look like a
    crash in the middle of a run that goes on. Inside the block, descriptor 2
    goes to a temporary file; whatever was written there before a panic's
    report is passed on.
    """
    fd = 2  # where Rust writes, whatever Python's sys.stderr is
    with _QUIET:
        try:
            saved = os.dup(fd)
        except OSError:  # no descriptor 2 at all
            yield
            return
        with contextlib.suppress(Exception):
            sys.stderr.flush()
        tmp = _sink()
        tmp.seek(0)
        tmp.truncate()
        os.dup2(tmp.fileno(), fd)
        try:
            yield
        finally:
            os.dup2(saved, fd)
            os.close(saved)
            tmp.seek(0)
            text = tmp.read()
            cut = text.find(_PANIC_LINE)
            if cut >= 0:  # from the line "thread '…' panicked at …" (and its blank line) on
                start = max(text.rfind(b"thread '", 0, cut), 0)
                text = text[: start - 1 if text[start - 1 : start] == b"\n" else start]
            if text:
                os.write(fd, text)


_QUIET = threading.RLock()
_SINK: list[IO[bytes]] = []


def _sink() -> IO[bytes]:
    """One temporary file per process for :func:`quiet_rust` (a new one per call costs more)."""
    if not _SINK:
        _SINK.append(tempfile.TemporaryFile())  # noqa: SIM115 - kept open for the process
    return _SINK[0]
