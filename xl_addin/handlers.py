"""One handler per ribbon button: ``(book: xlwings.Book) -> None``.

Each reads the open master (:class:`~xl_addin.source.XlwingsSource`), calls the
same library function as the CLI command, writes the result's ``changes`` into
the book (:class:`~xl_addin.master.XlwingsMaster`), shows progress in the status
bar and ends with a one-line Chinese summary. Nothing else lives here: what a
button does is the library's business.

Files the library writes (templates, feedback workbooks) go next to the master's
file, as with the CLI. The book itself is not saved: the user saves it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import xlwings

from xl_addin.feedback import StatusBar, alert
from xl_addin.master import Applied, XlwingsMaster
from xl_addin.source import XlwingsSource, book_path
from zhenggai.ledger import Ledger, load_ledger
from zhenggai.master import Planned

__all__: list[str] = []

P = TypeVar("P", bound=Planned)


def run_plan(
    book: xlwings.Book, status: StatusBar, plan: Callable[[Ledger], P]
) -> tuple[P, Applied]:
    """Read the ledger from *book*, run *plan* on it, write its changes back."""
    status("读取台账…")
    source = XlwingsSource(book)
    ledger = load_ledger(source, path=book_path(book))
    status("处理中…")
    result = plan(ledger)
    status("写入台账…")
    return result, XlwingsMaster(book, source=source).apply(result.changes)


def _done(book: xlwings.Book, message: str) -> None:
    alert(book, message)
