"""The demo's grassroots channel: monthly surveys of the monitoring points and the
burden reports they filed, with their rectification trail.

Written as rows (the channel's services stamp everything "today"; a history needs
its own dates). Receipt codes are real random secrets, never derived from the
seed: a receipt code is what lets a reporter follow an anonymous report.
"""

import datetime as dt
import random

from jianfu.channel.models import (
    HIDDEN_TYPES,
    BurdenReport,
    BurdenType,
    Identity,
    MonitoringPoint,
    PointSurvey,
    Relief,
    ReportStatus,
    ReportStep,
    StepKind,
)
from jianfu.ledger.demo import names
from jianfu.ledger.models import Item, ItemTarget
from jianfu.ledger.services import count_chars
from jianfu.org.models import Unit, User

# burden type → what the grassroots write (with the department and topic filled in)
DESCRIPTIONS = {
    BurdenType.WHITE_HEAD: "{dept}以白头文件形式下发{topic}通知，要求各村三天内报送书面材料，未见正式发文。",
    BurdenType.NOTE: "{dept}以工作便笺形式布置{topic}工作，没有经过减负办审核，要求下载、评论、点赞并计入考核。",
    BurdenType.MINUTES: "{dept}以会议纪要代替发文，给村（社区）布置{topic}任务，并要求每周报进度。",
    BurdenType.GROUP_NOTICE: "工作群里{dept}发消息“@所有人 明早8点开会，带齐3类台账”，最后要求“收到请回复”。",
    BurdenType.CHECKIN: "{dept}推广的{topic}小程序要求网格员每天定位打卡，在线时长纳入排名通报。",
    BurdenType.PHOTO_QUOTA: "开展{topic}活动，{dept}要求每次上传不少于5张现场照片，今晚前报送。",
    BurdenType.INSPECTION_MATERIALS: "迎接{topic}检查，{dept}要求准备汇报PPT和展板，台账资料装订成册。",
    BurdenType.DISGUISED_INSPECTION: "{dept}以调研名义到村检查{topic}，未开始调研先签到，入户后合影，结束后打分排名。",
    BurdenType.UNAPPROVED_FORM: "{dept}要求每月填报{topic}统计表，其中户籍人口、低保户数等字段上月已经报过。",
    BurdenType.OTHER: "{dept}把{topic}中本属部门职责的检查任务压给社区，没有人员和经费。",
}
ANSWERS = (
    "已停止该做法，并在部门内部通报，今后相关工作一律按程序报减负办审核。",
    "已撤回该通知，相关数据改从共享数据目录获取，不再要求基层填报。",
    "已取消打卡和排名要求，工作群只发布必要通知。",
    "已与相关检查合并开展，不再要求基层准备汇报材料。",
)


def write_channel(*, seed: int, today: dt.date, start: dt.date, scale: float, units: dict[str, Unit],
                  users: dict[str, User]) -> tuple[int, int]:  # fmt: skip
    """Surveys and reports for the monitoring points; returns (surveys, reports)."""
    rng = random.Random(seed + 1)
    points = list(MonitoringPoint.objects.select_related("unit").order_by("unit__name"))
    office = units[names.OFFICE]
    surveys = []
    for point in points:
        month = dt.date(point.since.year, point.since.month, 1)
        while True:
            nxt = (month + dt.timedelta(days=32)).replace(day=1)
            if nxt > today:  # only months that are over
                break
            relief = 1.0 if month.year <= 2024 else (0.74 if month.year == 2025 else 0.68)
            surveys.append(
                PointSurvey(
                    point=point,
                    month=month,
                    hours_forms=round(rng.uniform(20, 40) * relief, 1),
                    hours_meetings=round(rng.uniform(12, 26) * relief, 1),
                    hours_inspections=round(rng.uniform(6, 18) * relief * (0.85 if relief < 1 else 1), 1),
                    hours_apps=round(rng.uniform(15, 35) * relief, 1),
                    comments=rng.choice(("", "", "报表明显减少。", "工作群消息仍然偏多。", "迎检材料要求减少了。")),
                    submitted_on=min(today, nxt + dt.timedelta(days=rng.randint(0, 6))),
                )
            )
            month = nxt
    PointSurvey.objects.bulk_create(surveys, batch_size=1000)

    from jianfu.channel.services import ITEM_KIND_FOR_TYPE, hash_receipt, new_receipt_code

    departments = list(names.DEPARTMENTS)
    grassroots_users = {u.unit_id: u for u in users.values() if u.unit_id and u.unit.is_grassroots}
    reports, steps, found = [], [], []
    per_year = {2024: 14, 2025: 30}
    for year in range(max(start.year, 2024), today.year + 1):
        count = max(2, round(per_year.get(year, 24) * scale))
        for _ in range(count):
            first = max(start, dt.date(year, 1, 1), points[0].since if points else start)
            last = min(today, dt.date(year, 12, 31))
            if last < first:
                continue
            received = first + dt.timedelta(days=rng.randrange((last - first).days + 1))
            point = rng.choice(points)
            dept = rng.choice(departments)
            topic = rng.choice(dept.topics).name
            burden_type = rng.choice(list(DESCRIPTIONS))
            identity = rng.choices(Identity.values, weights=(0.3, 0.3, 0.4))[0]
            reporter = grassroots_users.get(point.unit_id) if identity != Identity.ANONYMOUS else None
            if identity != Identity.ANONYMOUS and reporter is None:
                identity = Identity.ANONYMOUS
            age = (today - received).days
            status = ReportStatus.CLOSED
            if age < 10:
                status = ReportStatus.NEW
            elif age < 25:
                status = rng.choice((ReportStatus.ASSIGNED, ReportStatus.ANSWERED))
            report = BurdenReport(
                receipt_hash=hash_receipt(new_receipt_code()),
                identity=identity,
                reporter=reporter,
                unit=point.unit if identity != Identity.ANONYMOUS else point.unit.parent,
                burden_type=burden_type,
                description=DESCRIPTIONS[burden_type].format(dept=dept.name, topic=topic),
                department=units[dept.name],
                concerns_text=f"{topic}相关工作",
                happened_on=received - dt.timedelta(days=rng.randint(0, 5)),
                received_on=received,
                status=status,
            )
            trail = [(StepKind.FILED, received, None, "")]
            if status != ReportStatus.NEW:
                report.assigned_to = units[dept.name]
                report.assigned_on = received + dt.timedelta(days=2)
                report.due_on = report.assigned_on + dt.timedelta(days=15)
                trail.append((StepKind.ASSIGNED, report.assigned_on, office, f"交{dept.name}整改，15日内答复。"))
            if status in (ReportStatus.ANSWERED, ReportStatus.CLOSED):
                report.answer = rng.choice(ANSWERS)
                report.answered_on = report.assigned_on + dt.timedelta(days=rng.randint(3, 12 if year >= 2025 else 20))
                trail.append((StepKind.ANSWERED, report.answered_on, units[dept.name], report.answer))
            if status == ReportStatus.CLOSED:
                report.resolved_on = min(today, report.answered_on + dt.timedelta(days=rng.randint(1, 3)))
                trail.append((StepKind.CLOSED, report.resolved_on, office, "经回访核实，已整改到位。"))
                if burden_type in HIDDEN_TYPES and rng.random() < 0.5:
                    found.append(report)  # the hidden burden is registered in the ledger
                    trail.append(
                        (StepKind.ITEM_FOUND, report.resolved_on, office, "已作为台账事项登记，纳入负担统计。")
                    )
                if rng.random() < 0.6:
                    report.relief = rng.choices(Relief.values, weights=(0.6, 0.3, 0.1))[0]
                    trail.append((StepKind.FEEDBACK, report.resolved_on, None, ""))
            reports.append(report)
            for seq, (kind, on, actor, note) in enumerate(trail):
                steps.append(ReportStep(report=report, kind=kind, on=on, seq=seq, actor_unit=actor, note=note))
    _register_found(found, ITEM_KIND_FOR_TYPE)
    BurdenReport.objects.bulk_create(reports)
    ReportStep.objects.bulk_create(steps, batch_size=1000)
    return len(surveys), len(reports)


def _register_found(reports: list[BurdenReport], kind_for_type: dict) -> None:
    """What `turn_into_item` does, dated when it happened: the burden a report revealed
    becomes an issued ledger item (白头文件, 便笺, 工作群通知 …) counted as burden."""
    items = []
    for n, report in enumerate(reports, 1):
        kind = kind_for_type.get(report.burden_type, "document")
        day = report.happened_on or report.received_on
        extra = {"platform": "wechat_group", "daily_minutes": 15} if kind == "app" else {}
        if kind == "data_request":
            extra = {"frequency": "once", "fields": ["户籍人口数", "低保户数"]}
        if kind == "inspection":
            extra = {"category": "调研", "ends_on": day}
        item = Item(
            kind=kind,
            # The report's id is random (it must be), so the title names the department instead.
            title=f"{report.department.name}{report.get_burden_type_display()}（基层反映）",
            body=report.description,
            chars=count_chars(report.description),
            issuer=report.department,
            targets_all=False,
            date=day,
            year=day.year,
            status="issued",
            issued_on=day,
            justification=f"经基层反映（{report.ref}）发现的未经准入事项，由减负办补录台账。",
            ref=f"DEMO-FY-{n:03d}",
            **extra,
        )
        items.append(item)
    Item.objects.bulk_create(items)
    if any(i.pk is None for i in items):  # backends without RETURNING
        ids = dict(Item.objects.filter(ref__startswith="DEMO-FY-").values_list("ref", "pk"))
        for i in items:
            i.pk = i.id = ids[i.ref]
    targets = []
    for report, item in zip(reports, items, strict=True):
        report.found_item = item
        report.found_on = report.resolved_on
        if report.unit is not None and report.unit.is_grassroots:
            targets.append(ItemTarget(item=item, unit=report.unit, kind=item.kind, date=item.date))
    ItemTarget.objects.bulk_create(targets)
