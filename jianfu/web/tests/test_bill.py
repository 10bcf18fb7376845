"""我的负担账单: what landed on a unit in a period, with hours, and the items behind them."""

import datetime as dt

from jianfu.ledger.choices import Kind, Status
from jianfu.testing import make_item
from jianfu.web.tests.factories import client_for, draft, issued


def test_bill_counts_issued_items_on_my_unit_with_hours(personas, district):
    issued(personas, district, title="安全检查", kind=Kind.INSPECTION, onsite_days=1.0)
    issued(personas, district, title="街道会议", kind=Kind.MEETING, targets=("street",), duration_minutes=60)
    draft(personas, district, title="还在草稿")
    response = client_for(personas["township"]).get("/bill/?period=2025")
    ctx = response.context
    titles = [row["item"].title for g in ctx["groups"] for row in g["items"]]
    assert titles == ["安全检查"]
    # inspection defaults: 8 h preparation + 1 day × 4 h on site
    assert ctx["total"] == 12.0
    assert "安全检查" in response.content.decode()


def test_monthly_data_request_counts_each_month_in_the_period(personas, district):
    make_item(
        kind=Kind.DATA_REQUEST,
        issuer=district["dept_a"],
        title="月报",
        status=Status.ISSUED,
        targets=[district["township"]],
        date=dt.date(2025, 1, 10),
        fields=["a", "b"],
        frequency="monthly",
    )
    ctx = client_for(personas["township"]).get("/bill/?date_from=2025-01-01&date_to=2025-06-30").context
    row = ctx["groups"][0]["items"][0]
    assert row["times"] == 6 and row["hours"] == 0.6


def test_a_bad_period_is_explained_not_crashed(personas, district):
    response = client_for(personas["township"]).get("/bill/?period=明年")
    assert response.status_code == 200
    assert response.context["errors"]


def test_reviewer_picks_any_unit(personas, district):
    issued(personas, district, title="街道会议", kind=Kind.MEETING, targets=("street",), duration_minutes=60)
    response = client_for(personas["reviewer"]).get(f"/bill/?unit={district['street'].pk}&period=2025")
    assert response.context["unit"] == district["street"] and response.context["count"] == 1


def test_items_for_all_units_of_another_district_do_not_land_here(personas, district):
    from jianfu.org.models import UnitKind
    from jianfu.testing import make_unit

    other = make_unit("邻区", UnitKind.DISTRICT)
    other_dept = make_unit("邻区教育局", UnitKind.DEPARTMENT, other)
    foreign = make_item(
        kind=Kind.AWARD, issuer=other_dept, title="邻区评比", status=Status.ISSUED, targets=[], date=dt.date(2025, 5, 1)
    )
    issued(personas, district, title="本区评比", kind=Kind.AWARD, targets=())
    township = client_for(personas["township"])
    titles = [row["item"].title for g in township.get("/bill/?period=2025").context["groups"] for row in g["items"]]
    assert titles == ["本区评比"]
    listed = {item.title for item, _ in township.get("/items/").context["rows"]}
    assert listed == {"本区评比"}
    assert township.get(f"/items/{foreign.pk}/").status_code == 403
