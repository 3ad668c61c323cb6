"""What a button shows the user: the status bar while it runs, one message at the end.

Excel shows ``Application.StatusBar`` at the bottom of the window; xlwings
Server and Lite (the engine of our tests) have no status bar, so there the
text goes nowhere. The closing message is ``book.app.alert`` on every engine.
"""

from __future__ import annotations

from contextlib import suppress
from types import TracebackType

import xlwings

__all__ = ["TITLE", "StatusBar", "alert"]

#: Title of every message box the add-in shows.
TITLE = "整改台账"


class StatusBar:
    """``with StatusBar(book, "一键汇总") as status: status("读取台账…")``.

    Shows "一键汇总：读取台账…" while the button runs and hands the status bar
    back to Excel afterwards, also when the handler fails.
    """

    def __init__(self, book: xlwings.Book, title: str) -> None:
        self.book = book
        self.title = title

    def __call__(self, text: str) -> None:
        self._set(f"{self.title}：{text}")

    def progress(self, done: int, total: int, what: str) -> None:
        """A progress callback for the library: "一键汇总：3/12 办公室"."""
        self(f"{done}/{total} {what}")

    def __enter__(self) -> StatusBar:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._set(False)  # False gives the status bar back to Excel

    def _set(self, value: str | bool) -> None:
        # xlwings Server/Lite raise NotImplementedError: they have no status bar.
        with suppress(NotImplementedError):
            self.book.app.status_bar = value


def alert(book: xlwings.Book, message: str, *, error: bool = False) -> None:
    """Show *message* in a message box titled 整改台账 (a warning icon for *error*)."""
    book.app.alert(message, title=TITLE, mode="critical" if error else "info")
