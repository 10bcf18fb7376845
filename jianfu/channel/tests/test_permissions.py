"""The permissions matrix of jianfu/channel/permissions.py, checked on the rules,
the pages and the API."""

import pytest
from django.urls import reverse
from django.utils import timezone

from jianfu.channel import permissions, services
from jianfu.channel.models import BurdenType, Identity


@pytest.fixture
def assigned(district, personas, village_cadre):
    """A named report by the village cadre, assigned to department A."""
    report, _ = services.file_report(
        identity=Identity.NAMED, burden_type=BurdenType.CHECKIN, description="每日打卡三次。", by=village_cadre
    )
    return services.assign_report(
        report=report, department=district["dept_a"], due_on=timezone.localdate(), by=personas["reviewer"]
    )


# who → (file, view assigned report, triage, answer, stats, see named identity)
MATRIX = {
    "reviewer": (False, True, True, False, True, True),
    "leader": (False, True, False, False, True, True),
    "clerk_a": (False, True, False, True, False, True),
    "head_a": (False, True, False, True, False, True),
    "clerk_b": (False, False, False, False, False, False),
    "township": (True, False, False, False, False, False),
    "admin": (False, False, False, False, False, False),
}


@pytest.mark.parametrize("who", list(MATRIX))
def test_permission_rules_follow_the_matrix(who, personas, assigned):
    user = personas[who]
    expected = MATRIX[who]
    actual = (
        permissions.can_file(user),
        permissions.can_view_report(user, assigned),
        permissions.can_triage(user),
        permissions.can_answer(user, assigned),
        permissions.can_view_stats(user),
        permissions.can_see_identity(user, assigned),
    )
    assert actual == expected


def test_reporter_sees_own_named_report_and_anonymous_visitor_sees_nothing(village_cadre, assigned):
    from django.contrib.auth.models import AnonymousUser

    assert permissions.can_view_report(village_cadre, assigned)
    assert permissions.can_see_identity(village_cadre, assigned)
    assert not permissions.can_view_report(AnonymousUser(), assigned)
    assert list(permissions.visible_reports(AnonymousUser())) == []


@pytest.mark.parametrize("who", list(MATRIX))
def test_report_page_is_shown_or_hidden_per_the_matrix(who, client, personas, assigned):
    client.force_login(personas[who])
    response = client.get(reverse("channel:report_detail", args=[assigned.pk]))
    assert response.status_code == (200 if MATRIX[who][1] else 404)


@pytest.mark.parametrize("who", list(MATRIX))
def test_api_report_is_shown_or_hidden_per_the_matrix(who, client, personas, assigned):
    client.force_login(personas[who])
    response = client.get(f"/api/v1/channel/reports/{assigned.pk}")
    assert response.status_code == (200 if MATRIX[who][1] else 404)


@pytest.mark.parametrize("who", ["leader", "clerk_a", "township", "clerk_b"])
def test_only_the_office_can_assign(who, client, district, personas, assigned):
    client.force_login(personas[who])
    response = client.post(
        f"/api/v1/channel/reports/{assigned.pk}/assign",
        {"department_id": district["dept_b"].pk, "due_on": timezone.localdate().isoformat()},
        content_type="application/json",
    )
    assert response.status_code in (403, 404)
    assigned.refresh_from_db()
    assert assigned.assigned_to == district["dept_a"]


@pytest.mark.parametrize("who", ["reviewer", "leader", "clerk_b", "township"])
def test_only_the_assigned_department_can_answer_through_the_api(who, client, personas, assigned):
    client.force_login(personas[who])
    response = client.post(
        f"/api/v1/channel/reports/{assigned.pk}/answer",
        {"answer": "我们来答复这件事。"},
        content_type="application/json",
    )
    assert response.status_code in (403, 404)


def test_department_answers_through_the_page(client, personas, assigned):
    client.force_login(personas["head_a"])
    response = client.post(reverse("channel:answer", args=[assigned.pk]), {"answer": "已取消打卡要求。"})
    assert response.status_code == 302
    assigned.refresh_from_db()
    assert assigned.status == "answered"


def test_pages_need_a_login_except_filing_by_link_and_receipt(client, point):
    assert client.get(reverse("channel:index")).status_code == 302
    assert client.get(reverse("channel:report_list")).status_code == 302
    assert client.get(reverse("channel:new_report")).status_code == 302
    assert client.get(reverse("channel:receipt")).status_code == 200
    assert client.get(reverse("channel:point_report", args=[point.link_token])).status_code == 200
    assert client.get(reverse("channel:point_report", args=["x" * 32])).status_code == 404


def test_non_grassroots_users_cannot_open_the_filing_page(client, personas):
    client.force_login(personas["clerk_a"])
    assert client.get(reverse("channel:new_report")).status_code == 403


def test_points_page_is_for_office_and_leader_only(client, personas, point):
    for who, code in (("reviewer", 200), ("leader", 200), ("clerk_a", 403), ("township", 403)):
        client.force_login(personas[who])
        assert client.get(reverse("channel:points")).status_code == code, who
    client.force_login(personas["leader"])
    page = client.get(reverse("channel:points")).content.decode()
    assert point.link_token not in page  # the link is handed out by the office only
