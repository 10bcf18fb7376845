import datetime as dt

import pytest

from jianfu.ledger import lists
from jianfu.ledger.choices import BodyStatus, Kind
from jianfu.ledger.models import BodyChange, PlanEntry
from jianfu.org.models import AuditEvent, UnitKind
from jianfu.testing import make_item


def test_upsert_unit_creates_then_reports_unchanged_then_updated_with_audit(db):
    unit, outcome = lists.upsert_unit(name="青山镇", kind=UnitKind.TOWNSHIP, aliases=["青山"], by=None)
    assert outcome == lists.CREATED and unit.alias_list() == ["青山"]
    assert lists.upsert_unit(name="青山镇", kind=UnitKind.TOWNSHIP, aliases=["青山"], by=None)[1] == lists.UNCHANGED
    _, outcome = lists.upsert_unit(name="青山镇", kind=UnitKind.STREET, by=None)
    assert outcome == lists.UPDATED
    event = AuditEvent.objects.filter(action="unit.update").get()
    assert event.before == {"kind": "township"} and event.after == {"kind": "street"}


def test_an_alias_already_used_by_another_unit_is_refused(district):
    lists.upsert_unit(name="青山镇", aliases=["青山"], by=None)
    with pytest.raises(lists.ListError, match="别名“青山”已属于单位“青山镇”"):
        lists.upsert_unit(name="青山村", aliases=["青山"], by=None)
    with pytest.raises(lists.ListError, match="与另一单位的名称相同"):
        lists.upsert_unit(name="青山村", aliases=["河西街道"], by=None)


def test_a_unit_cannot_be_put_under_its_own_descendant(district):
    with pytest.raises(lists.ListError, match="循环"):
        lists.upsert_unit(name="青山镇", parent=district["village"], by=None)


def test_a_new_unit_needs_a_kind(db):
    with pytest.raises(lists.ListError, match="须填写类型"):
        lists.upsert_unit(name="新单位", by=None)


def test_renaming_a_row_through_its_instance_keeps_its_identity(district):
    entry, _ = lists.upsert_plan_entry(year=2025, unit=district["dept_a"], kind=Kind.DOCUMENT, title="旧", by=None)
    renamed, outcome = lists.upsert_plan_entry(
        year=2025, unit=district["dept_a"], kind=Kind.DOCUMENT, title="新", by=None, entry=entry
    )
    assert outcome == lists.UPDATED and renamed.pk == entry.pk
    assert list(PlanEntry.objects.values_list("title", flat=True)) == ["新"]


def test_renaming_onto_an_existing_key_is_refused(district):
    lists.upsert_duty_entry(matter="甲", by=None)
    second, _ = lists.upsert_duty_entry(matter="乙", by=None)
    with pytest.raises(lists.ListError, match="已存在"):
        lists.upsert_duty_entry(matter="甲", by=None, entry=second)


def test_body_status_changes_append_history_and_need_a_date(district):
    body, _ = lists.upsert_body(name="防汛指挥部", lead=district["dept_a"], by=None)
    assert not BodyChange.objects.exists()
    with pytest.raises(lists.ListError, match="须填写变更日期"):
        lists.upsert_body(name="防汛指挥部", status=BodyStatus.ABOLISHED, by=None)
    lists.upsert_body(name="防汛指挥部", status=BodyStatus.MERGED, changed_on=dt.date(2025, 3, 1), by=None)
    lists.upsert_body(name="防汛指挥部", status=BodyStatus.ABOLISHED, changed_on=dt.date(2025, 9, 1), by=None)
    body.refresh_from_db()
    assert body.status_on(dt.date(2025, 6, 1)) == BodyStatus.MERGED
    assert body.status_on(dt.date(2025, 10, 1)) == BodyStatus.ABOLISHED
    assert BodyChange.objects.count() == 2


def test_keep_leaves_optional_values_alone(db):
    lists.upsert_catalog_field(field="户籍人口数", owner="区公安分局", synonyms=["户籍人口"], by=None)
    row, outcome = lists.upsert_catalog_field(field="户籍人口数", system="人口库", by=None)
    assert outcome == lists.UPDATED
    assert (row.owner, row.system, row.synonyms) == ("区公安分局", "人口库", "户籍人口")


def test_quota_and_whitelist_services(district):
    quota, outcome = lists.set_quota(year=2025, unit=district["dept_a"], kind=Kind.MEETING, quota=6, by=None)
    assert outcome == lists.CREATED and quota.quota == 6
    with pytest.raises(lists.ListError):
        lists.set_quota(year=2025, unit=district["dept_a"], kind=Kind.MEETING, quota=-1, by=None)
    entry, _ = lists.upsert_whitelist_entry(year=2025, activity="禁毒宣传", per_semester=1, by=None)
    assert entry.per_semester == 1


def test_lexicon_entry_needs_a_known_code(db):
    with pytest.raises(lists.ListError, match="未知的规则代码"):
        lists.upsert_lexicon_entry(code="NOT_A_RULE", phrase="甲", by=None)
    row, outcome = lists.upsert_lexicon_entry(code="checkin_demand", phrase="刷脸", by=None)
    assert outcome == lists.CREATED and row.code == "CHECKIN_DEMAND"


def test_deleting_a_referenced_unit_is_refused_and_a_free_row_is_deleted_with_audit(district):
    make_item(issuer=district["dept_a"])
    with pytest.raises(lists.ListError, match="仍被其他记录引用"):
        lists.delete_list_row(row=district["dept_a"], by=None)
    entry, _ = lists.upsert_duty_entry(matter="河道保洁", by=None)
    pk = entry.pk
    lists.delete_list_row(row=entry, by=None)
    assert AuditEvent.objects.filter(action="dutyentry.delete", target_id=str(pk)).exists()
