"""Rules that read the reference lists and the ledger: each fires, and its near-miss does not."""

import datetime as dt

import pytest

from jianfu.gate import index
from jianfu.gate.service import review_draft
from jianfu.ledger.models import (
    BodyChange,
    CampusWhitelistEntry,
    CatalogField,
    CoordinationBody,
    DutyEntry,
    PlanEntry,
    Quota,
)
from jianfu.org.services import set_setting
from jianfu.testing import make_item


@pytest.fixture
def lists(district):
    dept = district["dept_a"]
    for kind, title, keywords in [
        ("document", "冬季安全生产大检查", "安全生产"),
        ("meeting", "安全生产工作会议", "安全生产"),
        ("inspection", "安全生产督查检查", "安全生产;消防"),
        ("data_request", "隐患排查统计", "隐患"),
        ("award", "平安单位评选", "平安单位"),
    ]:
        PlanEntry.objects.create(year=2025, unit=dept, kind=kind, title=title, keywords=keywords)
    DutyEntry.objects.create(matter="安全生产属地巡查", keywords="安全生产;巡查")
    CampusWhitelistEntry.objects.create(year=2025, activity="防溺水安全教育")
    CatalogField.objects.create(field="户籍人口数", synonyms="户籍人口", owner="区公安分局", system="人口信息系统")
    return district


def codes(data: dict) -> set[str]:
    return {f["code"] for f in review_draft(data)["findings"]}


def doc(**kw) -> dict:
    data = {
        "kind": "document",
        "title": "关于做好冬季安全生产大检查的通知",
        "issuer": "区应急管理局",
        "targets": ["青山镇"],
        "date": "2025-11-20",
        "body": "请认真组织实施。",
    }
    data.update(kw)
    return data


def test_plan_entry_is_matched_automatically_and_reported(lists):
    result = review_draft(doc())
    assert result["verdict"] == "pass"
    assert result["measures"]["matched"]["plan_entry"]["title"] == "冬季安全生产大检查"
    assert result["measures"]["matched"]["plan_entry"]["how"] == "自动匹配"


def test_item_outside_the_plan_is_blocked_and_a_justification_softens_it(lists):
    block = review_draft(doc(title="关于举办书法比赛的通知"))
    assert [(f["code"], f["severity"]) for f in block["findings"]] == [("NOT_IN_PLAN", "block")]
    assert "区应急管理局2025年度发文计划" in block["findings"][0]["message"]
    warn = review_draft(doc(title="关于举办书法比赛的通知", justification="上级临时部署"))
    assert [(f["code"], f["severity"]) for f in warn["findings"]] == [("NOT_IN_PLAN", "warn")]


def test_campus_and_task_are_not_checked_against_the_plan(lists):
    assert "NOT_IN_PLAN" not in codes(
        doc(kind="task", title="关于开展安全生产巡查的通知", task={"resources": ["经费"]})
    )


def test_quota_reached_blocks_but_one_below_does_not(lists):
    Quota.objects.create(year=2025, unit=lists["dept_a"], kind="document", quota=2)
    make_item(issuer=lists["dept_a"], title="甲", date=dt.date(2025, 3, 1))
    assert "QUOTA_EXCEEDED" not in codes(doc())
    make_item(issuer=lists["dept_a"], title="乙", date=dt.date(2025, 4, 1))
    result = review_draft(doc())
    quota = next(f for f in result["findings"] if f["code"] == "QUOTA_EXCEEDED")
    assert quota["severity"] == "block" and "总量为2件" in quota["message"]


def test_document_length_limits_follow_the_settings(lists):
    assert "DOC_TOO_LONG" not in codes(doc(body="字" * 3000))
    result = review_draft(doc(body="字" * 3001))
    assert [(f["code"], f["severity"]) for f in result["findings"]] == [("DOC_TOO_LONG", "warn")]
    assert review_draft(doc(body="字" * 5001))["verdict"] == "block"
    special = doc(body="字" * 4001, document={"special_task": True})
    assert review_draft(special)["verdict"] == "block"
    set_setting(key="gate.thresholds", value={"doc_warn_chars": 5000, "doc_block_chars": 8000}, by=None)
    assert "DOC_TOO_LONG" not in codes(doc(body="字" * 4500))


def meeting(**kw) -> dict:
    data = {
        "kind": "meeting",
        "title": "全区安全生产工作会议",
        "issuer": "区应急管理局",
        "targets": ["青山镇"],
        "meeting": {"starts_at": "2025-11-25T09:00", "duration_minutes": 60, "mode": "video"},
    }
    data["meeting"].update(kw.pop("meeting", {}))
    data.update(kw)
    return data


def test_meeting_length_and_mode_and_attendance(lists):
    assert codes(meeting()) == set()
    assert codes(meeting(meeting={"duration_minutes": 91})) == {"MEETING_TOO_LONG"}
    assert codes(meeting(meeting={"duration_minutes": 90})) == set()
    onsite = review_draft(meeting(meeting={"mode": "onsite"}))
    assert [(f["code"], f["severity"]) for f in onsite["findings"]] == [("ONSITE_WHEN_VIDEO", "info")]
    assert onsite["verdict"] == "pass"
    assert codes(meeting(meeting={"mode": "onsite"}, body="现场观摩应急演练。")) == set()
    assert codes(meeting(meeting={"attendee_level": "principal"})) == {"PRINCIPAL_ATTENDANCE"}
    assert codes(meeting(meeting={"attendee_level": "principal"}, targets=["区教育局"])) == set()


def test_meeting_on_the_same_day_for_the_same_unit_is_mergeable(lists):
    make_item(
        kind="meeting",
        issuer=lists["dept_b"],
        title="教育工作会",
        targets=[lists["township"]],
        date=dt.date(2025, 11, 25),
    )
    result = review_draft(meeting())
    merge = next(f for f in result["findings"] if f["code"] == "MEETING_MERGEABLE")
    assert merge["related"][0]["title"] == "教育工作会"
    assert "MEETING_MERGEABLE" not in codes(meeting(targets=["河西街道"]))


def test_meeting_of_an_abolished_body_is_blocked_only_after_abolition(lists):
    body = CoordinationBody.objects.create(name="区创卫领导小组", status="abolished", changed_on=dt.date(2025, 3, 1))
    BodyChange.objects.create(body=body, status="abolished", changed_on=dt.date(2025, 3, 1))
    result = review_draft(meeting(meeting={"coordination_body": "区创卫领导小组"}))
    assert [f["code"] for f in result["findings"]] == ["BODY_ABOLISHED"]
    assert "区创卫领导小组" in result["findings"][0]["message"]
    early = meeting(meeting={"coordination_body": "区创卫领导小组", "starts_at": "2025-02-10T09:00"})
    assert "BODY_ABOLISHED" not in codes(early)


def inspection(start: str, *, targets=("青山镇",), **kw) -> dict:
    data = {
        "kind": "inspection",
        "title": "安全生产督查检查",
        "issuer": "区应急管理局",
        "targets": list(targets),
        "inspection": {"category": "检查", "starts_on": start, "ends_on": start},
    }
    data["inspection"].update(kw.pop("inspection", {}))
    data.update(kw)
    return data


def test_inspection_overlap_within_30_days_and_cap_per_quarter(lists):
    make_item(kind="inspection", issuer=lists["dept_b"], title="校舍检查", targets=[lists["township"]],
              date=dt.date(2025, 10, 5), category="检查")  # fmt: skip
    make_item(kind="inspection", issuer=lists["dept_b"], title="食堂检查", targets=[lists["township"]],
              date=dt.date(2025, 11, 1), category="检查")  # fmt: skip
    overlap = review_draft(inspection("2025-11-20"))
    found = {f["code"]: f for f in overlap["findings"]}
    assert set(found) == {"INSPECTION_OVERLAP", "INSPECTION_CAP"}
    assert found["INSPECTION_OVERLAP"]["related"][0]["title"] == "食堂检查"
    assert "青山镇" in found["INSPECTION_CAP"]["message"]
    assert codes(inspection("2026-01-20", year=2025)) == set()
    assert codes(inspection("2025-12-20", targets=["河西街道"])) == set()


def test_research_that_scores_is_a_disguised_inspection(lists):
    research = inspection("2025-12-20", targets=["河西街道"], inspection={"category": "research"})
    research["title"] = "安全生产工作调研"
    assert codes({**research, "body": "座谈交流，听取意见建议。"}) == set()
    assert "DISGUISED_INSPECTION" in codes({**research, "body": "调研后将对各镇打分排名。"})


def test_judging_by_ledgers_is_material_based_assessment(lists):
    data = inspection("2025-12-20", targets=["河西街道"])
    result = review_draft({**data, "body": "检查以查阅台账为主。"})
    assert [f["code"] for f in result["findings"]] == ["MATERIAL_BASED_ASSESSMENT"]
    assert codes({**data, "body": "采取四不两直方式实地查看。"}) == set()


def test_fields_of_the_shared_catalog_name_owner_and_system(lists):
    data = {
        "kind": "data_request",
        "title": "隐患排查统计表",
        "issuer": "区应急管理局",
        "date": "2025-11-20",
        "data_request": {"fields": ["户籍 人口", "隐患数"], "frequency": "monthly"},
    }
    result = review_draft(data)
    shared = next(f for f in result["findings"] if f["code"] == "DATA_ALREADY_SHARED")
    assert "区公安分局" in shared["message"] and "人口信息系统" in shared["message"]
    data["data_request"]["fields"] = ["流动人口数"]
    assert codes(data) == set()


def test_task_off_the_duty_list_is_blocked_and_unfunded_task_warned(lists):
    task = {"kind": "task", "title": "关于开展药品安全检查的通知", "issuer": "区应急管理局", "targets": ["青山镇"]}
    assert codes(task) == {"OFF_LIST_TASK", "UNFUNDED_TASK"}
    on_list = {**task, "title": "安全生产巡查任务", "task": {"resources": ["专项经费"]}}
    result = review_draft(on_list)
    assert result["findings"] == []
    assert result["measures"]["matched"]["duty_entry"]["title"] == "安全生产属地巡查"


def test_campus_needs_the_whitelist_and_respects_the_semester_cap(lists):
    school = lists["school"]
    campus = {"kind": "campus", "title": "防溺水安全教育", "issuer": "区教育局", "targets": [school.name],
              "date": "2025-11-20"}  # fmt: skip
    assert codes(campus) == set()
    assert codes({**campus, "title": "商业推广进校园"}) == {"CAMPUS_NOT_WHITELISTED"}
    for day in range(1, 6):
        make_item(kind="campus", issuer=lists["dept_b"], title=f"活动{day}", targets=[school],
                  date=dt.date(2025, 9, day))  # fmt: skip
    assert codes(campus) == set()  # the sixth activity is still within the cap
    make_item(kind="campus", issuer=lists["dept_b"], title="活动6", targets=[school], date=dt.date(2025, 10, 1))
    assert codes(campus) == {"CAMPUS_CAP"}
    assert codes({**campus, "date": "2026-03-01", "year": 2025}) == set()


def test_second_app_of_an_issuer_for_the_same_purpose_is_a_duplicate(lists):
    make_item(kind="app", issuer=lists["dept_a"], title="安全巡查小程序", platform="mini_program",
              date=dt.date(2025, 1, 1))  # fmt: skip
    app = {"kind": "app", "title": "安全生产巡查打卡小程序", "issuer": "区应急管理局",
           "app": {"platform": "mini_program", "daily_minutes": 10}, "date": "2025-11-20"}  # fmt: skip
    assert "APP_DUPLICATE_FUNCTION" in codes(app)
    other = {**app, "issuer": "区教育局", "title": "教师培训报名群", "app": {"platform": "wechat_group"}}
    assert "APP_DUPLICATE_FUNCTION" not in codes(other)
    assert "APP_FORCED_USE" in codes({**other, "body": "全体教师必须下载注册，使用率纳入考核。"})
    assert "APP_FORCED_USE" not in codes({**other, "body": "自愿加入，不得强制下载。"})


def test_near_duplicate_of_an_issued_item_lists_it_as_related(lists):
    text = (
        "各镇（街道）：为切实做好今冬明春森林防火工作，严格落实森林防火行政首长负责制，严管野外火源，"
        "进入防火期后严禁在林区野外用火，严禁焚烧秸秆，加强隐患排查，充实专业扑火队伍，严格值班值守。"
    )
    old = make_item(issuer=lists["dept_a"], title="关于做好森林防火工作的通知", body=text, date=dt.date(2025, 10, 1))
    index.index_items([old.pk])
    result = review_draft(doc(title="关于进一步做好森林防火工作的通知", body=text.replace("切实", "扎实")))
    dup = next(f for f in result["findings"] if f["code"] == "NEAR_DUPLICATE")
    assert dup["related"][0]["id"] == old.pk and dup["related"][0]["similarity"] >= 0.6
    assert "NEAR_DUPLICATE" not in codes(doc(body="请各镇组织开展冬季安全生产大检查，重点检查燃气和消防安全。"))
    # A year and more later the old notice no longer counts.
    assert "NEAR_DUPLICATE" not in codes(doc(body=text, date="2026-11-20", year=2025))


def test_data_request_repeating_a_live_request_overlaps(lists):
    old = make_item(kind="data_request", issuer=lists["dept_b"], title="学校安全统计",
                    fields=["学生数", "教师数", "校车数"], frequency="monthly", date=dt.date(2025, 9, 1))  # fmt: skip
    index.index_items([old.pk])
    data = {"kind": "data_request", "title": "隐患排查统计表", "issuer": "区应急管理局", "date": "2025-11-20",
            "data_request": {"fields": ["学生数", "校车数", "隐患数"], "frequency": "monthly"}}  # fmt: skip
    overlap = next(f for f in review_draft(data)["findings"] if f["code"] == "DATA_REQUEST_OVERLAP")
    assert overlap["related"][0]["id"] == old.pk
    data["data_request"]["fields"] = ["学生数", "隐患数", "整改数"]
    assert "DATA_REQUEST_OVERLAP" not in codes(data)


def test_office_can_change_a_severity(lists):
    set_setting(key="gate.severities", value={"MEETING_TOO_LONG": "block"}, by=None)
    assert review_draft(meeting(meeting={"duration_minutes": 120}))["verdict"] == "block"


UPPER = (
    "各区县人民政府，市直有关部门：为进一步强化安全生产责任落实，现提出如下意见。"
    "一、强化党政领导责任。地方各级党委和政府要把安全生产纳入经济社会发展总体规划，定期研究解决安全生产重大问题。"
    "二、强化部门监管责任。按照管行业必须管安全、管业务必须管安全、管生产经营必须管安全的要求，厘清部门安全监管职责边界。"
    "三、强化企业主体责任。生产经营单位要建立健全全员安全生产责任制，加大安全投入，推进安全生产标准化建设。"
    "四、强化支撑保障。加强安全生产监管执法队伍建设，推进安全生产信息化建设，提升风险监测预警能力和应急处置能力。"
)


def test_a_document_copying_an_upper_level_document_is_flagged_but_a_quote_is_not(lists):
    upper = make_item(
        issuer=lists["dept_b"], title="市级意见", body=UPPER, is_upper_level=True, date=dt.date(2025, 9, 1)
    )
    index.index_items([upper.pk])
    result = review_draft(doc(body="各镇：现转发如下，请结合实际贯彻。" + UPPER.split("：", 1)[1]))
    copies = next(f for f in result["findings"] if f["code"] == "COPIES_UPPER_DOC")
    assert copies["related"][0]["id"] == upper.pk and "市级意见" in copies["message"]
    # An upper-level document is what COPIES_UPPER_DOC is about, never a NEAR_DUPLICATE.
    assert "NEAR_DUPLICATE" not in {f["code"] for f in result["findings"]}
    quote = doc(body="按照管行业必须管安全的要求，各有关部门对本行业开展一次检查，重点检查燃气和消防设施。")
    assert "COPIES_UPPER_DOC" not in codes(quote)


def test_meetings_on_the_same_topic_in_the_same_week_are_mergeable(lists):
    text = (
        "会议通报全区前三季度安全生产形势，部署冬季安全生产大检查、森林防火和燃气安全专项整治工作，研究解决突出问题。"
    )
    old = make_item(kind="meeting", issuer=lists["dept_a"], title="全区安全生产工作推进会", body=text,
                    targets=[lists["street"]], date=dt.date(2025, 11, 24))  # fmt: skip
    index.index_items([old.pk])
    same_week = meeting(title="全区安全生产工作推进会议", body=text)
    merge = next(f for f in review_draft(same_week)["findings"] if f["code"] == "MEETING_MERGEABLE")
    assert merge["related"][0]["id"] == old.pk and "同一周" in merge["message"]
    next_week = meeting(title="全区安全生产工作推进会议", body=text, meeting={"starts_at": "2025-12-02T09:00"})
    assert "MEETING_MERGEABLE" not in codes(next_week)


def test_an_app_described_like_another_units_app_is_a_duplicate(lists):
    text = "用于家庭医生对慢性病患者开展健康随访、记录随访结果，并向居民推送随访提醒。"
    old = make_item(kind="app", issuer=lists["dept_b"], title="健康随访小程序", body=text, platform="mini_program",
                    date=dt.date(2025, 3, 1))  # fmt: skip
    index.index_items([old.pk])
    app = {"kind": "app", "title": "慢病健康随访小程序", "issuer": "区应急管理局", "body": text, "date": "2025-11-20"}
    assert "APP_DUPLICATE_FUNCTION" in codes(app)
    other = {**app, "title": "安全巡查小程序", "body": "用于记录企业安全巡查发现的隐患和整改情况。"}
    assert "APP_DUPLICATE_FUNCTION" not in codes(other)


def test_a_whitelist_entry_with_its_own_semester_cap_is_respected(lists):
    school = lists["school"]
    law = CampusWhitelistEntry.objects.create(year=2025, activity="法治进校园", per_semester=2)
    for day in (3, 10):
        make_item(kind="campus", issuer=lists["dept_b"], title=f"法治课{day}", targets=[school],
                  date=dt.date(2025, 9, day), whitelist_entry=law)  # fmt: skip
    campus = {"kind": "campus", "title": "宪法宣传", "issuer": "区教育局", "targets": [school.name],
              "date": "2025-11-20", "campus": {"whitelist_entry": "法治进校园"}}  # fmt: skip
    result = review_draft(campus)
    cap = next(f for f in result["findings"] if f["code"] == "CAMPUS_CAP")
    assert "法治进校园" in cap["message"] and "每学期2次" in cap["message"]
    other = {**campus, "title": "防溺水安全教育", "campus": {"whitelist_entry": None}}
    assert codes(other) == set()
