"""The quick rejection in :func:`covers` changes no answer of the plain LCS rule."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from zhenggai.documents.phrases import _core, _lcs, covers

# Few distinct characters, so texts share many and the LCS rule is really exercised.
_TEXT = st.text(alphabet="召开会议专题研究部署整改方案明确责任分工已于2026年月日，。", max_size=30)


def _plain_covers(said: str, claim: str, share: float = 0.8) -> bool:
    a, b = _core(said), _core(claim)
    if len(b) < 4 or not a:
        return False
    return _lcs(b, a) >= share * len(b)


@settings(max_examples=400, deadline=None)
@given(_TEXT, _TEXT, st.sampled_from([0.5, 0.8, 1.0]))
def test_covers_answers_as_the_plain_lcs_rule(said, claim, share):
    assert covers(said, claim, share=share) == _plain_covers(said, claim, share)


def test_the_bound_rejects_and_the_lcs_still_decides():
    # every character present, out of order: the bound passes, the LCS says no
    assert not covers("部署研究专题会议召开", "召开会议专题研究部署")
    assert covers("已于2026年3月12日召开会议专题研究部署", "召开会议专题研究部署")
    assert not covers("明确责任分工", "召开会议专题研究部署")  # rejected by the bound
