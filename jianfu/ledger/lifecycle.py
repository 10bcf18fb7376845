"""The item lifecycle of ARCHITECTURE.md, enforced in this one place.

draft → submitted → approved | returned | rejected | merged → issued → closed;
returned goes back to draft.
"""

from jianfu.ledger.choices import Status

TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.SUBMITTED}),
    Status.SUBMITTED: frozenset({Status.APPROVED, Status.RETURNED, Status.REJECTED, Status.MERGED}),
    Status.RETURNED: frozenset({Status.DRAFT}),
    Status.APPROVED: frozenset({Status.ISSUED}),
    Status.ISSUED: frozenset({Status.CLOSED}),
    Status.REJECTED: frozenset(),
    Status.MERGED: frozenset(),
    Status.CLOSED: frozenset(),
}


class LifecycleError(Exception):
    """An illegal status change; the message is shown to the user as is."""


def label(status: str) -> str:
    return Status(status).label


def check_transition(current: str, target: str) -> None:
    allowed = TRANSITIONS.get(current)
    if allowed is None or target not in allowed:
        raise LifecycleError(f"事项当前状态为“{label(current)}”，不能变为“{label(target)}”。{hint(current)}")


def hint(current: str) -> str:
    allowed = TRANSITIONS.get(current) or frozenset()
    if not allowed:
        return "该状态为终态，不能再变更。"
    names = "、".join(label(s) for s in sorted(allowed))
    return f"可变为：{names}。"


def can_transition(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())
