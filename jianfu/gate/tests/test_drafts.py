import datetime as dt

import pytest

from jianfu.gate.drafts import DraftError, item_to_draft, parse_draft
from jianfu.testing import make_item


def base(**kw) -> dict:
    data = {"kind": "meeting", "title": "安全生产工作会议", "issuer": "区应急管理局"}
    data.update(kw)
    return data


def test_only_kind_title_and_issuer_are_required(district):
    draft = parse_draft(base())
    assert draft.issuer.name == "区应急管理局" and draft.targets == () and draft.targets_all


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ({"title": "t", "issuer": "区应急管理局"}, "kind"),
        ({"kind": "memo", "title": "t", "issuer": "区应急管理局"}, "“memo”"),
        ({"kind": "document", "issuer": "区应急管理局"}, "title"),
        ({"kind": "document", "title": "t"}, "issuer"),
        ({"kind": "document", "title": "t", "issuer": "不存在局"}, "未知单位“不存在局”"),
        ({"kind": "document", "title": "t", "issuer": "区应急管理局", "targets": ["青山镇", "火星镇"]}, "火星镇"),
        ({"kind": "document", "title": "t", "issuer": "区应急管理局", "date": "2025-13-01"}, "date"),
        (base(meeting={"mode": "teleport"}), "meeting.mode"),
        (base(meeting={"duration_minutes": "long"}), "duration_minutes"),
        (base(kind="inspection", inspection={"category": "巡视"}), "巡视"),
        (base(kind="data_request", data_request={"frequency": "hourly"}), "hourly"),
        (base(kind="app", app={"platform": "fax"}), "fax"),
        ("not an object", "JSON 对象"),
    ],
)
def test_bad_input_names_the_field_and_value(district, data, fragment):
    with pytest.raises(DraftError) as err:
        parse_draft(data)
    assert fragment in str(err.value)


def test_date_defaults_to_the_meeting_start_or_inspection_start(district):
    assert parse_draft(base(meeting={"starts_at": "2025-11-03T09:00"})).date == dt.date(2025, 11, 3)
    insp = parse_draft(base(kind="inspection", inspection={"starts_on": "2025-10-01", "category": "supervision"}))
    assert insp.date == dt.date(2025, 10, 1) and insp.year == 2025 and insp.category == "督查"


def test_unit_aliases_and_chinese_labels_are_accepted(district):
    from jianfu.org.models import UnitAlias

    UnitAlias.objects.create(unit=district["dept_a"], alias="应急局")
    draft = parse_draft({"kind": "发文", "title": "t", "issuer": "应急局", "targets": ["青山镇", "青山镇"]})
    assert draft.kind == "document" and draft.issuer.name == "区应急管理局" and len(draft.targets) == 1


def test_ledger_item_round_trips_into_a_draft(district):
    item = make_item(
        kind="inspection",
        issuer=district["dept_a"],
        title="消防检查",
        targets=[district["township"]],
        date=dt.date(2025, 11, 5),
        ends_on=dt.date(2025, 11, 7),
        category="检查",
    )
    draft = parse_draft(item_to_draft(item))
    assert draft.kind == "inspection" and draft.date == dt.date(2025, 11, 5)
    assert draft.ends_on == dt.date(2025, 11, 7) and [t.name for t in draft.targets] == ["青山镇"]
