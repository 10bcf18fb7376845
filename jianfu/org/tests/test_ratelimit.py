"""API rate limits (jianfu/api/ratelimit.py): per token, per signed-in user, per address."""

import json

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory

from jianfu.api.models import ApiToken
from jianfu.api.ratelimit import client_address, configured_rates
from jianfu.api.tokens import create_token


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


def bearer(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_a_token_over_its_rate_gets_429_in_chinese(client, personas, district, settings):
    settings.JIANFU_API_RATES = {"token": "3/min"}
    _, key = create_token(by=personas["clerk_a"], name="OA", unit=district["dept_a"], scope=ApiToken.Scope.READ)
    _, other = create_token(by=personas["clerk_a"], name="OA2", unit=district["dept_a"], scope=ApiToken.Scope.READ)
    for _ in range(3):
        assert client.get("/api/v1/items", **bearer(key)).status_code == 200
    response = client.get("/api/v1/items", **bearer(key))
    assert response.status_code == 429
    assert "请求过于频繁" in response.json()["detail"] and int(response["Retry-After"]) > 0
    # Another token of the same user keeps its own allowance.
    assert client.get("/api/v1/items", **bearer(other)).status_code == 200


def test_a_signed_in_user_has_a_rate_of_their_own(client, personas, settings):
    settings.JIANFU_API_RATES = {"user": "2/min"}
    client.force_login(personas["reviewer"])
    assert [client.get("/api/v1/items").status_code for _ in range(3)] == [200, 200, 429]
    other = Client()
    other.force_login(personas["leader"])
    assert other.get("/api/v1/items").status_code == 200


def test_anonymous_receipt_lookups_are_limited_per_address(db, settings):
    settings.JIANFU_API_RATES = {"anon": "2/min"}
    body = json.dumps({"code": "NOPE-NOPE"})
    first, second = Client(REMOTE_ADDR="10.0.0.1"), Client(REMOTE_ADDR="10.0.0.2")
    codes = [first.post("/api/v1/channel/receipt", body, content_type="application/json").status_code for _ in range(3)]
    assert codes[2] == 429 and 429 not in codes[:2]
    assert second.post("/api/v1/channel/receipt", body, content_type="application/json").status_code != 429


def test_without_configured_rates_tests_are_not_throttled(settings):
    del settings.JIANFU_API_RATES
    assert configured_rates() == {}


def test_forwarded_address_is_trusted_only_from_the_local_proxy():
    rf = RequestFactory()
    behind_nginx = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.1.2.3")
    direct = rf.get("/", REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_address(behind_nginx) == "10.1.2.3"
    assert client_address(direct) == "10.9.9.9"


def test_rates_from_the_environment_are_parsed_and_bad_ones_named(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from jianfu.env import env_rates

    monkeypatch.setenv("API_RATES", "token=600/min, anon=5/s")
    assert env_rates("API_RATES") == {"token": "600/min", "anon": "5/s"}
    monkeypatch.setenv("API_RATES", "token=600/fortnight")
    with pytest.raises(ImproperlyConfigured, match="token=600/fortnight"):
        env_rates("API_RATES")
    monkeypatch.delenv("API_RATES")
    assert env_rates("API_RATES") is None
