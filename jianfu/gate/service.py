"""Entry points that load the gate's context from the database (placeholder)."""

from typing import Any


def review_item(item) -> dict[str, Any]:
    return {"kind": item.kind, "verdict": "pass", "findings": [], "measures": {"chars": item.chars}}
