"""A hand-built ledger whose every figure is known (worked out by hand in the comments).

Period 2025Q4 against 2024Q4, in the `district` fixture: five active grassroots units
(青山镇, 河西街道, 青山村, 河西社区, 示范区第一小学). Default tariffs.
"""

import datetime as dt

from django.utils import timezone

from jianfu.ledger import services
from jianfu.ledger.models import BodyChange, CatalogField, CoordinationBody, Decision, Item, Quota, Review
from jianfu.testing import make_item

D = dt.date


def at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def review(item: Item, day: dt.date, verdict: str, *codes: str) -> Review:
    """Store a gate review as if it had been made on `day`."""
    row = services.store_review(
        item=item,
        review={"verdict": verdict, "findings": [{"code": c, "severity": "warn"} for c in codes], "measures": {}},
    )
    Review.objects.filter(pk=row.pk).update(created_at=at(day))
    return row


def decide(item: Item, decision: str, day: dt.date, by, **kw) -> Item:
    item = services.decide(item=item, decision=decision, by=by, comment="意见", **kw)
    Item.objects.filter(pk=item.pk).update(decided_at=at(day))
    Decision.objects.filter(item=item).update(at=at(day))
    return item


def build(district, personas) -> dict[str, Item]:
    dept_a, dept_b = district["dept_a"], district["dept_b"]
    town, street, village = district["township"], district["street"], district["village"]
    community, school = district["community"], district["school"]
    reviewer = personas["reviewer"]
    it: dict[str, Item] = {}

    # ---- documents 2025Q4: 3 counted, 1 policy, short share 1 of 2 sized = 50.0
    it["D1"] = make_item(issuer=dept_a, body="字" * 2000, is_policy=True, date=D(2025, 10, 1))  # all: 0.7 × 5 = 3.5
    it["D2"] = make_item(issuer=dept_a, body="字" * 4000, targets=[town], date=D(2025, 11, 3))  # 0.9
    it["D3"] = make_item(issuer=dept_a, targets=[town, village], date=D(2025, 12, 31))  # no length: 0.5 × 2 = 1.0
    it["D4"] = make_item(issuer=dept_a, is_upper_level=True, targets=[town], date=D(2025, 11, 3))  # upper level
    it["D5"] = make_item(issuer=town, targets=[village], date=D(2025, 11, 3))  # a township's own notice
    it["D6"] = make_item(issuer=dept_a, status="draft", date=D(2025, 11, 3))  # never issued
    it["D7"] = make_item(issuer=dept_a, targets=[town], date=D(2025, 9, 30))  # outside the period
    # ---- documents 2024Q4: 4, 2 policy, short 2 of 4 = 50.0
    it["P1"] = make_item(issuer=dept_b, body="字" * 1000, is_policy=True, targets=[school], date=D(2024, 10, 8))  # 0.6
    it["P2"] = make_item(issuer=dept_b, body="字" * 3000, is_policy=True, targets=[school], date=D(2024, 11, 8))  # 0.8
    it["P3"] = make_item(issuer=dept_b, body="字" * 5000, targets=[school], date=D(2024, 12, 8))  # 1.0
    it["P4"] = make_item(issuer=dept_b, body="字" * 4000, targets=[school], date=D(2024, 12, 31))  # 0.9

    # ---- meetings: 2025Q4 two (avg 90, one video = 50.0); 2024Q4 three (avg 100, no video)
    meeting = {"kind": "meeting", "issuer": dept_a}
    it["M1"] = make_item(**meeting, duration_minutes=60, mode="video", targets=[town, street], date=D(2025, 10, 20))
    it["M2"] = make_item(  # (120 + 60 travel) / 60 × 2 attendees = 6.0
        **meeting, duration_minutes=120, mode="onsite", attendees=2, targets=[town], date=D(2025, 11, 20)
    )
    it["M3"] = make_item(**meeting, duration_minutes=150, mode="onsite", targets=[street], date=D(2024, 10, 20))  # 3.5
    it["M4"] = make_item(**meeting, duration_minutes=90, mode="onsite", targets=[street], date=D(2024, 11, 20))  # 2.5
    it["M5"] = make_item(**meeting, duration_minutes=60, mode="hybrid", targets=[street], date=D(2024, 12, 20))  # 1.0

    # ---- inspection 2025Q4: 8 + 2 days × 4 = 16.0
    it["I1"] = make_item(
        kind="inspection", issuer=dept_a, category="检查", onsite_days=2, targets=[town], date=D(2025, 11, 5)
    )

    # ---- data requests
    CatalogField.objects.create(field="户籍人口数", synonyms="户籍人口")
    CatalogField.objects.create(field="低保对象数", synonyms="低保户数；低保人数")
    it["R1"] = make_item(  # 3 fields × 0.05 = 0.15 × (15 Oct, 15 Nov, 15 Dec) = 0.45; 2 shared
        kind="data_request", issuer=dept_a, fields=["户籍人口数", "低保户数", "耕地面积"], frequency="monthly",
        targets=[town], date=D(2025, 10, 15),
    )  # fmt: skip
    it["R0"] = make_item(  # 0.1 per month: 2024Q4 10 Nov + 10 Dec = 0.2; 2025Q4 10 Oct only = 0.1
        kind="data_request", issuer=dept_b, fields=["甲", "乙"], frequency="monthly", ends_on=D(2025, 10, 31),
        targets=[village], date=D(2024, 11, 10),
    )  # fmt: skip

    # ---- tasks: T1 issued with demands from its latest review: 3.0 + 0.5 + 1.0 = 4.5
    it["T1"] = make_item(kind="task", issuer=dept_a, estimated_hours=3.0, targets=[village], date=D(2025, 11, 1))
    review(it["T1"], D(2025, 11, 5), "revise", "PHOTO_VIDEO_DEMAND", "TRACE_DEMAND")
    it["T2"] = make_item(kind="task", issuer=dept_b, status="submitted", targets=[village], date=D(2025, 11, 1))
    review(it["T2"], D(2025, 11, 8), "block", "OFF_LIST_TASK")
    decide(it["T2"], "reject", D(2025, 11, 10), reviewer)  # blocked in 2025Q4
    it["T3"] = make_item(kind="task", issuer=dept_b, status="submitted", targets=[village], date=D(2024, 11, 1))
    review(it["T3"], D(2024, 11, 20), "block", "OFF_LIST_TASK")
    decide(it["T3"], "return", D(2024, 12, 1), reviewer)  # blocked in 2024Q4
    it["T4"] = make_item(kind="task", issuer=dept_b, status="submitted", targets=[village], date=D(2025, 11, 1))
    review(it["T4"], D(2025, 11, 8), "revise", "UNFUNDED_TASK")
    decide(it["T4"], "reject", D(2025, 11, 10), reviewer)  # rejected, but not as off-list
    # D1 was reviewed twice: revised after review; its latest review has no findings (no demand cost)
    review(it["D1"], D(2025, 9, 28), "revise", "TRACE_DEMAND")
    review(it["D1"], D(2025, 10, 1), "pass")
    review(it["D4"], D(2025, 11, 1), "revise", "COPIES_UPPER_DOC")  # upper-level: not counted

    # ---- campus: 4.0 to the school, and 4.0 × 5 units to all
    it["C1"] = make_item(kind="campus", issuer=dept_b, targets=[school], date=D(2025, 11, 1))
    it["C2"] = make_item(kind="campus", issuer=dept_b, date=D(2025, 12, 1))

    # ---- apps: A1 30 min/day = 125 h/year, 92 of 365 days in 2025Q4 = 31.50685; A2 10 h... see below
    it["A1"] = make_item(kind="app", issuer=dept_a, daily_minutes=30, targets=[town], date=D(2025, 1, 1))
    it["A2"] = make_item(  # 12 min/day = 50 h/year; 2024Q4: 50 × 92 / 365 = 12.60274; stopped 30 June 2025
        kind="app", issuer=dept_a, daily_minutes=12, ends_on=D(2025, 6, 30), targets=[street], date=D(2024, 6, 1)
    )

    # ---- award 2025Q4: 16.0
    it["W1"] = make_item(kind="award", issuer=dept_a, targets=[community], date=D(2025, 12, 1))

    # ---- merged: decided 2025Q4 twice (document, inspection), 2024Q4 once (meeting)
    it["X1"] = make_item(issuer=dept_a, status="submitted", date=D(2025, 10, 1))
    decide(it["X1"], "merge", D(2025, 11, 15), reviewer, merge_into=it["D1"])
    it["X4"] = make_item(kind="inspection", issuer=dept_a, status="submitted", date=D(2025, 12, 1))
    decide(it["X4"], "merge", D(2025, 12, 1), reviewer, merge_into=it["I1"])
    it["X2"] = make_item(kind="meeting", issuer=dept_a, status="submitted", date=D(2024, 10, 1))
    decide(it["X2"], "merge", D(2024, 10, 20), reviewer, merge_into=it["M3"])
    it["X3"] = make_item(issuer=dept_a, status="submitted", date=D(2025, 8, 1))
    decide(it["X3"], "merge", D(2025, 8, 1), reviewer, merge_into=it["D1"])  # outside both periods

    # ---- coordination bodies (see test for the arithmetic)
    old = D(2020, 1, 1)
    CoordinationBody.objects.create(name="B1", established_on=old)
    b2 = CoordinationBody.objects.create(name="B2", established_on=old, status="abolished", changed_on=D(2025, 6, 1))
    BodyChange.objects.create(body=b2, status="abolished", changed_on=D(2025, 6, 1))
    b3 = CoordinationBody.objects.create(name="B3", established_on=old, status="merged", changed_on=D(2025, 11, 1))
    BodyChange.objects.create(body=b3, status="merged", changed_on=D(2025, 11, 1))
    CoordinationBody.objects.create(name="B4", established_on=D(2025, 3, 1))
    b5 = CoordinationBody.objects.create(name="B5", established_on=old, status="abolished", changed_on=D(2024, 11, 1))
    BodyChange.objects.create(body=b5, status="abolished", changed_on=D(2024, 11, 1))
    # no history rows: the body's own status and date stand in
    CoordinationBody.objects.create(name="B6", established_on=old, status="abolished", changed_on=D(2025, 8, 1))

    # ---- quota: 区应急管理局 may issue 2 documents in 2025 and has D1, D2, D3, D7
    Quota.objects.create(year=2025, unit=dept_a, kind="document", quota=2)
    return it


# Every figure of the ledger above, worked out by hand.
EXPECTED = {
    "documents": (3, 4, -25.0),
    "policy_documents": (1, 2, -50.0),
    "short_document_share": (50.0, 50.0, 0.0),
    "meetings": (2, 3, -33.3),
    "meeting_avg_minutes": (90.0, 100.0, -10.0),
    "video_meeting_share": (50.0, 0.0, None),
    # 2025: active 1 Jan B1 B2 B3 B6 = 4, end B1 B4 = 2 → 50.0; 2024: B1 B2 B3 B5 B6 = 5 → B1 B2 B3 B6 = 4 → 20.0
    "coordination_body_reduction": (50.0, 20.0, 150.0),
    "inspections": (1, 0, None),
    "merged_items": (2, 1, 100.0),
    "data_requests": (1, 1, 0.0),
    "data_request_fields": (3, 2, 50.0),
    "shared_fields": (2, 0, None),
    "off_list_tasks_blocked": (1, 1, 0.0),
    "campus_activities": (2, 0, None),
    "apps_live": (1, 1, 0.0),
    "reviews": (4, 1, 300.0),  # T1 T2 T4 D1 (not the upper-level D4) against T3
    # 3.5+0.9+1.0+2.0+6.0+16.0+0.45+0.1+4.5+4.0+20.0+31.50685+16.0 = 105.95685;
    # 0.6+0.8+1.0+0.9+3.5+2.5+1.0+0.2+12.60274 = 23.10274
    "burden_hours": (106.0, 23.1, 358.9),
    "burden_hours_per_unit": (21.2, 4.6, 360.9),
    "channel_reports_received": (0, 0, None),
    "channel_reports_resolved": (0, 0, None),
}
