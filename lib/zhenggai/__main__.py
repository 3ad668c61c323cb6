"""``python -m zhenggai``: the command line, where the ``zhenggai`` script is not on PATH."""

from __future__ import annotations

from zhenggai.cli import _entry

if __name__ == "__main__":
    _entry()
