"""The list keeper's pages: quotas with their bars, thresholds, the lexicon's 试一试, import/export."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jianfu.ledger.choices import Kind
from jianfu.ledger.models import BodyChange, CoordinationBody, DutyEntry, Quota
from jianfu.org.models import Setting
from jianfu.web.tests.factories import client_for, issued


def test_quota_page_shows_used_and_remaining(personas, district):
    Quota.objects.create(year=2025, unit=district["dept_a"], kind=Kind.DOCUMENT, quota=3)
    issued(personas, district, title="一")
    issued(personas, district, title="二")
    response = client_for(personas["reviewer"]).get("/lists/plans/?year=2025")
    row = response.context["quota_rows"][0]
    assert (row["used"], row["remaining"], row["over"]) == (2, 1, False)
    assert '<meter min="0" max="3"' in response.content.decode()


def test_bodies_page_shows_history(personas, district):
    body = CoordinationBody.objects.create(name="区安全生产委员会", lead=district["dept_a"])
    BodyChange.objects.create(body=body, status="merged", changed_on="2025-06-30", note="并入应急委")
    html = client_for(personas["reviewer"]).get("/lists/bodies/").content.decode()
    assert "区安全生产委员会" in html and "2025-06-30 合并（并入应急委）" in html


def test_thresholds_are_saved_as_settings(personas, district):
    client = client_for(personas["reviewer"])
    client.post("/lists/thresholds/save/", {"gate:meeting_max_minutes": "60", "meter:campus_hours": "5"})
    assert Setting.objects.get(key="gate.thresholds").value == {"meeting_max_minutes": 60}
    assert Setting.objects.get(key="meter.defaults").value == {"campus_hours": 5}


def test_a_bad_threshold_is_named_and_nothing_is_saved(personas, district):
    response = client_for(personas["admin"]).post("/lists/thresholds/save/", {"gate:meeting_max_minutes": "九十"})
    html = response.content.decode()
    assert "“九十”不是数字。" in html and 'value="九十"' in html
    assert not Setting.objects.filter(key="gate.thresholds").exists()


def test_lexicon_try_shows_which_rules_fire(personas, district):
    response = client_for(personas["reviewer"]).post("/lists/lexicon/try/", {"text": "请今晚前上传照片，收到请回复。"})
    html = response.content.decode()
    assert 'data-code="PHOTO_VIDEO_DEMAND"' in html and 'data-code="INSTANT_REPLY_DEMAND"' in html
    assert 'data-code="NOT_IN_PLAN"' not in html


def test_lexicon_try_does_not_fire_on_a_prohibition(personas, district):
    response = client_for(personas["reviewer"]).post("/lists/lexicon/try/", {"text": "不得要求基层拍照留痕。"})
    assert 'data-code="PHOTO_VIDEO_DEMAND"' not in response.content.decode()


def _csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("duty.csv", text.encode("utf-8"), content_type="text/csv")


def test_import_is_previewed_then_confirmed(personas, district):
    client = client_for(personas["reviewer"])
    preview = client.post(
        "/lists/duty/import/", {"file": _csv("事项,主责部门,乡镇职责\n安全生产巡查,区应急管理局,配合\n")}
    )
    assert "检查通过" in preview.content.decode()
    assert not DutyEntry.objects.exists()
    stored = preview.context["stored"]
    done = client.post("/lists/duty/import/confirm/", {"stored": stored}, follow=True)
    assert "导入完成" in done.content.decode()
    assert DutyEntry.objects.get().matter == "安全生产巡查"


def test_import_with_a_bad_row_reports_the_row_and_writes_nothing(personas, district):
    client = client_for(personas["reviewer"])
    response = client.post(
        "/lists/whitelist/import/",
        {"file": _csv("年度,活动,主办单位\n2025,消防进校园,区消防救援大队\n二〇二五,交通安全课,区交警大队\n")},
    )
    html = response.content.decode()
    assert "第3行" in html and 'data-testid="import-errors"' in html
    assert "确认导入" not in html


def test_a_stale_confirmation_is_refused(personas, district):
    response = client_for(personas["reviewer"]).post(
        "/lists/duty/import/confirm/", {"stored": "imports/x.csv"}, follow=True
    )
    assert "导入已过期或已完成" in response.content.decode()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_downloads_the_list(personas, district, fmt):
    DutyEntry.objects.create(matter="森林防火", responsible="区应急管理局")
    response = client_for(personas["leader"]).get(f"/lists/duty/export/?fmt={fmt}")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'duty-list.{fmt}"')
    if fmt == "csv":
        assert "森林防火" in response.content.decode("utf-8-sig")


def test_leader_may_not_import(personas, district):
    response = client_for(personas["leader"]).post("/lists/duty/import/", {"file": _csv("事项\n巡查\n")})
    assert response.status_code == 403


def test_reviewer_adds_a_plan_entry_and_quota_from_the_page(personas, district):
    client = client_for(personas["reviewer"])
    client.post(
        "/lists/plans/add/",
        {"year": "2025", "unit": district["dept_a"].pk, "kind": "document", "title": "安全生产年度通知", "quota": "12"},
    )
    assert Quota.objects.get(year=2025, unit=district["dept_a"], kind="document").quota == 12
    assert "安全生产年度通知" in client.get("/lists/plans/?year=2025").content.decode()


def test_a_refused_row_keeps_what_was_typed(personas, district):
    response = client_for(personas["reviewer"]).post(
        "/lists/whitelist/add/", {"year": "明年", "activity": "防溺水进校园", "organizer": "区教育局"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "“明年”不是整数" in html
    assert 'value="防溺水进校园"' in html


def test_deleting_a_list_row(personas, district):
    entry = DutyEntry.objects.create(matter="森林防火")
    client_for(personas["reviewer"]).post(f"/lists/duty/{entry.pk}/delete/")
    assert not DutyEntry.objects.exists()


def test_leader_cannot_add_or_delete_rows(personas, district):
    entry = DutyEntry.objects.create(matter="森林防火")
    leader = client_for(personas["leader"])
    assert leader.post("/lists/duty/add/", {"matter": "x"}).status_code == 403
    assert leader.post(f"/lists/duty/{entry.pk}/delete/").status_code == 403


def test_admin_adds_a_unit_and_the_reviewer_may_not(personas, district):
    data = {"name": "白云镇", "kind": "township", "parent": district["district"].pk, "aliases": "白云"}
    assert client_for(personas["reviewer"]).post("/lists/units/add/", data).status_code == 403
    client_for(personas["admin"]).post("/lists/units/add/", data)
    from jianfu.org.models import Unit

    unit = Unit.objects.get(name="白云镇")
    assert unit.parent == district["district"] and unit.alias_list() == ["白云"]


def test_admin_creates_a_clerk_and_changes_roles(personas, district):
    from jianfu.org.models import User

    admin = client_for(personas["admin"])
    bad = admin.post("/lists/users/new/", {"username": "clerk_c", "roles": ["clerk"], "password": "short"})
    html = bad.content.decode()
    assert "须指定所属单位" in html and 'value="clerk_c"' in html
    admin.post(
        "/lists/users/new/",
        {
            "username": "clerk_c",
            "display_name": "王五",
            "unit": district["dept_a"].pk,
            "roles": ["clerk"],
            "password": "Zhang-San-2025!",
        },
    )
    person = User.objects.get(username="clerk_c")
    assert person.has_role("clerk") and person.must_change_password and person.check_password("Zhang-San-2025!")
    admin.post(
        f"/lists/users/{person.pk}/",
        {"display_name": "王五", "unit": district["dept_a"].pk, "roles": ["head"], "is_active": ""},
    )
    person = User.objects.get(pk=person.pk)
    assert person.role_set == frozenset({"head"}) and not person.is_active


def test_only_the_administrator_manages_users(personas, district):
    assert client_for(personas["reviewer"]).get("/lists/users/new/").status_code == 403
    assert client_for(personas["reviewer"]).get(f"/lists/users/{personas['clerk_a'].pk}/").status_code == 403


def test_reviewer_adds_and_removes_a_lexicon_phrase(personas, district):
    from jianfu.gate.models import LexiconEntry

    client = client_for(personas["reviewer"])
    client.post("/lists/lexicon/add/", {"code": "PHOTO_VIDEO_DEMAND", "phrase": "晒图", "note": "网络用语"})
    entry = LexiconEntry.objects.get(phrase="晒图")
    assert entry.code == "PHOTO_VIDEO_DEMAND"
    bad = client.post("/lists/lexicon/add/", {"code": "NO_SUCH_RULE", "phrase": "x"})
    assert "未知的规则代码" in bad.content.decode()
    client.post(f"/lists/lexicon/{entry.pk}/delete/")
    assert not LexiconEntry.objects.filter(phrase="晒图").exists()
