"""Properties of the pure engine on arbitrary text: it never raises, evidence
offsets always index the body, and the output always has the shape of spec/gate.md."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jianfu.gate.engine import review
from jianfu.gate.lexicon import default_entries
from jianfu.gate.schema import validate_review
from jianfu.gate.tests.pure import context, draft

PHRASES = sorted({p.replace("…", "").replace("#", "3") for _, p in default_entries()})
SPICE = st.sampled_from(PHRASES + ["不得", "严禁", "。", "，", " ", "\u3000", "ＰＰＴ", "11月20日前", "㈱", "\n"])
BODIES = st.lists(st.one_of(st.text(max_size=30), SPICE), max_size=25).map("".join)
KINDS = st.sampled_from(["document", "meeting", "inspection", "data_request", "task", "campus", "award", "app"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=BODIES, kind=KINDS, title=st.text(max_size=40))
def test_any_text_gives_a_valid_review(body, kind, title):
    result = review(draft(body=body, kind=kind, title=title or "标题"), context())
    assert validate_review(result, body) == []


@settings(max_examples=200, deadline=None)
@given(body=st.text(max_size=200))
def test_offsets_are_valid_on_raw_unicode(body):
    result = review(draft(body=body), context())
    for finding in result["findings"]:
        for ev in finding["evidence"]:
            assert 0 <= ev["start"] < ev["end"] <= len(body)
            assert body[ev["start"] : ev["end"]] == ev["text"]
