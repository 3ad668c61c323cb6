"""Text normalisation: the fast path never changes the result."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from zhenggai.core.text import _normalise_slow, canonical, normalise_text

# Characters the normaliser cares about, mixed with ordinary text.
TRICKY = st.sampled_from(
    [
        *" \t\n\r\u3000\u00a0\u2002\u200b\ufeff\x00\x07\x1f\x7f\u0085\u2028",
        *("e\u0301", "\ud800", "已完成", "A", "="),
    ]
)
TEXT = st.lists(st.one_of(TRICKY, st.text(max_size=3)), max_size=12).map("".join)


@given(TEXT)
def test_fast_path_equals_the_full_normalisation(text):
    assert normalise_text(text) == _normalise_slow(text)
    assert canonical(text) == unicodedata.normalize("NFC", _normalise_slow(text))


@given(TEXT)
def test_canonical_is_idempotent(text):
    assert canonical(canonical(text)) == canonical(text)


@given(st.lists(st.one_of(TEXT, st.none(), st.floats(allow_nan=False)), max_size=6))
def test_canonical_all_equals_canonical_of_each(values):
    from zhenggai.core.text import canonical_all

    assert canonical_all(values) == [canonical(v) for v in values]


def test_canonical_all_with_the_separator_inside_a_cell():
    from zhenggai.core.text import canonical_all

    # found by hypothesis in CI: the row check must not mistake a cell's own \x1f for a separator
    assert canonical_all(["\x1f"]) == [canonical("\x1f")] == [""]
    assert canonical_all(["a\x1fb", "c"]) == ["ab", "c"]
