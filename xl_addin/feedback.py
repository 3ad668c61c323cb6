"""What a button shows the user, and how it keeps Excel quiet while it writes.

Excel shows ``Application.StatusBar`` at the bottom of the window; xlwings
Server and Lite (the engine of our tests) have no status bar, so there the
text goes nowhere. The closing message is ``book.app.alert`` on every engine.

:func:`quiet` turns off what makes each write into Excel slow (redrawing the
screen, recalculating, running the workbook's event macros) for a handler's
duration and restores it afterwards, also when the handler fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from types import TracebackType
from typing import Any

import xlwings

__all__ = ["TITLE", "StatusBar", "alert", "quiet"]

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


#: App settings :func:`quiet` sets while a handler runs, with the value it sets.
QUIET: tuple[tuple[str, Any], ...] = (
    ("screen_updating", False),
    ("enable_events", False),
    ("calculation", "manual"),
)


@contextmanager
def quiet(book: xlwings.Book) -> Iterator[None]:
    """Screen updating, events and automatic calculation off for the block; restored after.

    Each setting is read first and put back as it was. An engine that cannot
    read a setting (xlwings Server cannot read screen updating, nor the mode
    of calculation unless the client sends it) gets screen updating switched
    back on (there it only suspends redrawing until the client's next sync)
    and the other settings left alone: never a state we cannot restore. A host
    that is not a :func:`~xl_addin.cells.full_host` is left alone.
    """
    from xl_addin.cells import full_host

    if not full_host(book):  # the host applies the writes in one batch and knows no such setting
        yield
        return
    app = book.app
    restore: list[tuple[str, Any]] = []
    for name, value in QUIET:
        try:
            before = getattr(app, name)
        except NotImplementedError:
            if name != "screen_updating":
                continue
            before = True
        if before == value:
            continue
        try:
            setattr(app, name, value)
        except NotImplementedError:
            continue
        restore.append((name, before))
    try:
        yield
    finally:
        for name, before in reversed(restore):
            with suppress(NotImplementedError):
                setattr(app, name, before)
