import datetime as dt

import pytest
from django.utils import timezone

from jianfu.channel import services
from jianfu.channel.models import BurdenReport, BurdenType, Identity, Relief, ReportStatus, StepKind
from jianfu.channel.services import ChannelError
from jianfu.ledger.choices import Kind, Status
from jianfu.ledger.models import Item, Review


def file(by=None, **kw):
    defaults = {
        "identity": Identity.ANONYMOUS,
        "burden_type": BurdenType.PHOTO_QUOTA,
        "description": "工作群要求每村每天上传5张入户照片，收到请回复。",
    }
    defaults.update(kw)
    return services.file_report(by=by, **defaults)


def test_receipt_code_is_long_random_and_only_its_hash_is_stored(village_cadre):
    report, code = file(by=village_cadre)
    assert len(services.normalise_receipt(code)) == 20
    assert code not in report.receipt_hash
    assert services.find_by_receipt(code).pk == report.pk
    assert services.find_by_receipt(code.lower().replace("-", " ")).pk == report.pk
    assert services.find_by_receipt("AAAA-BBBB-CCCC-DDDD-EEEE") is None
    _, other = file(by=village_cadre)
    assert other != code


def test_full_route_from_filing_to_reporter_feedback(district, personas, village_cadre):
    report, code = file(by=village_cadre, unit=district["township"])
    assert report.status == ReportStatus.NEW
    due = timezone.localdate() + dt.timedelta(days=7)
    services.assign_report(report=report, department=district["dept_a"], due_on=due, by=personas["reviewer"])
    services.answer_report(report=report, by=personas["clerk_a"], answer="已在工作群撤回拍照要求，不再考核照片数量。")
    report.refresh_from_db()
    assert report.status == ReportStatus.ANSWERED
    services.verify_report(report=report, by=personas["reviewer"], accept=True)
    services.record_feedback(report=report, relief=Relief.YES, comment="群里不再要照片了")
    report = services.find_by_receipt(code)
    assert report.status == ReportStatus.CLOSED
    assert report.resolved_on == timezone.localdate()
    assert report.relief == Relief.YES
    kinds = list(report.steps.values_list("kind", flat=True))
    assert kinds == [StepKind.FILED, StepKind.ASSIGNED, StepKind.ANSWERED, StepKind.CLOSED, StepKind.FEEDBACK]


def test_office_can_send_an_answer_back_and_must_say_why(district, personas, village_cadre):
    report, _ = file(by=village_cadre)
    services.assign_report(
        report=report, department=district["dept_a"], due_on=timezone.localdate(), by=personas["reviewer"]
    )
    services.answer_report(report=report, by=personas["clerk_a"], answer="已经口头通知不再要求。")
    with pytest.raises(ChannelError, match="退回重办须写明理由"):
        services.verify_report(report=report, by=personas["reviewer"], accept=False)
    services.verify_report(report=report, by=personas["reviewer"], accept=False, note="请书面撤回通知")
    report.refresh_from_db()
    assert report.status == ReportStatus.ASSIGNED


def test_only_the_assigned_department_can_answer(district, personas, village_cadre):
    report, _ = file(by=village_cadre)
    services.assign_report(
        report=report, department=district["dept_a"], due_on=timezone.localdate(), by=personas["reviewer"]
    )
    with pytest.raises(ChannelError, match="只有承办部门"):
        services.answer_report(report=report, by=personas["clerk_b"], answer="我们不是承办部门但想答复。")


def test_deadline_in_the_past_is_refused(district, personas, village_cadre):
    report, _ = file(by=village_cadre)
    with pytest.raises(ChannelError, match="不能早于今天"):
        services.assign_report(
            report=report,
            department=district["dept_a"],
            due_on=timezone.localdate() - dt.timedelta(days=1),
            by=personas["reviewer"],
        )


def test_overdue_reports_are_flagged(district, personas, village_cadre):
    report, _ = file(by=village_cadre)
    services.assign_report(
        report=report, department=district["dept_a"], due_on=timezone.localdate(), by=personas["reviewer"]
    )
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert list(BurdenReport.objects.overdue(tomorrow)) == [BurdenReport.objects.get(pk=report.pk)]
    assert not BurdenReport.objects.overdue(timezone.localdate()).exists()


def test_merged_duplicate_follows_its_target_to_the_end(district, personas, village_cadre):
    first, _ = file(by=village_cadre)
    dup, dup_code = file(by=village_cadre)
    services.merge_reports(source=dup, target=first, by=personas["reviewer"])
    with pytest.raises(ChannelError, match="只有待分办或整改中"):
        services.merge_reports(source=dup, target=first, by=personas["reviewer"])
    services.assign_report(
        report=first, department=district["dept_a"], due_on=timezone.localdate(), by=personas["reviewer"]
    )
    services.answer_report(report=first, by=personas["clerk_a"], answer="已撤回拍照要求并通报。")
    services.verify_report(report=first, by=personas["reviewer"], accept=True)
    dup = services.find_by_receipt(dup_code)
    assert dup.status == ReportStatus.MERGED and dup.merged_into_id == first.pk
    assert dup.steps.filter(kind=StepKind.CLOSED).exists()


def test_report_can_not_be_merged_into_itself(personas, village_cadre):
    report, _ = file(by=village_cadre)
    with pytest.raises(ChannelError, match="自身"):
        services.merge_reports(source=report, target=report, by=personas["reviewer"])


def test_named_filing_needs_a_login_and_link_filing_is_anonymous(point):
    with pytest.raises(ChannelError, match="须先登录"):
        file(identity=Identity.NAMED, point=point)
    report, _ = file(point=point)
    assert report.reporter is None


def test_reporter_may_only_name_their_own_unit_or_a_parent(district, village_cadre):
    with pytest.raises(ChannelError, match="不是您所在单位或其上级"):
        file(by=village_cadre, unit=district["street"])
    report, _ = file(by=village_cadre, unit=district["township"])
    assert report.unit == district["township"]


def test_empty_description_and_future_date_are_refused_with_chinese_messages(village_cadre):
    with pytest.raises(ChannelError, match="请写明具体情况"):
        file(by=village_cadre, description="  ")
    with pytest.raises(ChannelError, match="晚于今天"):
        file(by=village_cadre, happened_on=timezone.localdate() + dt.timedelta(days=3))
    assert not BurdenReport.objects.exists()


def test_feedback_before_an_answer_is_refused(village_cadre):
    report, _ = file(by=village_cadre)
    with pytest.raises(ChannelError, match="答复之后"):
        services.record_feedback(report=report, relief=Relief.NO)


def test_report_becomes_an_issued_ledger_item_reviewed_by_the_gate(district, personas, village_cadre):
    report, _ = file(
        by=village_cadre,
        burden_type=BurdenType.NOTE,
        unit=district["township"],
        department=district["dept_a"],
        description="以便笺方式通知各村每周报送安全检查台账，并要求拍照上传。",
    )
    item = services.turn_into_item(report=report, by=personas["reviewer"])
    assert item.status == Status.ISSUED
    assert item.kind == Kind.DOCUMENT
    assert item.issuer == district["dept_a"]
    assert list(item.targets.all()) == [district["township"]]
    report.refresh_from_db()
    assert report.found_item == item and report.found_on == timezone.localdate()
    assert Review.objects.filter(item=item, trigger="channel").count() == 1
    with pytest.raises(ChannelError, match="已纳入台账"):
        services.turn_into_item(report=report, by=personas["reviewer"])


def test_turning_into_an_item_needs_an_issuing_department(personas, village_cadre):
    report, _ = file(by=village_cadre)
    with pytest.raises(ChannelError, match="发起部门"):
        services.turn_into_item(report=report, by=personas["reviewer"])
    assert not Item.objects.exists()


def test_a_failing_gate_does_not_lose_the_item(monkeypatch, district, personas, village_cadre):
    import jianfu.gate.service

    def broken(item):
        raise RuntimeError("规则库未就绪")

    monkeypatch.setattr(jianfu.gate.service, "review_item", broken)
    report, _ = file(by=village_cadre, department=district["dept_a"])
    item = services.turn_into_item(report=report, by=personas["reviewer"], kind=Kind.APP)
    assert Item.objects.filter(pk=item.pk, status=Status.ISSUED).exists()
    assert "前置审核未能完成" in report.steps.get(kind=StepKind.ITEM_FOUND).note


def test_survey_resubmission_replaces_the_month_and_bad_hours_are_named(point):
    month = dt.date(2025, 10, 1)
    services.submit_survey(point=point, month=month, hours={"hours_forms": 10, "hours_apps": "5"})
    row = services.submit_survey(point=point, month=month, hours={"hours_forms": 12, "hours_meetings": 3})
    assert point.surveys.count() == 1
    assert row.total_hours == 15.0
    with pytest.raises(ChannelError, match="“开会”的小时数“很多”不是数字"):
        services.submit_survey(point=point, month=month, hours={"hours_meetings": "很多"})
    with pytest.raises(ChannelError, match="超出范围"):
        services.submit_survey(point=point, month=month, hours={"hours_apps": 1000})


def test_only_grassroots_units_can_be_monitoring_points(district, personas):
    with pytest.raises(ChannelError, match="不是基层单位"):
        services.create_point(unit=district["dept_a"], by=personas["reviewer"])
    point = services.create_point(unit=district["school"], by=personas["reviewer"])
    assert len(point.link_token) >= 24
    old = point.link_token
    services.rotate_point_link(point=point, by=personas["reviewer"])
    assert services.point_by_token(old) is None
    assert services.point_by_token(point.link_token) == point


def test_a_closed_report_can_be_reopened_when_the_burden_did_not_go_away(district, personas, village_cadre):
    report, code = file(by=village_cadre)
    services.assign_report(
        report=report, department=district["dept_a"], due_on=timezone.localdate(), by=personas["reviewer"]
    )
    services.answer_report(report=report, by=personas["clerk_a"], answer="已口头通知不再拍照。")
    services.verify_report(report=report, by=personas["reviewer"], accept=True)
    services.record_feedback(report=report, relief=Relief.NO, comment="群里还在要照片")
    with pytest.raises(ChannelError, match="须写明理由"):
        services.reopen_report(report=report, by=personas["reviewer"], note=" ")
    services.reopen_report(report=report, by=personas["reviewer"], note="反映人评价没有减轻")
    report = services.find_by_receipt(code)
    assert report.status == ReportStatus.ASSIGNED and report.resolved_on is None
    assert report.due_on >= timezone.localdate()
    with pytest.raises(ChannelError, match="只有已办结"):
        services.reopen_report(report=report, by=personas["reviewer"], note="再来一次")
