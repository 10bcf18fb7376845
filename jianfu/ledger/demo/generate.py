"""The demo ledger as plain data: a pure function of (seed, today, years, scale).

Nothing here touches the database, so the same arguments always give the same
ledger (a `random.Random` seeded once, iteration only over ordered sequences).
`jianfu.ledger.demo.seed` writes what this returns.

The campaign's shape is built in: 2024 is the baseline, 2025 shows what a year of
the mechanism achieves (documents about −22%, policy documents −15%, meetings −18%
and shorter and more often by video, inspections −35%, fewer and smaller data
requests, more short documents), and what is left to find is planted on purpose
(trace-keeping demands, near-duplicate notices, inspections disguised as 调研,
unfunded tasks, campus activities off the whitelist).
"""

import datetime as dt
import math
import random
from dataclasses import dataclass, field
from typing import Any

from jianfu.ledger.demo import names, phrases
from jianfu.ledger.demo.names import Department, Topic

KINDS = ("document", "meeting", "inspection", "data_request", "task", "campus", "award", "app")
PLANNED = ("document", "meeting", "inspection", "data_request", "award")
PLAN_SUFFIX = {
    "document": "工作发文",
    "meeting": "工作会议",
    "inspection": "督查检查",
    "data_request": "数据报表",
    "award": "评比创建",
}

# Issued items of the baseline year 2024 at scale 1 (district level).
BASE_COUNTS = {
    "document": 1250,
    "meeting": 560,
    "inspection": 220,
    "data_request": 280,
    "task": 120,
    "campus": 80,
    "award": 45,
    "app": 30,
}
POLICY_SHARE_2024 = 0.11
# Issued count of a year relative to 2024 (the campaign started with the 2024 规定).
YEAR_FACTORS = {
    2025: {
        "document": 0.78,
        "meeting": 0.82,
        "inspection": 0.65,
        "data_request": 0.74,
        "task": 0.9,
        "campus": 0.7,
        "award": 0.6,
        "app": 0.3,
        "policy": 0.85,
    },
    2026: {
        "document": 0.74,
        "meeting": 0.78,
        "inspection": 0.6,
        "data_request": 0.7,
        "task": 0.86,
        "campus": 0.66,
        "award": 0.55,
        "app": 0.2,
        "policy": 0.8,
    },
}
UPPER_DOCS_PER_YEAR = 30
# Departments with demo clerks (jianfu.ledger.demo.accounts): they get items on their desk.
DEMO_DESKS = ("edu", "yjj", "mzj", "nyj", "wjw")
# Months are not equal: little is issued around the Spring Festival, much at year end.
MONTH_WEIGHTS = (0.6, 0.7, 1.1, 1.0, 1.0, 1.0, 0.9, 0.8, 1.0, 0.9, 1.1, 1.2)


def body_changes(today: dt.date) -> list[tuple[str, str, str, dt.date, dt.date | None]]:
    """(name, lead, status on today, established_on, changed_on) of the coordination bodies.

    The clean-up happens between March and June 2025 (only what has happened by today)."""
    out = []
    for i, (name, lead, fate) in enumerate(phrases.BODIES):
        established = dt.date(2016 + i % 7, 1 + (i * 5) % 12, 1 + (i * 7) % 27)
        changed = dt.date(2025, 3 + i % 4, 28) if fate != "active" else None
        if changed is not None and changed > today:
            fate, changed = "active", None
        out.append((name, lead, fate, established, changed))
    return out


def campaign(year: int) -> float:
    """0 before the campaign, 1 once it runs fully: shapes rates that improve."""
    return 0.0 if year <= 2024 else 1.0


def factor(year: int, key: str) -> float:
    if year <= 2024:
        return 1.0
    return YEAR_FACTORS.get(year, YEAR_FACTORS[2026])[key]


@dataclass
class Ledger:
    units: list[dict[str, Any]] = field(default_factory=list)  # name, kind, parent, aliases
    plan_entries: list[tuple[int, str, str, str, str]] = field(default_factory=list)  # year, unit, kind, title, kw
    quotas: list[tuple[int, str, str, int]] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)
    years: tuple[int, ...] = ()
    start: dt.date = dt.date(2024, 1, 1)
    today: dt.date = dt.date(2025, 12, 31)


class _Gen:
    def __init__(self, *, seed: int, today: dt.date, years: int, scale: float):
        self.rng = random.Random(seed)
        self.today = today
        self.start = dt.date(today.year - years, 1, 1)
        self.years = tuple(range(self.start.year, today.year + 1))
        self.scale = scale
        self.townships = [t.name for t in names.TOWNSHIPS]
        self.children = {t.name: list(t.children) for t in names.TOWNSHIPS}
        self.villages = [c for t in names.TOWNSHIPS for c in t.children]
        self.schools = list(names.SCHOOLS)
        self.depts = list(names.DEPARTMENTS)
        self.dept_weights = [d.weight for d in self.depts]
        self.items: list[dict[str, Any]] = []
        self.doc_numbers: dict[tuple[str, int], int] = {}
        self.bodies = body_changes(today)

    # ------------------------------------------------------------ dates

    def year_fraction(self, year: int) -> float:
        """Share of a year's items that fall on or before today (by month weight)."""
        if year < self.today.year:
            return 1.0
        total = sum(MONTH_WEIGHTS)
        done = sum(MONTH_WEIGHTS[: self.today.month - 1])
        days_in_month = (dt.date(year + (self.today.month == 12), self.today.month % 12 + 1, 1) - dt.timedelta(1)).day
        done += MONTH_WEIGHTS[self.today.month - 1] * self.today.day / days_in_month
        return done / total

    def workday(self, year: int, *, latest: dt.date | None = None) -> dt.date:
        latest = min(latest or self.today, dt.date(year, 12, 31))
        months = [m for m in range(1, 13) if dt.date(year, m, 1) <= latest]
        month = self.rng.choices(months, weights=[MONTH_WEIGHTS[m - 1] for m in months])[0]
        first = dt.date(year, month, 1)
        last = min(latest, (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1))
        for _ in range(10):
            day = first + dt.timedelta(days=self.rng.randrange((last - first).days + 1))
            if day.weekday() < 5:
                return day
        return day

    # ------------------------------------------------------------ text

    def fill(self, template: str, **slots: str) -> str:
        return template.format(**slots)

    def slots(self, dept: Department, topic: Topic, year: int) -> dict[str, str]:
        rng = self.rng
        return {
            "topic": topic.name,
            "obj": rng.choice(phrases.OBJECTS),
            "measure": rng.choice(phrases.MEASURES),
            "goal": rng.choice(phrases.GOALS),
            "issuer": dept.name,
            "year": str(year),
            "season": rng.choice(phrases.SEASONS),
        }

    def detail_sentence(self, topic: Topic) -> str:
        """Concrete, item-specific facts: real notices name places and numbers."""
        rng = self.rng
        town = rng.choice(self.townships)
        village = rng.choice(self.children[town])
        n = rng.randint(3, 60)
        fixed = max(1, n - rng.randint(0, n))
        a, b = rng.choice(phrases.MEASURES), rng.choice(phrases.MEASURES)
        money, towns = rng.randint(20, 900), rng.randint(2, 9)
        other = rng.choice(self.townships)
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        obj = rng.choice(phrases.OBJECTS)
        person = rng.choice(phrases.PERSONS)
        return rng.choice(
            (
                f"据统计，全区现有{obj}{n * 7}处，其中{town}{n}处、{village}{n % 9 + 1}处。",
                f"{month}月份以来，{town}在{topic.name}中发现问题{n}个，已整改{fixed}个。",
                f"{village}探索“{a}+{b}”模式，经验做法在全区推广。",
                f"区财政安排{topic.name}专项资金{money}万元，重点支持{town}等{towns}个镇（街道）。",
                f"{town}、{other}要在{month}月{day}日前完成{village}等试点任务。",
                f"去年{month}月，{village}因{obj}管理不到位被上级通报，教训深刻。",
                f"{town}{village}共有{obj}{n}处，由{person}同志牵头包片负责。",
                f"重点关注{other}沿线{n % 7 + 2}个村（社区）和{obj}{n * 3}处。",
                f"{topic.name}工作已覆盖{town}{n % 11 + 3}个行政村，完成率{60 + n % 40}%。",
                f"请{town}会同{other}于{month}月{day}日前对{village}开展一次联合督导。",
                f"截至{month}月底，全区累计投入{topic.name}资金{money}万元，惠及群众{n * 113}人次。",
                f"{village}党支部书记{person}反映，{obj}{a}仍存在短板。",
            )
        )

    def specifics(self, dept: Department, topic: Topic, year: int) -> list[str]:
        """What makes a short item this item: its own places, numbers and points."""
        rng = self.rng
        out = [self.detail_sentence(topic) for _ in range(rng.randint(3, 6))]
        out += [self.fill(t, **self.slots(dept, topic, year)) for t in rng.sample(phrases.SENTENCES, rng.randint(1, 3))]
        rng.shuffle(out)
        return out

    def sentences(self, dept: Department, topic: Topic, year: int, chars: int) -> list[str]:
        out: list[str] = []
        size = 0
        while size < chars:
            if self.rng.random() < 0.3:
                text = self.detail_sentence(topic)
            else:
                text = self.fill(self.rng.choice(phrases.SENTENCES), **self.slots(dept, topic, year))
            out.append(text)
            size += len(text)
        return out

    def notice_body(
        self, dept: Department, topic: Topic, year: int, date: dt.date, chars: int, extra: list[str]
    ) -> str:
        rng = self.rng
        s = self.slots(dept, topic, year)
        head = [
            rng.choice(phrases.SALUTATIONS),
            f"为{self.fill(rng.choice(phrases.PURPOSES), **s)}，{rng.choice(phrases.BASES)}，"
            f"{dept.name}决定{rng.choice(('开展', '部署', '推进'))}{topic.name}相关工作。现将有关事项通知如下：",
        ]
        sections = rng.randint(3, 5)
        headings = rng.sample(phrases.SECTION_HEADINGS[:-1], sections - 1) + ["工作要求"]
        body_sents = self.sentences(dept, topic, year, max(200, chars - 260))
        per = max(1, math.ceil(len(body_sents) / sections))
        numerals = "一二三四五六七八九"
        parts: list[str] = []
        for i, heading in enumerate(headings):
            chunk = body_sents[i * per : (i + 1) * per]
            if heading == "工作要求":
                chunk = chunk + extra
            parts.append(f"{numerals[i]}、{heading}\n" + "".join(chunk))
        deadline = date + dt.timedelta(days=rng.randint(7, 30))
        tail = [
            self.fill(rng.choice(phrases.DEADLINE_SENTENCES), deadline=f"{deadline.month}月{deadline.day}日", **s),
            phrases.CONTACT.format(
                person=rng.choice(phrases.PERSONS), phone=f"0{rng.randint(100, 999)}-8{rng.randint(1000000, 9999999)}"
            ),
            rng.choice(phrases.CLOSINGS),
            dept.name,
            f"{date.year}年{date.month}月{date.day}日",
        ]
        return "\n".join(head + parts + tail)

    def demands(self, kind: str, year: int) -> list[str]:
        """Formalism left in the text: common in 2024, rarer once the gate runs."""
        rate = {True: 0.1, False: 0.32}[campaign(year) > 0]
        if self.rng.random() >= rate:
            return []
        return self.rng.sample(
            phrases.KIND_DEMANDS[kind], k=min(len(phrases.KIND_DEMANDS[kind]), self.rng.choice((1, 1, 2)))
        )

    def demand_text(self, codes: list[str]) -> list[str]:
        return [self.rng.choice(phrases.DEMANDS[c][0]) for c in codes]

    def relief_text(self, year: int) -> list[str]:
        if campaign(year) and self.rng.random() < 0.35:
            return [self.rng.choice(phrases.RELIEF_SENTENCES)]
        return []

    # ------------------------------------------------------------ targets

    def targets(self, kind: str, dept: Department) -> list[str] | None:
        """Target unit names, or None for "all grassroots units"."""
        rng = self.rng
        if kind == "campus" or (dept.code == "edu" and rng.random() < 0.6):
            return rng.sample(self.schools, rng.randint(4, 18)) if rng.random() < 0.8 else list(self.schools)
        roll = rng.random()
        if kind in ("document", "app") and roll < 0.3:
            return None
        if kind == "data_request" and roll < 0.2:
            return None
        if kind in ("inspection",):
            picks = rng.sample(self.townships, rng.randint(2, 5))
            return picks + [rng.choice(self.children[t]) for t in picks if rng.random() < 0.5]
        if roll < 0.65:
            return list(self.townships)
        if roll < 0.85:
            return rng.sample(self.townships, rng.randint(2, 8))
        towns = rng.sample(self.townships, rng.randint(1, 3))
        return [c for t in towns for c in self.children[t]]

    # ------------------------------------------------------------ items

    def base(self, kind: str, dept: Department, topic: Topic, date: dt.date, title: str) -> dict[str, Any]:
        item = {
            "kind": kind,
            "title": title[:300],
            "issuer": dept.name,
            "date": date,
            "year": date.year,
            "status": "issued",
            "_topic": topic.name,
            "_targets": self.targets(kind, dept),
            "_plan": (date.year, dept.name, kind, topic.name + PLAN_SUFFIX[kind]) if kind in PLANNED else None,
            "_defects": [],
        }
        if kind in PLANNED and self.rng.random() < (0.08 if not campaign(date.year) else 0.03):
            # Outside the annual plan: before the campaign silently, after it with a reason.
            item["_plan"] = None
            if campaign(date.year):
                item["justification"] = self.rng.choice(phrases.JUSTIFICATIONS)
        return item

    def pick(self) -> tuple[Department, Topic]:
        dept = self.rng.choices(self.depts, weights=self.dept_weights)[0]
        return dept, self.rng.choice(dept.topics)

    def doc_number(self, dept: Department, year: int) -> str:
        key = (dept.code, year)
        self.doc_numbers[key] = self.doc_numbers.get(key, 0) + 1
        return f"{dept.abbrev}〔{year}〕{self.doc_numbers[key]}号"

    def document(self, year: int, *, policy: bool, date: dt.date | None = None, dept=None, topic=None) -> dict:
        rng = self.rng
        if dept is None:
            dept, topic = self.pick()
        date = date or self.workday(year)
        s = self.slots(dept, topic, year)
        title = self.fill(rng.choice(phrases.POLICY_TITLES if policy else phrases.DOC_TITLES), **s)
        item = self.base("document", dept, topic, date, title)
        short_share = 0.55 + 0.15 * campaign(year)
        if rng.random() < short_share:
            chars = rng.randint(500, 2900)
        else:
            chars = rng.randint(3100, 4800) if rng.random() < 0.9 - 0.08 * campaign(year) else rng.randint(5100, 6200)
        codes = self.demands("document", year)
        item.update(
            body=self.notice_body(dept, topic, year, date, chars, self.demand_text(codes) + self.relief_text(year)),
            number=self.doc_number(dept, year),
            is_policy=policy,
            special_task=rng.random() < 0.05,
            distribution="各镇（街道）、区直各部门",
            _defects=codes,
        )
        return item

    def meeting(self, year: int) -> dict:
        rng = self.rng
        dept, topic = self.pick()
        date = self.workday(year)
        s = self.slots(dept, topic, year)
        item = self.base("meeting", dept, topic, date, self.fill(rng.choice(phrases.MEETING_TITLES), **s))
        c = campaign(year)
        led = [b for b in self.bodies if b[1] == dept.name and (b[4] is None or date < b[4])]
        if led and rng.random() < 0.25:
            body = rng.choice(led)[0]
            item["title"] = rng.choice(phrases.BODY_MEETING_TITLES).format(body=body, season=s["season"])
            item["_body"] = body
        durations = (45, 60, 90, 120, 150, 180)
        weights = (0.03, 0.2, 0.2, 0.3, 0.15, 0.12) if not c else (0.12, 0.32, 0.28, 0.18, 0.06, 0.04)
        mode = rng.choices(("onsite", "video", "hybrid"), weights=(0.7, 0.2, 0.1) if not c else (0.42, 0.45, 0.13))[0]
        level = rng.choices(
            ("principal", "deputy", "staff"), weights=(0.45, 0.4, 0.15) if not c else (0.25, 0.5, 0.25)
        )[0]
        hour, minute = rng.choice(((9, 0), (9, 30), (14, 30), (15, 0)))
        level_label = {"principal": "主要负责同志", "deputy": "分管负责同志", "staff": "具体工作人员"}[level]
        lines = [
            self.fill(phrases.MEETING_BODIES[0], **s),
            phrases.MEETING_BODIES[1].format(level=level_label),
            phrases.MEETING_BODIES[4].format(
                time=f"{date.month}月{date.day}日{hour}:{minute:02d}", place=rng.choice(phrases.MEETING_PLACES)
            ),
        ]
        if mode == "video":
            lines.append(phrases.MEETING_BODIES[3])
        codes = self.demands("meeting", year)
        item.update(
            body="\n".join(lines + self.specifics(dept, topic, year) + self.demand_text(codes)),
            duration_minutes=rng.choices(durations, weights=weights)[0],
            mode=mode,
            attendee_level=level,
            attendees=rng.choice((1, 1, 1, 2)),
            materials_required="MATERIAL_DEMAND" in codes,
            _start=(hour, minute),
            _defects=codes,
        )
        return item

    def inspection(self, year: int) -> dict:
        rng = self.rng
        dept, topic = self.pick()
        date = self.workday(year)
        c = campaign(year)
        category = rng.choices(
            ("督查", "检查", "考核", "调研"), weights=(0.3, 0.45, 0.15, 0.1) if not c else (0.25, 0.38, 0.15, 0.22)
        )[0]
        s = self.slots(dept, topic, year)
        item = self.base(
            "inspection", dept, topic, date, self.fill(rng.choice(phrases.INSPECTION_TITLES[category]), **s)
        )
        ends = date + dt.timedelta(days=rng.randint(1, 14))
        four_no = rng.random() < (0.2 if not c else 0.55)
        scope = "、".join(item["_targets"][:3]) + "等单位"
        lines = [
            phrases.INSPECTION_BODIES[0].format(
                topic=topic.name,
                issuer=dept.name,
                start=f"{date.month}月{date.day}日",
                end=f"{ends.month}月{ends.day}日",
                scope=scope,
                category=category,
            ),
            phrases.INSPECTION_BODIES[2].format(category=category, topic=topic.name),
        ]
        if four_no:
            lines.append(phrases.INSPECTION_BODIES[1].format(category=category))
            lines.append(phrases.INSPECTION_BODIES[3].format(category=category))
        codes = [] if four_no else self.demands("inspection", year)
        if category == "调研" and rng.random() < 0.3:
            lines += list(phrases.DISGUISED_RESEARCH)
            codes = codes + ["DISGUISED_INSPECTION"]
        elif category in ("考核", "督查"):
            lines.append(phrases.INSPECTION_BODIES[4].format(category=category))
        item.update(
            body="\n".join(
                lines + self.specifics(dept, topic, year) + self.demand_text([c for c in codes if c in phrases.DEMANDS])
            ),
            category=category,
            ends_on=ends,
            method="四不两直" if four_no else rng.choice(("听取汇报、查阅资料", "实地查看", "查阅台账、座谈了解")),
            materials_required=not four_no and rng.random() < (0.6 if not c else 0.3),
            onsite_days=float(rng.choice((0.5, 1, 1, 2, 3))),
            _defects=codes,
        )
        return item

    def data_request(self, year: int) -> dict:
        rng = self.rng
        dept, topic = self.pick()
        date = self.workday(year)
        c = campaign(year)
        s = self.slots(dept, topic, year)
        item = self.base("data_request", dept, topic, date, self.fill(rng.choice(phrases.DATA_TITLES), **s))
        n = rng.randint(8, 28) if not c else rng.randint(4, 16)
        shared = round(n * (0.5 if not c else 0.22))
        fields = rng.sample([f[0] for f in phrases.CATALOG], shared) + rng.sample(
            phrases.OWN_FIELDS, min(n - shared, len(phrases.OWN_FIELDS))
        )
        freqs = ("once", "daily", "weekly", "monthly", "quarterly", "yearly")
        frequency = rng.choices(
            freqs, weights=(0.25, 0.03, 0.1, 0.35, 0.2, 0.07) if not c else (0.42, 0.01, 0.03, 0.2, 0.24, 0.1)
        )[0]
        label = dict(zip(freqs, ("一次性", "每日", "每周", "每月", "每季", "每年"), strict=True))[frequency]
        codes = self.demands("data_request", year)
        lines = [self.fill(t, frequency=label, **s) for t in phrases.DATA_BODIES] + ["附件：" + "、".join(fields)]
        item.update(
            body="\n".join(lines + self.specifics(dept, topic, year) + self.demand_text(codes)),
            fields=fields,
            frequency=frequency,
            ends_on=dt.date(year, 12, 31) if frequency != "once" else None,
            _defects=codes + (["DATA_ALREADY_SHARED"] if shared else []),
        )
        return item

    def task(self, year: int, *, off_list: bool = False) -> dict:
        rng = self.rng
        c = campaign(year)
        if off_list:
            matter, dept_name, _kw = rng.choice(phrases.OFF_LIST_MATTERS)
            duty = None
        else:
            matter, dept_name, _role, _kw = rng.choice(phrases.DUTY_LIST)
            duty = matter
        dept = next(d for d in self.depts if d.name == dept_name)
        topic = next((t for t in dept.topics if t.name in matter or matter in t.name), dept.topics[0])
        date = self.workday(year)
        item = self.base("task", dept, topic, date, rng.choice(phrases.TASK_TITLES).format(matter=matter))
        item["_targets"] = list(self.townships) if rng.random() < 0.7 else rng.sample(self.townships, rng.randint(3, 9))
        deadline = date + dt.timedelta(days=rng.randint(10, 60))
        funded = rng.random() < (0.6 if not c else 0.85)
        lines = [phrases.TASK_BODIES[0].format(matter=matter), phrases.TASK_BODIES[1].format(issuer=dept.name)]
        if funded:
            lines.append(phrases.TASK_BODIES[2].format(issuer=dept.name))
        lines.append(phrases.TASK_BODIES[3].format(deadline=f"{deadline.month}月{deadline.day}日"))
        codes = self.demands("task", year)
        item.update(
            body="\n".join(lines + self.specifics(dept, topic, year) + self.demand_text(codes)),
            estimated_hours=float(rng.choice((2, 4, 4, 6, 8, 8, 12, 16))),
            resources=rng.sample(["人员", "经费", "技术"], rng.randint(1, 3)) if funded else [],
            ends_on=deadline,
            _duty=duty,
            _defects=codes + ([] if funded else ["UNFUNDED_TASK"]) + (["OFF_LIST_TASK"] if off_list else []),
        )
        return item

    def campus(self, year: int, *, off_list: bool = False) -> dict:
        rng = self.rng
        if off_list:
            activity, dept_name = rng.choice(phrases.OFF_WHITELIST)
        else:
            activity, dept_name, _cap = rng.choice(phrases.WHITELIST)
        dept = next(d for d in self.depts if d.name == dept_name)
        topic = rng.choice(dept.topics)
        date = self.workday(year)
        item = self.base(
            "campus",
            dept,
            topic,
            date,
            f"{year}年“{activity}”进校园活动" if "进校园" not in activity else f"{year}年{activity}活动",
        )
        s = self.slots(dept, topic, year)
        lines = [
            phrases.CAMPUS_BODIES[0].format(
                purpose=self.fill(rng.choice(phrases.PURPOSES), **s),
                issuer=dept.name,
                date=f"{date.month}月{date.day}日",
                activity=activity if "“" in activity else f"“{activity}”",
            ),
            phrases.CAMPUS_BODIES[1],
        ]
        codes = self.demands("campus", year)
        if not codes:
            lines.append(phrases.CAMPUS_BODIES[2])
        item.update(
            body="\n".join(lines + self.specifics(dept, topic, year) + self.demand_text(codes)),
            _whitelist=None if off_list else activity,
            _defects=codes + (["CAMPUS_NOT_WHITELISTED"] if off_list else []),
        )
        return item

    def award(self, year: int) -> dict:
        rng = self.rng
        dept, topic = self.pick()
        date = self.workday(year)
        s = self.slots(dept, topic, year)
        item = self.base("award", dept, topic, date, self.fill(rng.choice(phrases.AWARD_TITLES), **s))
        approved = rng.random() < (0.7 if not campaign(year) else 0.95)
        basis = (
            f"经省评比达标表彰工作协调小组批准（{rng.choice(('省评', '市评'))}〔{year}〕{rng.randint(1, 40)}号）"
            if approved
            else ""
        )
        deadline = date + dt.timedelta(days=rng.randint(15, 45))
        codes = self.demands("award", year)
        lines = [
            phrases.AWARD_BODIES[0].format(topic=topic.name, basis=basis or "经区有关部门研究"),
            phrases.AWARD_BODIES[1],
            phrases.AWARD_BODIES[2].format(deadline=f"{deadline.month}月{deadline.day}日"),
        ]
        item.update(
            body="\n".join(lines + self.specifics(dept, topic, year) + self.demand_text(codes)),
            basis=basis,
            cycle=rng.choice(("每年", "每年", "每两年", "每三年")),
            _defects=codes,
        )
        return item

    def app(self, year: int) -> dict:
        rng = self.rng
        dept, topic = self.pick()
        date = self.workday(year)
        template, platform = rng.choice(phrases.APP_NAMES)
        name = template.format(
            short=dept.name.removeprefix("区").removesuffix("局").removesuffix("办公室")[:4], topic=topic.name
        )
        item = self.base("app", dept, topic, date, name)
        c = campaign(year)
        demands = rng.sample(phrases.APP_DEMANDS, rng.randint(1, 3)) if rng.random() < (0.7 if not c else 0.3) else []
        codes = self.demands("app", year)
        lines = [t.format(topic=topic.name, issuer=dept.name, name=name) for t in phrases.APP_BODIES]
        stopped = None
        # "One platform instead of many": apps and groups are closed down year after year.
        if year < self.today.year and rng.random() < (0.6 if not c else 0.3):
            stopped = self.workday(year + 1, latest=dt.date(year + 1, 9, 30)) if self.today.year > year else None
        if stopped is not None and stopped > self.today:
            stopped = None
        item.update(
            body="\n".join(lines + self.specifics(dept, topic, year) + self.demand_text(codes)),
            platform=platform,
            daily_minutes=rng.randint(10, 40) if not c else rng.randint(5, 20),
            app_demands=demands,
            ends_on=stopped,
            _defects=codes,
        )
        return item

    # ------------------------------------------------------------ planted variants

    def upper_document(self, year: int) -> dict:
        rng = self.rng
        dept = names.department(rng.choice(("zfb", "qwb")))
        topic_dept, topic = self.pick()
        date = self.workday(year)
        title = rng.choice(phrases.UPPER_TITLES).format(
            topic=topic.name, org=rng.choice(("应急管理厅", "民政厅", "农业农村厅", "教育厅"))
        )
        item = self.base("document", topic_dept, topic, date, title)
        item.update(
            issuer=dept.name,
            is_upper_level=True,
            body=self.notice_body(topic_dept, topic, year, date, rng.randint(1800, 2800), []).replace(
                topic_dept.name, "市有关部门"
            ),
            number=f"{rng.choice(('市政办发', '市委办发', '省应急发'))}〔{year}〕{rng.randint(1, 90)}号",
            _plan=None,
            _targets=None,
            _defects=[],
        )
        return item

    def copy_of_upper(self, year: int, upper: dict) -> dict:
        """ "以文件落实文件": a district notice that mostly repeats the upper document."""
        rng = self.rng
        dept = next(d for d in self.depts if any(t.name == upper["_topic"] for t in d.topics))
        topic = next(t for t in dept.topics if t.name == upper["_topic"])
        date = max(upper["date"] + dt.timedelta(days=rng.randint(3, 20)), upper["date"])
        date = min(date, self.today)
        item = self.document(year, policy=False, date=date, dept=dept, topic=topic)
        lines = upper["body"].split("\n")
        item["body"] = "\n".join(
            [phrases.SALUTATIONS[0], f"现将{upper['title']}转发给你们，并结合我区实际提出如下要求，请一并贯彻落实。"]
            + lines[1:-2]
            + [dept.name, f"{date.year}年{date.month}月{date.day}日"]
        )
        item["title"] = f"关于转发{upper['title']}的通知"[:300]
        item["_defects"] = ["COPIES_UPPER_DOC"]
        return item

    def near_duplicate(self, original: dict, year: int, *, rewrite: float) -> dict:
        """A notice re-sent with a fifth or so of its sentences rewritten."""
        rng = self.rng
        dept = next(d for d in self.depts if d.name == original["issuer"])
        topic = next(t for t in dept.topics if t.name == original["_topic"])
        date = min(self.today, original["date"] + dt.timedelta(days=rng.randint(20, 200)))
        if date.year != year:
            date = min(self.today, dt.date(year, 12, 31), original["date"] + dt.timedelta(days=rng.randint(1, 15)))
        item = self.document(date.year, policy=False, date=date, dept=dept, topic=topic)
        lines = original["body"].split("\n")
        new_lines = []
        for line in lines:
            if rng.random() < rewrite and len(line) > 20:
                line = self.fill(rng.choice(phrases.SENTENCES), **self.slots(dept, topic, year))
            new_lines.append(line)
        item["body"] = "\n".join(new_lines)
        item["title"] = original["title"].replace("关于", "关于再次", 1) if rng.random() < 0.5 else original["title"]
        item["_defects"] = ["NEAR_DUPLICATE"]
        item["_duplicate_of"] = original["_index"]
        return item

    # ------------------------------------------------------------ years

    def add(self, item: dict) -> dict:
        item["_index"] = len(self.items)
        self.items.append(item)
        return item

    def count(self, year: int, kind: str) -> int:
        return max(1, round(BASE_COUNTS[kind] * factor(year, kind) * self.scale * self.year_fraction(year)))

    def build_year(self, year: int) -> None:
        rng = self.rng
        c = campaign(year)
        frac = self.year_fraction(year)
        uppers = [
            self.add(self.upper_document(year)) for _ in range(max(1, round(UPPER_DOCS_PER_YEAR * self.scale * frac)))
        ]
        n_docs = self.count(year, "document")
        n_policy = max(
            1, round(BASE_COUNTS["document"] * POLICY_SHARE_2024 * factor(year, "policy") * self.scale * frac)
        )
        n_copies = max(1, round(len(uppers) * (0.45 if not c else 0.12)))
        n_dups = max(1, round(n_docs * (0.05 if not c else 0.02)))
        plain = n_docs - n_policy - n_copies - n_dups
        docs = [self.add(self.document(year, policy=i < n_policy)) for i in range(max(plain + n_policy, 1))]
        for upper in rng.sample(uppers, min(n_copies, len(uppers))):
            self.add(self.copy_of_upper(year, upper))
        for original in rng.sample(docs, min(n_dups, len(docs))):
            self.add(self.near_duplicate(original, year, rewrite=rng.uniform(0.1, 0.35)))
        for _ in range(self.count(year, "meeting")):
            self.add(self.meeting(year))
        for _ in range(self.count(year, "inspection")):
            self.add(self.inspection(year))
        for _ in range(self.count(year, "data_request")):
            self.add(self.data_request(year))
        n_tasks = self.count(year, "task")
        for i in range(n_tasks):
            # Off-list tasks still slipped through in 2024; later the gate stops them.
            self.add(self.task(year, off_list=not c and i % 12 == 0))
        n_campus = self.count(year, "campus")
        for i in range(n_campus):
            self.add(self.campus(year, off_list=i % (5 if not c else 25) == 0))
        for _ in range(self.count(year, "award")):
            self.add(self.award(year))
        for _ in range(self.count(year, "app")):
            self.add(self.app(year))
        self.add_gate_outcomes(year, docs)

    def add_gate_outcomes(self, year: int, docs: list[dict]) -> None:
        """Items the office stopped or is handling: merged, returned, rejected, and
        this year's pipeline (drafts, submitted, approved)."""
        rng = self.rng
        c = campaign(year)
        frac = self.year_fraction(year)
        sc = self.scale * frac

        def n(base: float) -> int:
            return max(1, round(base * sc))

        # merged: near-duplicates caught (documents, meetings, inspections merged)
        for original in rng.sample(docs, min(len(docs), n(60 if c else 15))):
            item = self.add(self.near_duplicate(original, year, rewrite=rng.uniform(0.1, 0.3)))
            self.decide(item, "merged", comment="与已发文件内容高度重复，已合并至原文件一并执行，不再另行发文。")
            item["_merge_into"] = original["_index"]
        issued = {
            kind: [
                it["_index"]
                for it in self.items
                if it["kind"] == kind and it["year"] == year and it["status"] == "issued"
            ]
            for kind in ("inspection", "meeting")
        }
        for kind, count, comment in (
            ("inspection", 45 if c else 10, "与同期同类督查检查合并开展，统一组织、一次完成。"),
            ("meeting", 30 if c else 8, "与同周同主题会议合并召开。"),
        ):
            for _ in range(n(count)):
                if not issued[kind]:
                    break
                target = self.items[rng.choice(issued[kind])]
                item = self.add(getattr(self, kind)(year))
                self.move(item, target["date"])
                item.update(issuer=target["issuer"], _topic=target["_topic"], _plan=target["_plan"])
                self.decide(item, "merged", comment=comment)
                item["_merge_into"] = target["_index"]
        # meetings still convened in the name of a body the clean-up abolished
        gone = [b for b in self.bodies if b[4] is not None and b[4].year == year]
        for body in gone[: max(1, round(3 * self.scale))] if c else []:
            item = self.add(self.meeting(year))
            item["title"] = phrases.BODY_MEETING_TITLES[0].format(body=body[0])
            item["issuer"] = body[1]
            item["_body"] = body[0]
            self.move(item, min(self.today, body[4] + dt.timedelta(days=rng.randint(5, 40))))
            item["_defects"] = item["_defects"] + ["BODY_ABOLISHED"]
            self.decide(item, "rejected", comment=phrases.BODY_ABOLISHED_COMMENT)
        # returned with a demand the office asked to remove
        for _ in range(n(80 if c else 20)):
            kind = rng.choice(("document", "document", "meeting", "inspection", "data_request"))
            item = self.add(getattr(self, kind)(year) if kind != "document" else self.document(year, policy=False))
            codes = [rng.choice(phrases.KIND_DEMANDS[kind])]
            item["body"] += "\n" + "".join(self.demand_text(codes))
            item["_defects"] = sorted(set(item["_defects"]) | set(codes))
            self.decide(item, "returned", comment=phrases.DEMANDS[codes[0]][1])
        # rejected: off-list tasks, campus off the whitelist, unplanned documents
        for _ in range(n(18 if c else 4)):
            item = self.add(self.task(year, off_list=True))
            self.decide(
                item, "rejected", comment="该事项不在属地管理事项清单内，清单外事项不得转嫁基层，请由主责部门自行办理。"
            )
        for _ in range(n(10 if c else 3)):
            item = self.add(self.campus(year, off_list=True))
            self.decide(item, "rejected", comment="该活动不在本年度进校园白名单内，不得进入校园。")
        for _ in range(n(25 if c else 5)):
            item = self.add(self.document(year, policy=False))
            item["_plan"] = None
            item["_defects"] = item["_defects"] + ["NOT_IN_PLAN"]
            self.decide(item, "rejected", comment="未列入年度发文计划且无计划外说明，能不发的坚决不发。")
        if year == self.today.year:
            self.pipeline(year)

    def move(self, item: dict, day: dt.date) -> None:
        """Re-date an item, keeping its window (inspection end, task deadline) as long."""
        if item.get("ends_on"):
            item["ends_on"] = item["ends_on"] + (day - item["date"])
        item["date"] = day
        item["year"] = day.year

    def decide(self, item: dict, status: str, *, comment: str) -> None:
        item["status"] = status
        item["decision_comment"] = comment
        item["_decided"] = True

    def pipeline(self, year: int) -> None:
        """What is in flight today: drafts, submissions awaiting review, approvals to issue."""
        rng = self.rng
        sc = max(self.scale, 0.02)
        makers = (
            "document",
            "document",
            "document",
            "meeting",
            "inspection",
            "data_request",
            "task",
            "campus",
            "award",
        )
        for status, count in (("draft", 30), ("submitted", 40), ("approved", 15)):
            for i in range(max(2, round(count * sc))):
                kind = makers[i % len(makers)]
                if kind == "document":
                    item = self.document(year, policy=i % 7 == 0)
                elif kind == "task":
                    item = self.task(year, off_list=i % 3 == 0)
                elif kind == "campus":
                    item = self.campus(year, off_list=i % 2 == 0)
                else:
                    item = getattr(self, kind)(year)
                soon = self.today + dt.timedelta(days=rng.randint(1, 20))
                self.move(item, soon)
                if item["_plan"]:
                    item["_plan"] = (soon.year,) + item["_plan"][1:]
                item["status"] = status
                if status == "approved":
                    item["_decided"] = True
                    item["decision_comment"] = "同意。"
                self.add(item)
        # Every demo clerk finds work on the desk: a draft to submit, a notice sent back.
        for code in DEMO_DESKS:
            dept = names.department(code)
            for status in ("draft", "returned"):
                soon = self.today + dt.timedelta(days=rng.randint(3, 20))
                item = self.document(soon.year, policy=False, date=soon, dept=dept, topic=rng.choice(dept.topics))
                item["status"] = status
                if status == "returned":
                    demand = rng.choice(("PHOTO_VIDEO_DEMAND", "TRACE_DEMAND", "INSTANT_REPLY_DEMAND"))
                    item["body"] += "\n" + self.demand_text([demand])[0]
                    item["_defects"] = sorted(set(item["_defects"]) | {demand})
                    self.decide(item, "returned", comment=phrases.DEMANDS[demand][1])
                self.add(item)


def _units() -> list[dict[str, Any]]:
    units: list[dict[str, Any]] = [
        {"name": names.DISTRICT, "kind": "district", "parent": None, "aliases": names.DISTRICT_ALIASES},
        {"name": names.OFFICE, "kind": "office", "parent": names.DISTRICT, "aliases": names.OFFICE_ALIASES},
    ]
    for d in names.DEPARTMENTS:
        units.append({"name": d.name, "kind": "department", "parent": names.DISTRICT, "aliases": d.aliases})
    for t in names.TOWNSHIPS:
        units.append({"name": t.name, "kind": t.kind, "parent": names.DISTRICT, "aliases": t.aliases})
        for child in t.children:
            units.append({"name": child, "kind": names.child_kind(t, child), "parent": t.name, "aliases": ()})
    for s in names.SCHOOLS:
        units.append(
            {"name": s, "kind": "school", "parent": names.DISTRICT, "aliases": names.SCHOOL_ALIASES.get(s, ())}
        )
    return units


def build(*, seed: int = 2025, today: dt.date, years: int = 2, scale: float = 1.0) -> Ledger:
    """The whole demo district as plain data."""
    if years < 1:
        raise ValueError("years 须为正整数")
    gen = _Gen(seed=seed, today=today, years=years, scale=scale)
    for year in gen.years:
        gen.build_year(year)
    ledger = Ledger(units=_units(), items=gen.items, years=gen.years, start=gen.start, today=today)
    plan_years = sorted(set(gen.years) | {today.year + 1} if today.month == 12 else set(gen.years))
    for year in plan_years:
        for d in names.DEPARTMENTS:
            for kind in PLANNED:
                for topic in d.topics:
                    ledger.plan_entries.append(
                        (year, d.name, kind, topic.name + PLAN_SUFFIX[kind], ";".join(topic.keywords))
                    )
    # Quotas: this year's issued count with a margin, projected over a part year.
    counts: dict[tuple[int, str, str], int] = {}
    for item in gen.items:
        if item["status"] in ("issued", "approved") and not item.get("is_upper_level"):
            key = (item["year"], item["issuer"], item["kind"])
            counts[key] = counts.get(key, 0) + 1
    for (year, unit, kind), n in sorted(counts.items()):
        projected = n / max(gen.year_fraction(year), 0.05)
        ledger.quotas.append((year, unit, kind, math.ceil(projected * 1.1) + 1))
    return ledger
