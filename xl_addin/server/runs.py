"""One run at a time per master, and what each run shows, for the task pane.

A second click on a master whose run is still going would read the workbook
as it was before the first run's changes and write on top of them, so it is
refused at once (HTTP 409) instead of queued; runs on different masters go
on side by side. What a handler shows in Excel's status bar and its closing
message are kept per master, so the task panes can poll ``/zhenggai/status``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

__all__ = ["Busy", "Run", "Runs"]


class Busy(Exception):
    """A run for this master is already going on."""

    def __init__(self, running: Run) -> None:
        super().__init__(running.master)
        self.running = running


@dataclass
class Run:
    """One button press on one master.

    Attributes:
        master: the master's file name (what the user sees).
        tag: the button's tag; label: its caption.
        started: when the run began (local time, ISO text).
        status: the status-bar text the handler last showed ("" when none).
        message: the closing message (the last alert), once there is one.
        running: False once the run has ended.
    """

    master: str
    tag: str
    label: str
    started: str = field(default_factory=lambda: datetime.now().isoformat(timespec="seconds"))
    status: str = ""
    message: str = ""
    running: bool = True


class Runs:
    """The running and last finished run per master key (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._runs: dict[str, Run] = {}

    @contextmanager
    def claim(self, key: str, run: Run) -> Iterator[Run]:
        """Hold *key* for *run* while the block runs.

        Raises:
            Busy: another run holds *key*.
        """
        with self._lock:
            current = self._runs.get(key)
            if current is not None and current.running:
                raise Busy(current)
            self._runs[key] = run
        try:
            yield run
        finally:
            with self._lock:
                run.running = False

    def snapshot(self) -> list[dict[str, Any]]:
        """Every master's current or last run, newest first."""
        with self._lock:
            runs = [asdict(r) for r in self._runs.values()]
        return sorted(runs, key=lambda r: r["started"], reverse=True)
