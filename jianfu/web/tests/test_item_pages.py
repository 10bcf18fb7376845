"""The clerk's and the reviewer's journeys through the item pages (without a browser)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jianfu.ledger.choices import Kind, Status
from jianfu.ledger.models import Item
from jianfu.web.models import Notification
from jianfu.web.tests.factories import client_for, draft, issued, submitted
from jianfu.web.views.common import PAGE_SIZE


def _form(**over):
    data = {
        "kind": Kind.DOCUMENT,
        "title": "关于做好冬季安全生产的通知",
        "body": "请各镇做好冬季安全生产工作。",
        "date": "2025-11-20",
        "targets": [],
    }
    data.update(over)
    return data


def test_clerk_creates_a_meeting_with_its_own_fields(personas, district):
    client = client_for(personas["clerk_a"])
    response = client.post(
        "/items/new/",
        _form(
            kind=Kind.MEETING,
            title="安全生产工作会",
            starts_at="2025-11-21T09:00",
            duration_minutes="60",
            mode="video",
            attendee_level="deputy",
            targets=[district["township"].pk],
        ),
    )
    item = Item.objects.get(title="安全生产工作会")
    assert response.status_code == 302 and response["Location"] == f"/items/{item.pk}/"
    assert (item.kind, item.mode, item.duration_minutes, item.status) == ("meeting", "video", 60, Status.DRAFT)
    assert item.issuer == district["dept_a"] and not item.targets_all
    assert list(item.target_links.values_list("unit_id", flat=True)) == [district["township"].pk]


def test_a_draft_without_targets_is_addressed_to_all(personas, district):
    client_for(personas["clerk_a"]).post("/items/new/", _form())
    assert Item.objects.get().targets_all is True


def test_validation_errors_are_chinese_and_keep_what_was_typed(personas, district):
    response = client_for(personas["clerk_a"]).post(
        "/items/new/", _form(title="", body="我写了很长的正文", duration_minutes="abc", kind=Kind.MEETING)
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "请填写标题。" in html and "请填写整数分钟数。" in html
    assert "我写了很长的正文" in html
    assert not Item.objects.exists()


def test_a_task_without_estimated_hours_is_refused_with_a_reason(personas, district):
    response = client_for(personas["clerk_a"]).post("/items/new/", _form(kind=Kind.TASK, title="人口普查入户任务"))
    assert "属地任务须填写每单位每次预计工时。" in response.content.decode()


def test_changing_the_kind_swaps_in_that_kinds_fields_keeping_typed_values(personas, district):
    response = client_for(personas["clerk_a"]).post(
        "/items/kind-fields/", _form(kind=Kind.INSPECTION, method="四不两直"), HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert 'name="category"' in html and 'name="ends_on"' in html and 'value="四不两直"' in html
    assert 'name="duration_minutes"' not in html


def test_live_review_marks_the_evidence_in_the_body_with_advice(personas, district):
    body = "请各村于本周五前上传照片和视频作为佐证。"
    response = client_for(personas["clerk_a"]).post("/items/review/", _form(body=body), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'data-code="PHOTO_VIDEO_DEMAND"' in html
    assert "<mark" in html and "照片" in html.split("<mark", 1)[1]
    assert 'data-testid="verdict"' in html


def test_live_review_asks_for_a_title_first(personas, district):
    response = client_for(personas["clerk_a"]).post("/items/review/", _form(title=""))
    assert "填写标题后" in response.content.decode()


def test_live_review_shows_a_near_duplicate_side_by_side(personas, district, django_capture_on_commit_callbacks):
    text = (
        "为切实加强冬季安全生产工作，防范各类事故发生，请各镇街对辖区企业开展全面排查，建立隐患清单，限期整改到位。" * 3
    )
    with django_capture_on_commit_callbacks(execute=True):
        old = issued(personas, district, title="关于加强冬季安全生产工作的通知", body=text)
    response = client_for(personas["clerk_a"]).post(
        "/items/review/", _form(title="关于加强冬季安全生产工作的通知", body=text.replace("限期", "按时"))
    )
    html = response.content.decode()
    assert 'data-code="NEAR_DUPLICATE"' in html
    assert 'data-testid="compare"' in html and f"/items/{old.pk}/" in html
    assert '<mark class="diff">' in html


def test_submit_waits_for_the_heads_sign_off_where_the_department_requires_it(personas, district):
    district["dept_a"].requires_head_signoff = True
    district["dept_a"].save()
    item = draft(personas, district)
    clerk, head = client_for(personas["clerk_a"]), client_for(personas["head_a"])
    clerk.post(f"/items/{item.pk}/submit/")
    clerk.post(f"/items/{item.pk}/submit/")
    item.refresh_from_db()
    assert item.status == Status.DRAFT
    assert Notification.objects.filter(user=personas["head_a"], kind="signoff", item=item).count() == 1
    head.post(f"/items/{item.pk}/sign-off/")
    clerk.post(f"/items/{item.pk}/submit/")
    item.refresh_from_db()
    assert item.status == Status.SUBMITTED and item.signed_off_by == personas["head_a"]
    assert item.latest_review is not None


def test_return_revise_resubmit_approve_issue(personas, district):
    item = submitted(personas, district)
    clerk, reviewer = client_for(personas["clerk_a"]), client_for(personas["reviewer"])
    reviewer.post(
        f"/items/{item.pk}/decide/", {"decision": "return", "comment": "请删去拍照要求", "expected_status": "submitted"}
    )
    item.refresh_from_db()
    assert item.status == Status.RETURNED
    home = clerk.get("/items/")
    assert home.context["unread_notifications"] == 1
    page = clerk.get(f"/items/{item.pk}/").content.decode()
    assert "请删去拍照要求" in page and "重新提交" in page
    clerk.post(f"/items/{item.pk}/edit/", _form(title=item.title, body="请各镇做好工作。"))
    item.refresh_from_db()
    assert item.status == Status.DRAFT and item.body == "请各镇做好工作。"
    clerk.post(f"/items/{item.pk}/submit/")
    reviewer.post(f"/items/{item.pk}/decide/", {"decision": "approve", "expected_status": "submitted"})
    clerk.post(f"/items/{item.pk}/issue/", {"issued_on": "2025-11-25", "number": "区应急〔2025〕9号"})
    item.refresh_from_db()
    assert (item.status, item.issued_on, item.number) == (Status.ISSUED, dt.date(2025, 11, 25), "区应急〔2025〕9号")
    history = clerk.get(f"/items/{item.pk}/").content.decode()
    for label in ("新建", "提交审核", "退回修改", "修改", "批准", "登记发布"):
        assert label in history
    assert "正文：" in history and "已提交 → 已退回" in history  # field by field, in words


def test_returning_without_a_comment_is_refused(personas, district):
    item = submitted(personas, district)
    response = client_for(personas["reviewer"]).post(f"/items/{item.pk}/decide/", {"decision": "return"}, follow=True)
    assert "退回或否决须填写意见" in response.content.decode()
    item.refresh_from_db()
    assert item.status == Status.SUBMITTED


def test_a_decision_on_an_item_someone_else_decided_gives_a_clear_message(personas, district):
    item = submitted(personas, district)
    reviewer = client_for(personas["reviewer"])
    reviewer.post(f"/items/{item.pk}/decide/", {"decision": "approve", "expected_status": "submitted"})
    response = reviewer.post(
        f"/items/{item.pk}/decide/",
        {"decision": "reject", "comment": "重复", "expected_status": "submitted"},
        follow=True,
    )
    assert "已被他人处理" in response.content.decode()
    item.refresh_from_db()
    assert item.status == Status.APPROVED


def test_reviewer_merges_an_item_into_another(personas, district):
    target = issued(personas, district, title="年度安全检查通知")
    item = submitted(personas, district)
    client_for(personas["reviewer"]).post(
        f"/items/{item.pk}/merge/", {"target": target.pk, "comment": "并入年度通知", "expected_status": "submitted"}
    )
    item.refresh_from_db()
    assert item.status == Status.MERGED and item.merged_into == target


def test_merge_into_a_missing_item_names_it(personas, district):
    item = submitted(personas, district)
    response = client_for(personas["reviewer"]).post(f"/items/{item.pk}/merge/", {"target": 99999}, follow=True)
    assert "没有编号为 99999 的事项" in response.content.decode()


def test_queue_puts_blocked_items_first_and_batch_approves(personas, district):
    why = "上级临时部署，计划外"
    plain = submitted(personas, district, title="普通通知", body="请做好工作。", justification=why)
    blocking = submitted(personas, district, title="考核通知", body="对工作不力的实行一票否决。", justification=why)
    reviewer = client_for(personas["reviewer"])
    page = reviewer.get("/queue/")
    order = [item.pk for item in page.context["page"]]
    assert plain.latest_review.verdict != "block" and blocking.latest_review.verdict == "block"
    assert order.index(blocking.pk) < order.index(plain.pk)
    reviewer.post("/queue/batch/", {"action": "approve", "ids": [plain.pk, blocking.pk]})
    assert set(Item.objects.values_list("status", flat=True)) == {Status.APPROVED}


def test_batch_return_needs_a_comment(personas, district):
    item = submitted(personas, district)
    response = client_for(personas["reviewer"]).post(
        "/queue/batch/", {"action": "return", "ids": [item.pk]}, follow=True
    )
    assert "批量退回须填写意见" in response.content.decode()


def test_deleting_a_draft(personas, district):
    item = draft(personas, district)
    client_for(personas["clerk_a"]).post(f"/items/{item.pk}/delete/")
    assert not Item.objects.filter(pk=item.pk).exists()


def test_ledger_search_filters_by_kind_status_text_and_finding_code(personas, district):
    issued(personas, district, title="冬季会议", kind=Kind.MEETING)
    issued(personas, district, title="入户调查表", kind=Kind.DATA_REQUEST)
    photo = submitted(personas, district, title="拍照通知", body="请上传照片作为佐证。")
    client = client_for(personas["reviewer"])

    def titles(query):
        return {item.title for item, _ in client.get(f"/items/?{query}").context["rows"]}

    assert titles("kind=meeting") == {"冬季会议"}
    assert titles("status=submitted") == {"拍照通知"}
    assert titles("q=入户") == {"入户调查表"}
    assert titles("code=PHOTO_VIDEO_DEMAND") == {photo.title}
    assert titles("period=2025Q4") == {"冬季会议", "入户调查表", photo.title}
    assert titles("period=2024") == set()
    exported = client.get("/items/?kind=meeting&format=csv").content.decode("utf-8-sig")
    assert exported.splitlines()[1].split(",")[3] == "冬季会议" and len(exported.splitlines()) == 2
    response = client.get("/items/?date_from=not-a-date")
    assert "不是有效日期" in response.content.decode()


def test_ledger_pages_and_queue_keep_query_counts_bounded(personas, district, django_assert_max_num_queries):
    for n in range(40):
        issued(personas, district, title=f"通知{n}", targets=("township", "street"))
    for n in range(5):
        submitted(personas, district, title=f"待审{n}")
    reviewer, township = client_for(personas["reviewer"]), client_for(personas["township"])
    with django_assert_max_num_queries(12):
        assert reviewer.get("/items/").status_code == 200
    with django_assert_max_num_queries(10):
        assert reviewer.get("/queue/").status_code == 200
    with django_assert_max_num_queries(10):
        assert township.get(f"/bill/{district['township'].pk}/").status_code == 200


@pytest.mark.parametrize("who", ["reviewer", "clerk_a", "township"])
def test_ledger_page_queries_do_not_grow_with_its_rows(personas, district, who):
    client = client_for(personas[who])

    def page():
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/items/")
        assert response.status_code == 200
        return len(queries), len(response.context["rows"])

    submitted(personas, district, title="待审0")
    issued(personas, district, title="通知0", targets=("township", "street"))
    page()  # the session's first request may differ
    few_queries, few_rows = page()
    for n in range(1, PAGE_SIZE + 5):
        if n % 5 == 0:
            submitted(personas, district, title=f"待审{n}")
        issued(personas, district, title=f"通知{n}", targets=("township",), targets_all=n % 7 == 0)
    many_queries, many_rows = page()
    assert few_rows < many_rows == PAGE_SIZE
    assert many_queries == few_queries


def test_ledger_count_is_capped_and_paging_goes_on_past_the_cap(personas, district, monkeypatch):
    from jianfu.web.views import items

    for n in range(PAGE_SIZE + 5):
        issued(personas, district, title=f"通知{n}")
    client = client_for(personas["reviewer"])
    assert "共 35 项" in client.get("/items/").content.decode()
    monkeypatch.setattr(items, "COUNT_CAP", 10)
    first = client.get("/items/").content.decode()
    assert f"超过 {PAGE_SIZE} 项" in first and "第 1 页" in first and 'href="?page=2">下一页' in first
    second = client.get("/items/?page=2")
    assert len(second.context["rows"]) == 5 and not second.context["page"].paginator.capped
    html = second.content.decode()
    assert "共 35 项" in html and "第 2 / 2 页" in html and "下一页" not in html


def test_ledger_rows_and_filters_are_escaped_and_keep_the_choice(personas, district):
    issued(personas, district, title='<b>"冬季"&安全</b>', kind=Kind.MEETING)
    dept = district["dept_a"]
    html = client_for(personas["reviewer"]).get(f"/items/?kind=meeting&issuer={dept.pk}").content.decode()
    assert "&lt;b&gt;&quot;冬季&quot;&amp;安全&lt;/b&gt;</a>" in html and "<b>" not in html
    assert '<option value="meeting" selected>会议</option>' in html
    assert f'<option value="{dept.pk}" selected>{dept.name}</option>' in html
    assert html.count(" selected>") == 2


def test_notifications_mark_read(personas, district):
    item = submitted(personas, district)
    client_for(personas["reviewer"]).post(f"/items/{item.pk}/decide/", {"decision": "approve"})
    clerk = client_for(personas["clerk_a"])
    assert clerk.get("/notifications/").context["unread_notifications"] == 1
    clerk.post("/notifications/read/")
    assert clerk.get("/").context["unread_notifications"] == 0


def test_overdue_reminders_are_created_once(personas, district):
    import datetime as dt

    from django.utils import timezone

    item = submitted(personas, district)
    Item.objects.filter(pk=item.pk).update(submitted_at=timezone.now() - dt.timedelta(days=8))
    reviewer = client_for(personas["reviewer"])
    reviewer.get("/notifications/")
    reviewer.get("/notifications/")
    reminders = Notification.objects.filter(user=personas["reviewer"], kind="overdue")
    assert [n.item_id for n in reminders] == [item.pk]


def test_item_page_lists_related_items_of_any_finding(personas, district):
    item = submitted(personas, district)
    other = issued(personas, district, title="另一份通知")
    review = item.latest_review
    review.findings = [
        *review.findings,
        {
            "code": "INSPECTION_OVERLAP",
            "severity": "warn",
            "message": "重叠",
            "evidence": [],
            "related": [{"id": other.pk, "title": other.title}],
        },
    ]
    review.save()
    html = client_for(personas["reviewer"]).get(f"/items/{item.pk}/").content.decode()
    assert f"#{other.pk} 另一份通知" in html and 'data-testid="compare"' in html


KIND_SAMPLES = {
    Kind.DOCUMENT: {"number": "区应急〔2025〕1号", "is_policy": "on"},
    Kind.MEETING: {"starts_at": "2025-11-21T09:00", "duration_minutes": "60", "mode": "video"},
    Kind.INSPECTION: {"category": "检查", "ends_on": "2025-11-30", "method": "四不两直", "materials_required": "on"},
    Kind.DATA_REQUEST: {"fields": "户籍人口数；低保户数", "frequency": "monthly"},
    Kind.TASK: {"estimated_hours": "4", "resources": ["人员", "经费"]},
    Kind.CAMPUS: {},
    Kind.AWARD: {"basis": "区委批复", "cycle": "每年"},
    Kind.APP: {"platform": "wechat_group", "daily_minutes": "15", "app_demands": "打卡、秒回"},
}


@pytest.mark.parametrize("kind", list(KIND_SAMPLES))
def test_every_kind_has_its_form_and_saves_its_fields(personas, district, kind):
    client = client_for(personas["clerk_a"])
    page = client.get(f"/items/new/?kind={kind}").content.decode()
    for name in KIND_SAMPLES[kind]:
        assert f'name="{name}"' in page
    response = client.post("/items/new/", _form(kind=kind, title=f"{kind} 事项", **KIND_SAMPLES[kind]))
    assert response.status_code == 302, response.content.decode()[:2000]
    item = Item.objects.get(title=f"{kind} 事项")
    assert item.kind == kind
    if kind == Kind.DATA_REQUEST:
        assert item.fields == ["户籍人口数", "低保户数"] and item.frequency == "monthly"
    if kind == Kind.TASK:
        assert item.resources == ["人员", "经费"] and item.estimated_hours == 4
    if kind == Kind.APP:
        assert item.app_demands == ["打卡", "秒回"] and item.daily_minutes == 15
    if kind == Kind.INSPECTION:
        assert item.materials_required and item.ends_on == dt.date(2025, 11, 30)
    edit = client.get(f"/items/{item.pk}/edit/").content.decode()
    assert f'value="{kind} 事项"' in edit


def test_head_sees_drafts_waiting_for_sign_off_on_the_home_page(personas, district):
    district["dept_a"].requires_head_signoff = True
    district["dept_a"].save()
    draft(personas, district)
    todo = client_for(personas["head_a"]).get("/").context["todo"]
    assert todo[0][:2] == ("待我签批的草稿", 1)
