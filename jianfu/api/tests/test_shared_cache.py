"""The production cache is shared by every gunicorn worker: a rate limit holds across
workers, and cached statistics (pickled objects of some hundred KB) round-trip."""

import pytest
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.test import RequestFactory

from jianfu.api.ratelimit import AnonThrottle


@pytest.fixture
def shared_cache(settings, tmp_path):
    """The production backend, in a directory of the test's own."""
    settings.CACHES = {"default": {**settings.JIANFU_SHARED_CACHE, "LOCATION": str(tmp_path / "cache")}}
    return settings.CACHES["default"]


def worker_throttles(*backends) -> list[AnonThrottle]:
    """One throttle per "worker", each with its own cache connection."""
    throttles = []
    for backend in backends:
        throttle = AnonThrottle()
        throttle.cache = backend
        throttles.append(throttle)
    return throttles


def allowed(throttle, request) -> bool:
    return throttle.allow_request(request)


def test_two_workers_share_one_rate_counter(shared_cache, settings):
    settings.JIANFU_API_RATES = {"anon": "3/min"}
    request = RequestFactory().get("/api/v1/channel/receipt", REMOTE_ADDR="10.0.0.7")
    # Two connections that share nothing in memory, as in two gunicorn processes.
    first, second = worker_throttles(caches.create_connection("default"), caches.create_connection("default"))
    assert [allowed(first, request), allowed(second, request), allowed(first, request)] == [True, True, True]
    # The fourth call is refused whichever worker it reaches.
    assert not allowed(second, request)
    assert not allowed(first, request)
    # Another address keeps its own allowance.
    assert allowed(second, RequestFactory().get("/", REMOTE_ADDR="10.0.0.8"))


def test_per_process_memory_caches_would_each_allow_the_full_rate(settings):
    """What the shared cache fixes: with local memory, two workers allow twice the rate."""
    settings.JIANFU_API_RATES = {"anon": "2/min"}
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.9")
    # Distinct names = distinct memory, as two processes have.
    first, second = worker_throttles(LocMemCache("worker-1", {}), LocMemCache("worker-2", {}))
    assert [allowed(t, request) for t in (first, first, second, second)] == [True] * 4


def test_the_shared_cache_keeps_large_pickled_objects(shared_cache):
    stats = {"rows": [{"unit": f"单位{i}", "count": i, "share": i / 7} for i in range(5000)]}
    writer, reader = caches.create_connection("default"), caches.create_connection("default")
    writer.set("dashboard:2025", stats, 60)
    assert reader.get("dashboard:2025") == stats
    reader.delete("dashboard:2025")
    assert writer.get("dashboard:2025") is None
