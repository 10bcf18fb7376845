"""Properties of the pure engine on arbitrary text: it never raises, evidence
offsets always index the body, and the output always has the shape of spec/gate.md."""

import pytest
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


JSON_LEAF = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 10**6), st.floats(allow_nan=False), st.text(max_size=12)
)
JSON = st.recursive(
    JSON_LEAF,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
FIELDS = {
    "kind": st.one_of(KINDS, JSON),
    "title": st.one_of(st.text(max_size=20), JSON),
    "issuer": st.one_of(st.just("区应急管理局"), JSON),
    "targets": st.one_of(st.lists(st.sampled_from(["青山镇", "河西街道", "示范区第一小学"]), max_size=3), JSON),
    "date": st.one_of(st.just("2025-11-20"), JSON),
    "year": JSON,
    "body": st.one_of(BODIES, JSON),
    "plan_entry": JSON,
    "meeting": st.one_of(st.fixed_dictionaries({"starts_at": JSON, "duration_minutes": JSON, "mode": JSON}), JSON),
    "inspection": st.one_of(st.fixed_dictionaries({"category": JSON, "starts_on": JSON, "ends_on": JSON}), JSON),
    "data_request": st.one_of(st.fixed_dictionaries({"fields": JSON, "frequency": JSON}), JSON),
    "task": st.one_of(st.fixed_dictionaries({"duty_entry": JSON, "resources": JSON}), JSON),
    "app": st.one_of(st.fixed_dictionaries({"platform": JSON, "daily_minutes": JSON}), JSON),
}


@pytest.mark.django_db
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(data=st.fixed_dictionaries({}, optional=FIELDS))
def test_any_json_input_gives_a_review_or_a_draft_error(district, data):
    from jianfu.gate.drafts import DraftError
    from jianfu.gate.service import review_draft

    try:
        result = review_draft(data)
    except DraftError as exc:
        assert str(exc)
    else:
        assert validate_review(result, data.get("body") or "") == []


@settings(max_examples=300, deadline=None)
@given(body=BODIES)
def test_the_screen_never_hides_a_phrase_that_matches(body):
    import numpy as np

    from jianfu.gate.matcher import build_lexicon, find
    from jianfu.gate.normalise import normalise

    lex = build_lexicon(tuple(default_entries()))
    norm = normalise(body)
    everything = np.ones(lex.screen_starts.size, dtype=bool)
    for code in lex.patterns:
        assert find(norm, lex, code) == find(norm, lex, code, screen=everything)


@settings(max_examples=300, deadline=None)
@given(body=st.one_of(BODIES, st.text(max_size=200)))
def test_the_body_key_is_the_start_of_the_normalised_body(body):
    from jianfu.gate.normalise import normalise, normalise_key
    from jianfu.gate.rules.base import BODY_KEY_CHARS, Facts

    assert normalise(body).text == normalise_key(body)
    facts = Facts(draft(body=body * 30), context())
    assert facts.body_key == normalise_key((body * 30)[:BODY_KEY_CHARS])


@settings(max_examples=300, deadline=None)
@given(body=st.one_of(BODIES, st.text(max_size=200)))
def test_the_array_path_gives_what_the_per_character_loop_gives(body):
    from jianfu.gate.normalise import _normalise_fast, _normalise_loop

    fast = _normalise_fast(body)
    assert fast is None or fast == _normalise_loop(body)
