import pytest
from django.core.cache import cache

from jianfu.meter import figures


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test's ledger is rolled back, ids and counts repeat: cached figures must not leak across tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_tariffs():
    """The write path's per-process tariffs would outlive a test's rolled-back setting."""
    figures.forget_tariffs()
    yield
    figures.forget_tariffs()
