"""NEAR_DUPLICATE for every kind ("能不发的坚决不发，能合并的坚决合并")."""

from jianfu.gate.rules.base import Facts, finding, related
from jianfu.ledger.choices import Kind


def near_duplicate(facts: Facts) -> list[dict]:
    limit = facts.limits["near_duplicate"]
    hits = [r for r in facts.ctx.similar if (r.similarity or 0) >= limit]
    if not hits:
        return []
    top = hits[0]
    label = Kind(top.kind).label if top.kind in Kind.values else "事项"
    message = (
        f"与已有{label}《{top.title}》高度相似（相似度{top.similarity:.2f}）：建议与其合并或不再重复下发；"
        f"确需单独办理的，请写明与已有事项的区别。"
    )
    return [finding("NEAR_DUPLICATE", "warn", message, related=related(hits))]


RULES = [near_duplicate]
