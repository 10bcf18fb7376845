"""Similarity index maintenance (placeholder until the gate's index lands)."""

from collections.abc import Iterable


def index_items(item_ids: Iterable[int]) -> None:
    """(Re)compute index rows for these items."""


def remove_items(item_ids: Iterable[int]) -> None:
    """Drop index rows of deleted items."""
