import datetime as dt

from jianfu.gate.lexicon import DEFAULT_LEXICON, install_default_lexicon
from jianfu.gate.models import LexiconEntry
from jianfu.gate.service import review_draft, review_item
from jianfu.ledger import services
from jianfu.ledger.models import PlanEntry
from jianfu.testing import make_item


def test_default_lexicon_is_installed_by_the_migration_and_reinstalling_adds_nothing(db):
    total = sum(len(v) for v in DEFAULT_LEXICON.values())
    assert LexiconEntry.objects.count() == total
    assert install_default_lexicon() == 0


def test_a_phrase_switched_off_by_the_office_stays_off(district):
    LexiconEntry.objects.filter(code="PHOTO_VIDEO_DEMAND", phrase="照片").update(is_active=False)
    install_default_lexicon()
    data = {"kind": "campus", "title": "t", "issuer": "区教育局", "body": "请上传照片。"}
    assert "PHOTO_VIDEO_DEMAND" not in {f["code"] for f in review_draft(data)["findings"]}


def test_submitting_an_item_stores_the_gates_review(district, personas):
    PlanEntry.objects.create(year=2025, unit=district["dept_a"], kind="document", title="安全生产大检查")
    item = make_item(
        issuer=district["dept_a"],
        title="关于开展安全生产大检查的通知",
        body="请上传检查照片。",
        status="draft",
        targets=[district["township"]],
    )
    services.submit_item(item=item, by=personas["clerk_a"])
    item.refresh_from_db()
    assert item.latest_review.verdict == "revise"
    assert item.latest_review.codes == ["PHOTO_VIDEO_DEMAND"]


def test_an_item_is_never_its_own_duplicate_or_overlap(district):
    from jianfu.gate import index

    text = "各镇：请组织开展冬季森林防火隐患排查，严管野外火源，充实扑火队伍，落实值班值守制度。" * 3
    item = make_item(issuer=district["dept_a"], title="森林防火通知", body=text, date=dt.date(2025, 11, 1))
    index.index_items([item.pk])
    assert "NEAR_DUPLICATE" not in {f["code"] for f in review_item(item)["findings"]}
    copy = {"kind": "document", "title": "森林防火通知", "issuer": "区应急管理局", "body": text, "date": "2025-11-02"}
    assert "NEAR_DUPLICATE" in {f["code"] for f in review_draft(copy)["findings"]}


def test_measures_count_characters_and_burden_for_the_targets(district):
    data = {
        "kind": "document",
        "title": "t",
        "issuer": "区应急管理局",
        "body": "一二 三\n四",
        "targets": ["青山镇", "河西街道"],
    }
    m = review_draft(data)["measures"]
    assert m["chars"] == 4 and m["target_units"] == 2
    assert m["burden_hours"] == round(m["burden_hours_per_unit"] * 2, 2) > 0


def test_no_targets_means_every_grassroots_unit_of_the_district(district):
    data = {"kind": "document", "title": "t", "issuer": "区应急管理局"}
    # township, street, village, community, school
    assert review_draft(data)["measures"]["target_units"] == 5


def test_a_review_costs_a_bounded_number_of_queries(district, django_assert_max_num_queries):
    PlanEntry.objects.create(year=2025, unit=district["dept_a"], kind="inspection", title="安全生产检查")
    for day in range(1, 20):
        make_item(kind="inspection", issuer=district["dept_b"], title=f"检查{day}", targets=[district["township"]],
                  date=dt.date(2025, 10, day), category="检查")  # fmt: skip
    data = {"kind": "inspection", "title": "安全生产检查", "issuer": "区应急管理局", "targets": ["青山镇", "河西街道"],
            "inspection": {"category": "检查", "starts_on": "2025-11-01"}, "body": "检查企业。"}  # fmt: skip
    with django_assert_max_num_queries(16):
        result = review_draft(data)
    assert {"INSPECTION_OVERLAP", "INSPECTION_CAP"} <= {f["code"] for f in result["findings"]}


SPEC_EXAMPLE = {
    "kind": "document",
    "title": "关于开展2025年度安全生产大检查的通知",
    "body": "……正文……",
    "issuer": "区应急管理局",
    "targets": ["青山镇", "河西街道"],
    "date": "2025-11-20",
    "year": 2025,
    "plan_entry": None,
    "justification": "",
    "document": {"number": "X应急〔2025〕12号", "is_policy": False, "special_task": False},
    "meeting": {"starts_at": "2025-11-03T09:00", "duration_minutes": 120, "mode": "onsite",
                "attendee_level": "principal", "coordination_body": None},
    "inspection": {"category": "检查", "starts_on": "2025-11-01", "ends_on": "2025-11-30",
                   "method": "", "materials_required": True},
    "data_request": {"fields": ["户籍人口数", "低保户数"], "frequency": "monthly"},
    "task": {"duty_entry": None, "resources": []},
    "campus": {"whitelist_entry": None},
    "award": {"basis": ""},
    "app": {"platform": "wechat_group", "daily_minutes": 20},
}  # fmt: skip


def test_the_example_of_the_spec_is_accepted_and_only_its_kinds_block_is_read(district):
    from jianfu.gate.schema import validate_review

    result = review_draft(SPEC_EXAMPLE)
    assert validate_review(result, SPEC_EXAMPLE["body"]) == []
    # The meeting block says 120 minutes onsite, but this is a document.
    assert {f["code"] for f in result["findings"]} == {"NOT_IN_PLAN"}
    assert result["measures"]["target_units"] == 2


def test_the_unit_tree_cached_between_reviews_follows_every_change(district):
    from jianfu.org.models import Unit, UnitKind
    from jianfu.org.selectors import grassroots_scope, grassroots_under
    from jianfu.testing import make_unit

    data = {"kind": "document", "title": "t", "issuer": "区应急管理局"}
    assert review_draft(data)["measures"]["target_units"] == 5
    make_unit("新设村", UnitKind.VILLAGE, district["township"])
    assert review_draft(data)["measures"]["target_units"] == 6
    # Bulk writes (another process, an import) send no signal and are seen too.
    Unit.objects.filter(name="新设村").update(is_active=False)
    assert review_draft(data)["measures"]["target_units"] == 5
    Unit.objects.filter(pk=district["village"].pk).update(name="青峰村")  # same length as 青山村
    Unit.objects.filter(pk=district["community"].pk).update(kind=UnitKind.SCHOOL)
    scope = grassroots_scope(district["dept_a"].pk)
    assert scope[district["village"].pk] == ("青峰村", UnitKind.VILLAGE)
    assert scope[district["community"].pk][1] == UnitKind.SCHOOL
    assert set(scope) == set(grassroots_under(district["dept_a"]).values_list("pk", flat=True))


def test_a_plan_entry_added_or_renamed_is_seen_by_the_next_review(district):
    data = {"kind": "document", "title": "关于开展安全生产大检查的通知", "issuer": "区应急管理局", "year": 2025}
    assert "NOT_IN_PLAN" in {f["code"] for f in review_draft(data)["findings"]}
    entry = PlanEntry.objects.create(year=2025, unit=district["dept_a"], kind="document", title="安全生产大检查")
    assert "NOT_IN_PLAN" not in {f["code"] for f in review_draft(data)["findings"]}
    PlanEntry.objects.filter(pk=entry.pk).update(title="森林防火宣传")
    assert "NOT_IN_PLAN" in {f["code"] for f in review_draft(data)["findings"]}
