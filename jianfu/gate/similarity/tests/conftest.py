import pytest

from jianfu.gate.similarity import store


@pytest.fixture(autouse=True)
def _forget_stop_keys():
    """Each test's database starts without measured stop grams: drop what an
    earlier (rolled-back) test's reindex left in this process's cache."""
    store.forget_stop_keys()
    yield
    store.forget_stop_keys()
