"""Column widths: the display width of a value, as Excel shows it."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from zhenggai.core.sheets import text_width


def _by_character(text: str) -> int:
    """The rule spelled out: a character past U+2E7F is twice as wide; the longest line counts."""
    longest = max(text.split("\n"), key=len) if text else ""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in longest)


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60))
def test_width_is_the_character_rule(text):
    assert text_width(text) == _by_character(text)


def test_widths_of_office_values():
    assert text_width("整改进展") == 8
    assert text_width("2026年12月31日前") == 16
    assert text_width("办公室\n第二行更长一些") == 14
    assert text_width("\u2e7f\u2e80") == 3  # the boundary: U+2E80 (CJK radicals) is wide
    assert text_width(12.5) == 4
    assert text_width(date(2026, 12, 31)) == 10
    assert text_width(None) == 0
