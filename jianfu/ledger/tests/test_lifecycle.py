import itertools

import pytest

from jianfu.ledger.choices import Status
from jianfu.ledger.lifecycle import TRANSITIONS, LifecycleError, can_transition, check_transition

LEGAL = [(a, b) for a, targets in TRANSITIONS.items() for b in targets]
ILLEGAL = [(a, b) for a, b in itertools.product(Status.values, Status.values) if (a, b) not in LEGAL]


def test_lifecycle_matches_architecture():
    assert set(LEGAL) == {
        ("draft", "submitted"),
        ("submitted", "approved"),
        ("submitted", "returned"),
        ("submitted", "rejected"),
        ("submitted", "merged"),
        ("returned", "draft"),
        ("approved", "issued"),
        ("issued", "closed"),
    }


@pytest.mark.parametrize(("current", "target"), LEGAL)
def test_every_legal_transition_is_allowed(current, target):
    check_transition(current, target)
    assert can_transition(current, target)


@pytest.mark.parametrize(("current", "target"), ILLEGAL)
def test_every_illegal_transition_is_refused_with_a_chinese_message(current, target):
    with pytest.raises(LifecycleError) as exc:
        check_transition(current, target)
    assert Status(current).label in str(exc.value)
    assert Status(target).label in str(exc.value)
