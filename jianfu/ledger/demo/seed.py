"""Write the demo district (jianfu.ledger.demo.generate) into an empty database.

Bulk writes in one transaction (the seed is one act, so it leaves one audit row,
not thousands), then the similarity index in one call, then the gate's review of
the items that passed through it (a bounded, deterministic sample).
"""

import datetime as dt
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from jianfu.channel.models import MonitoringPoint
from jianfu.ledger.demo import generate, names, phrases
from jianfu.ledger.demo.accounts import CLERK_BY_UNIT, DEMO_ACCOUNTS, SIGNOFF_UNITS
from jianfu.ledger.models import (
    BodyChange,
    CampusWhitelistEntry,
    CatalogField,
    CoordinationBody,
    Decision,
    DutyEntry,
    Item,
    ItemTarget,
    PlanEntry,
    Quota,
    Review,
)
from jianfu.ledger.services import count_chars, store_review
from jianfu.meter import figures as meter_figures
from jianfu.org.models import RoleGrant, Unit, UnitAlias, User
from jianfu.org.services import record_audit

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
BATCH = 1000
# Reviews run the whole gate per item; a bounded sample keeps the seed fast.
DEFAULT_REVIEW_LIMIT = 400
MONITORING_POINTS = (
    "青山镇",
    "河西街道",
    "桃源乡",
    "青山村",
    "上湾村",
    "锦绣社区",
    "城南社区",
    "江澄区实验小学",
    "青山镇中心小学",
    "云溪中学",
)
_DECISION_ACTIONS = {"approved": "approve", "returned": "return", "rejected": "reject", "merged": "merge"}


class SeedError(Exception):
    """The seed cannot run (e.g. the database is not empty); the message is for the user."""


@dataclass
class SeedResult:
    units: int = 0
    users: int = 0
    items: int = 0
    targets: int = 0
    reviews: int = 0
    review_errors: int = 0
    surveys: int = 0
    channel_reports: int = 0
    indexed: bool = False
    lexicon: int | None = None
    seconds: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        total = sum(self.seconds.values())
        text = (
            f"已生成示范区“{names.DISTRICT}”：单位 {self.units} 个，用户 {self.users} 个，"
            f"台账事项 {self.items} 条（对象单位 {self.targets} 条），前置审核记录 {self.reviews} 条，"
            f"监测点问卷 {self.surveys} 份，负担反映 {self.channel_reports} 件，"
            f"用时 {total:.1f} 秒。"
        )
        return text + "".join(f"\n{n}" for n in self.notes)


def database_contents() -> dict[str, int]:
    """What a database already holds that the seed would collide with (the lexicon,
    installed by a migration, does not count)."""
    return {
        "单位": Unit.objects.count(),
        "用户": User.objects.count(),
        "台账事项": Item.objects.count(),
    }


def database_is_empty() -> bool:
    return not any(database_contents().values())


def _refuse_unless_empty() -> None:
    contents = database_contents()
    if any(contents.values()):
        held = "、".join(f"{k} {v} 个" for k, v in contents.items() if v)
        raise SeedError(
            f"数据库不是空的（已有{held}），示范区数据只能写入空数据库，未做任何修改。"
            "如需演示，请换一个数据库（例如设置 DATABASE_URL 或 JIANFU_DATA_DIR）。"
        )


def _aware(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _noop(stage: str, done: int, total: int) -> None:
    return None


def seed_demo(
    *,
    today: dt.date | None = None,
    years: int = 2,
    scale: float = 1.0,
    seed: int = 2025,
    review_limit: int = DEFAULT_REVIEW_LIMIT,
    progress: Progress | None = None,
) -> SeedResult:
    """Fill an empty database with the demo district; raises SeedError otherwise."""
    progress = progress or _noop
    today = today or timezone.localdate()
    if years < 1:
        raise SeedError(f"--years 须为正整数，收到 {years}。")
    if scale <= 0:
        raise SeedError(f"--scale 须为正数，收到 {scale}。")
    _refuse_unless_empty()
    result = SeedResult()
    clock = time.perf_counter()

    progress("生成示范数据", 0, 1)
    ledger = generate.build(seed=seed, today=today, years=years, scale=scale)
    progress("生成示范数据", 1, 1)
    result.seconds["generate"] = time.perf_counter() - clock

    clock = time.perf_counter()
    with transaction.atomic():
        _refuse_unless_empty()  # again inside the transaction: two seeds at once cannot both write
        units = _write_units(ledger)
        users = _write_users(units)
        lists = _write_lists(ledger, units, today)
        item_ids = _write_items(ledger, units, users, lists, progress)
        result.units, result.users, result.items = len(units), len(users), len(item_ids)
        result.targets = ItemTarget.objects.count()
        record_audit(
            actor=None,
            action="demo.seed",
            target_type="system",
            target_id="demo",
            summary=f"生成示范区数据：单位{len(units)}个、用户{len(users)}个、台账事项{len(item_ids)}条",
            after={"seed": seed, "today": today.isoformat(), "years": years, "scale": scale},
        )
    try:
        with transaction.atomic():
            from jianfu.ledger.demo.channel import write_channel

            result.surveys, result.channel_reports = write_channel(
                seed=seed, today=today, start=ledger.start, scale=scale, units=units, users=users
            )
    except Exception as exc:  # the channel is another app: its data is a bonus, never a reason to fail
        log.exception("demo seed: channel data failed")
        result.notes.append(f"监测点问卷和负担反映示例未能生成（{exc}）。")
    result.items = Item.objects.count()  # with the burdens the channel revealed
    meter_figures.refresh()  # the items above were written in bulk, past the services
    result.seconds["write"] = time.perf_counter() - clock

    clock = time.perf_counter()
    result.lexicon = _install_lexicon(result)
    progress("建立相似度索引", 0, result.items)
    try:
        _index(progress)
        result.indexed = True
    except Exception as exc:  # the index can always be rebuilt with `jianfu reindex`
        log.exception("demo seed: indexing failed")
        result.notes.append(f"相似度索引未能建立（{exc}），请稍后运行 jianfu reindex。")
    result.seconds["index"] = time.perf_counter() - clock

    clock = time.perf_counter()
    _review_sample(ledger, item_ids, users, review_limit, result, progress)
    result.seconds["review"] = time.perf_counter() - clock
    return result


def _index(progress: Progress) -> None:
    """Index the whole new ledger. A full rebuild (what `jianfu reindex` does) also
    measures the ledger's own boilerplate grams, which per-item indexing cannot:
    without them every notice of the phrase bank looks like every other."""
    try:
        from jianfu.gate.similarity.store import rebuild
    except ImportError:
        from jianfu.gate.index import index_items

        index_items(list(Item.objects.values_list("pk", flat=True)))
        return
    rebuild(progress=lambda done, total: progress("建立相似度索引", done, total))


# --------------------------------------------------------------------------- units, users


def _write_units(ledger: generate.Ledger) -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    # Parents come before children in the generated list, so one pass per level.
    pending = list(ledger.units)
    while pending:
        level = [u for u in pending if u["parent"] is None or u["parent"] in units]
        created = Unit.objects.bulk_create(
            [
                Unit(
                    name=u["name"],
                    kind=u["kind"],
                    parent=units.get(u["parent"]) if u["parent"] else None,
                    requires_head_signoff=u["name"] in SIGNOFF_UNITS,
                )
                for u in level
            ]
        )
        for spec, unit in zip(level, created, strict=True):
            units[spec["name"]] = unit
        pending = [u for u in pending if u["name"] not in units]
    if any(u.pk is None for u in units.values()):  # backends without RETURNING
        by_name = {u.name: u for u in Unit.objects.all()}
        units = {name: by_name[name] for name in units}
    UnitAlias.objects.bulk_create(
        [UnitAlias(unit=units[u["name"]], alias=alias) for u in ledger.units for alias in u["aliases"]]
    )
    return units


def _write_users(units: dict[str, Unit]) -> dict[str, User]:
    # Hash each distinct password once: the default hasher is deliberately slow.
    hashes = {p: make_password(p) for p in sorted({a.password for a in DEMO_ACCOUNTS})}
    users: dict[str, User] = {}
    for account in DEMO_ACCOUNTS:
        users[account.username] = User.objects.create(
            username=account.username,
            password=hashes[account.password],
            unit=units[account.unit],
            display_name=account.display_name,
            is_staff=account.is_staff,
            is_superuser=account.is_staff,
            must_change_password=False,
        )
    RoleGrant.objects.bulk_create(
        [RoleGrant(user=users[a.username], role=role) for a in DEMO_ACCOUNTS for role in a.roles]
    )
    return users


# --------------------------------------------------------------------------- reference lists


@dataclass
class _Lists:
    plans: dict[tuple[int, str, str, str], int]
    duty: dict[str, int]
    whitelist: dict[tuple[int, str], int]
    bodies: dict[str, int]


def _write_lists(ledger: generate.Ledger, units: dict[str, Unit], today: dt.date) -> _Lists:
    plans = PlanEntry.objects.bulk_create(
        [PlanEntry(year=y, unit=units[u], kind=k, title=t, keywords=kw) for y, u, k, t, kw in ledger.plan_entries],
        batch_size=BATCH,
    )
    Quota.objects.bulk_create(
        [Quota(year=y, unit=units[u], kind=k, quota=q) for y, u, k, q in ledger.quotas], batch_size=BATCH
    )
    bodies: dict[str, CoordinationBody] = {}
    changes = []
    for name, lead, status, established, changed in generate.body_changes(today):
        bodies[name] = CoordinationBody(
            name=name, lead=units[lead], status=status, changed_on=changed, established_on=established
        )
    CoordinationBody.objects.bulk_create(list(bodies.values()))
    for name, _lead, status, _established, changed in generate.body_changes(today):
        if changed is not None:
            into = phrases.BODY_MERGED_INTO.get(name)
            note = f"并入{into}" if status == "merged" and into else "按议事协调机构精简方案撤销"
            changes.append(BodyChange(body=bodies[name], status=status, changed_on=changed, note=note))
    BodyChange.objects.bulk_create(changes)
    duty = DutyEntry.objects.bulk_create(
        [DutyEntry(matter=m, responsible=r, township_role=role, keywords=kw) for m, r, role, kw in phrases.DUTY_LIST]
    )
    whitelist = CampusWhitelistEntry.objects.bulk_create(
        [
            CampusWhitelistEntry(year=year, activity=a, organizer=o, per_semester=cap)
            for year in sorted({*ledger.years, today.year + 1})
            for a, o, cap in phrases.WHITELIST
        ]
    )
    CatalogField.objects.bulk_create(
        [CatalogField(field=f, synonyms=s, owner=o, system=sy, frequency=fr) for f, s, o, sy, fr in phrases.CATALOG]
    )
    MonitoringPoint.objects.bulk_create(
        [
            MonitoringPoint(
                unit=units[name],
                since=max(ledger.start, dt.date(2024, 3, 1)),
                note="区减负办确定的减负监测点",
                # A real secret, not from the seeded generator: the link lets anyone report.
                link_token=secrets.token_urlsafe(24),
            )
            for name in MONITORING_POINTS
        ]
    )
    return _Lists(
        plans={(p.year, p.unit.name, p.kind, p.title): p.pk for p in plans},
        duty={d.matter: d.pk for d in duty},
        whitelist={(w.year, w.activity): w.pk for w in whitelist},
        bodies={b.name: b.pk for b in bodies.values()},
    )


def _install_lexicon(result: SeedResult) -> int | None:
    """The gate's default lexicon (normally already installed by its migration)."""
    try:
        from jianfu.gate.lexicon import install_default_lexicon
    except ImportError:
        result.notes.append("审核词库模块尚不可用，未安装默认词库。")
        return None
    return install_default_lexicon()


# --------------------------------------------------------------------------- items

ITEM_KEYS = (
    "kind", "title", "body", "date", "year", "status", "justification", "number", "is_policy", "special_task",
    "distribution", "duration_minutes", "mode", "attendee_level", "attendees", "category", "ends_on", "method",
    "materials_required", "onsite_days", "fields", "frequency", "estimated_hours", "resources", "basis", "cycle",
    "platform", "daily_minutes", "app_demands", "is_upper_level", "decision_comment",
)  # fmt: skip


def _timeline(spec: dict[str, Any]) -> tuple[dt.datetime | None, dt.datetime | None]:
    """(submitted_at, decided_at) of an item that went through the gate; items issued
    before the campaign, upper-level documents and drafts never did."""
    day: dt.date = spec["date"]
    status = spec["status"]
    if status == "draft":
        return None, None
    if status in ("issued", "closed") and (spec.get("is_upper_level") or not generate.campaign(day.year)):
        return None, None
    now = timezone.now()
    submitted = min(_aware(day - dt.timedelta(days=7 if day.weekday() == 0 else 5), 10), now - dt.timedelta(hours=3))
    if status == "submitted":
        return submitted, None
    decided = min(_aware(day - dt.timedelta(days=2), 16, 30), now - dt.timedelta(hours=1))
    return submitted, max(decided, submitted + dt.timedelta(hours=1))


def _write_items(
    ledger: generate.Ledger, units: dict[str, Unit], users: dict[str, User], lists: _Lists, progress: Progress
) -> list[int]:
    office = users["office"]
    heads = {a.unit: users[a.username] for a in DEMO_ACCOUNTS if "head" in a.roles}
    rows: list[Item] = []
    for spec in ledger.items:
        values = {k: spec[k] for k in ITEM_KEYS if k in spec}
        item = Item(issuer=units[spec["issuer"]], targets_all=spec["_targets"] is None, **values)
        item.chars = count_chars(item.body)
        item.ref = f"DEMO-{spec['_index'] + 1:05d}"
        if spec["status"] in ("issued", "closed"):
            item.issued_on = spec["date"]
        if spec.get("_plan"):
            item.plan_entry_id = lists.plans.get(spec["_plan"])
        if spec.get("_duty"):
            item.duty_entry_id = lists.duty[spec["_duty"]]
        if spec.get("_whitelist"):
            item.whitelist_entry_id = lists.whitelist.get((spec["date"].year, spec["_whitelist"]))
        if spec.get("_body"):
            item.coordination_body_id = lists.bodies[spec["_body"]]
        if spec["kind"] == "meeting":
            hour, minute = spec.get("_start", (9, 0))
            item.starts_at = _aware(spec["date"], hour, minute)
        clerk = CLERK_BY_UNIT.get(spec["issuer"])
        item.created_by = users[clerk] if clerk else None
        submitted, decided = _timeline(spec)
        item.submitted_at = submitted
        if decided is not None:
            item.decided_at = decided
            item.decided_by = office
            if not item.decision_comment:
                item.decision_comment = "同意。"
        head = heads.get(spec["issuer"])
        if head is not None and submitted is not None:
            item.signed_off_by = head
            item.signed_off_at = submitted - dt.timedelta(hours=2)
        item.created_at = (submitted or _aware(spec["date"], 9)) - dt.timedelta(days=1)
        rows.append(item)
    total = len(rows)
    for start in range(0, total, BATCH):
        Item.objects.bulk_create(rows[start : start + BATCH])
        progress("写入台账事项", min(total, start + BATCH), total)
    if any(r.pk is None for r in rows):  # backends without RETURNING: match on the unique ref
        ids = dict(Item.objects.values_list("ref", "pk"))
        for r in rows:
            r.pk = r.id = ids[r.ref]

    # merge links and decisions
    merged = []
    for spec, row in zip(ledger.items, rows, strict=True):
        target = spec.get("_merge_into")
        if target is not None:
            row.merged_into_id = rows[target].pk
            merged.append(row)
    Item.objects.bulk_update(merged, ["merged_into"], batch_size=BATCH)
    decisions = []
    for spec, row in zip(ledger.items, rows, strict=True):
        if row.decided_at is None:
            continue
        status = "approved" if spec["status"] in ("issued", "closed") else spec["status"]
        decisions.append(
            Decision(
                item=row,
                action=_DECISION_ACTIONS[status],
                by=office,
                at=row.decided_at,
                comment=row.decision_comment,
                merge_target_id=row.merged_into_id,
            )
        )
    Decision.objects.bulk_create(decisions, batch_size=BATCH)

    targets = []
    for spec, row in zip(ledger.items, rows, strict=True):
        for name in dict.fromkeys(spec["_targets"] or ()):
            targets.append(ItemTarget(item=row, unit=units[name], kind=row.kind, date=row.date))
    for start in range(0, len(targets), BATCH * 5):
        ItemTarget.objects.bulk_create(targets[start : start + BATCH * 5])
        progress("写入对象单位", min(len(targets), start + BATCH * 5), len(targets))
    return [r.pk for r in rows]


# --------------------------------------------------------------------------- reviews


def _spread(indices: list[int], room: int) -> list[int]:
    """An even, deterministic sample of `room` indices."""
    if room <= 0 or not indices:
        return []
    if room >= len(indices):
        return list(indices)
    step = len(indices) / room
    return [indices[int(i * step)] for i in range(room)]


def review_order(ledger: generate.Ledger, limit: int) -> list[int]:
    """Indices of the items whose gate review is stored, most telling first: the
    pipeline (submitted, approved), the rejections (the off-list tasks the report
    counts), then an even spread of returned and merged items and of the items
    issued since the campaign began, up to `limit`."""

    def of(*statuses: str) -> list[int]:
        return [s["_index"] for s in ledger.items if s["status"] in statuses]

    first = of("submitted", "approved") + of("rejected")
    rest = limit - len(first)
    if rest <= 0:
        return first[:limit]
    handled = _spread(of("returned", "merged"), rest // 2)
    issued = [
        s["_index"]
        for s in ledger.items
        if s["status"] == "issued" and generate.campaign(s["date"].year) and not s.get("is_upper_level")
    ]
    return first + handled + _spread(issued, limit - len(first) - len(handled))


def _review_sample(
    ledger: generate.Ledger,
    item_ids: list[int],
    users: dict[str, User],
    limit: int,
    result: SeedResult,
    progress: Progress,
) -> None:
    if limit <= 0:
        return
    try:
        from jianfu.gate.service import review_item
    except ImportError as exc:
        result.notes.append(f"前置审核引擎尚不可用（{exc}），未生成审核记录。")
        return
    order = review_order(ledger, limit)
    by_pk = Item.objects.select_related("issuer").in_bulk([item_ids[i] for i in order])
    stamps: list[Review] = []
    failures = 0
    with transaction.atomic():  # one commit; a savepoint per review keeps a failure local
        for done, index in enumerate(order, 1):
            item = by_pk[item_ids[index]]
            try:
                with transaction.atomic():
                    review = review_item(item)
                    row = store_review(item=item, review=review, trigger="submit")
            except Exception as exc:  # a gate still being built must not stop the seed
                failures += 1
                log.warning("demo seed: review of item %s failed: %s", item.pk, exc)
                if failures >= 20 and failures == done:
                    result.notes.append(f"前置审核引擎连续出错（{exc}），已停止生成审核记录。")
                    break
                continue
            row.created_at = item.submitted_at or _aware(item.date, 10)
            stamps.append(row)
            if done % 25 == 0 or done == len(order):
                progress("前置审核", done, len(order))
        Review.objects.bulk_update(stamps, ["created_at"], batch_size=BATCH)
    result.reviews = len(stamps)
    result.review_errors = failures
    if failures and len(stamps):
        result.notes.append(f"有 {failures} 个事项的前置审核出错，已跳过。")
