"""Entry points: load the context for one draft from the database, run the pure engine.

`review_draft` serves the CLI, the API and the web page; `review_item` serves
`jianfu.ledger.services.submit_item` (the item itself is left out of every comparison).
"""

from typing import Any

from jianfu.gate.context import load_context
from jianfu.gate.drafts import DraftError, item_to_draft, parse_draft
from jianfu.gate.engine import review

__all__ = ["DraftError", "review_draft", "review_item"]


def review_draft(data: dict[str, Any], *, exclude_id: int | None = None) -> dict[str, Any]:
    """Review a draft given as the input JSON of spec/gate.md; raises DraftError on bad input."""
    draft = parse_draft(data)
    return review(draft, load_context(draft, exclude_id=exclude_id))


def review_item(item) -> dict[str, Any]:
    return review_draft(item_to_draft(item), exclude_id=item.pk)
