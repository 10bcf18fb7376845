import pytest

from jianfu.meter.stats import FIGURE_KEYS
from jianfu.meter.tests.ledger import EXPECTED, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(district, personas):
    return build(district, personas)


def test_the_stats_endpoint_returns_the_spec_json(client, personas, ledger):
    client.force_login(personas["leader"])
    response = client.get("/api/v1/stats", {"period": "2025Q4"})
    assert response.status_code == 200
    data = response.json()
    assert data["period"] == {"label": "2025Q4", "start": "2025-10-01", "end": "2025-12-31"}
    assert data["previous"] == {"label": "2024Q4", "start": "2024-10-01", "end": "2024-12-31"}
    for key in FIGURE_KEYS:
        fig = data["figures"][key]
        assert (fig["current"], fig["previous"], fig["change_pct"]) == EXPECTED[key]


def test_details_can_be_left_out(client, personas, ledger):
    client.force_login(personas["reviewer"])
    data = client.get("/api/v1/stats", {"period": "2025Q4", "details": "false"}).json()
    assert set(data) == {"period", "previous", "figures"}


def test_a_bad_period_is_422_with_a_chinese_message(client, personas):
    client.force_login(personas["leader"])
    response = client.get("/api/v1/stats", {"period": "2025Q7"})
    assert response.status_code == 422
    assert "无法识别的统计期间" in response.json()["detail"]


def test_anonymous_callers_and_clerks_are_refused(client, personas):
    assert client.get("/api/v1/stats", {"period": "2025"}).status_code == 401
    client.force_login(personas["clerk_a"])
    assert client.get("/api/v1/stats", {"period": "2025"}).status_code == 403
