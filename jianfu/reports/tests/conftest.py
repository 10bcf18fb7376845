import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test's ledger is rolled back, ids and counts repeat: cached figures must not leak across tests."""
    cache.clear()
    yield
    cache.clear()
