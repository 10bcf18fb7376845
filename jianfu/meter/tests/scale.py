"""A synthetic ledger of N items over two years, bulk-inserted (seeded, deterministic),
for query-count and timing checks of the period statistics."""

import datetime as dt
import random

from jianfu.ledger.models import Item, ItemTarget, Review, ReviewFinding
from jianfu.org.models import Unit, UnitKind

KINDS = ("document", "meeting", "inspection", "data_request", "task", "campus", "award", "app")
CODES = ("PHOTO_VIDEO_DEMAND", "TRACE_DEMAND", "MATERIAL_DEMAND", "TIGHT_DEADLINE", "DOC_TOO_LONG")


def build_scale(n: int, *, seed: int = 7, townships: int = 10, villages_each: int = 10) -> None:
    rng = random.Random(seed)
    district = Unit.objects.create(name=f"规模区{seed}", kind=UnitKind.DISTRICT)
    depts = [Unit.objects.create(name=f"规模部门{seed}-{i}", kind="department", parent=district) for i in range(20)]
    grassroots = []
    for t in range(townships):
        town = Unit.objects.create(name=f"规模镇{seed}-{t}", kind="township", parent=district)
        grassroots.append(town)
        grassroots += [
            Unit.objects.create(name=f"规模村{seed}-{t}-{v}", kind="village", parent=town) for v in range(villages_each)
        ]
    start = dt.date(2024, 1, 1)
    items = []
    for i in range(n):
        kind = rng.choice(KINDS)
        item = Item(
            kind=kind, title=f"规模事项{i}", issuer=rng.choice(depts),
            date=start + dt.timedelta(days=rng.randrange(730)),
            status=rng.choice(("issued", "issued", "issued", "closed", "merged", "draft")), year=2024,
            targets_all=rng.random() < 0.3, chars=rng.randrange(0, 6000), is_policy=rng.random() < 0.2,
            duration_minutes=rng.randrange(30, 180) if kind == "meeting" else None,
            mode=rng.choice(("onsite", "video", "hybrid")) if kind == "meeting" else "",
            fields=[f"字段{rng.randrange(200)}" for _ in range(rng.randrange(1, 15))] if kind == "data_request" else [],
            frequency=rng.choice(("once", "monthly", "weekly")) if kind == "data_request" else "",
            daily_minutes=rng.randrange(5, 40) if kind == "app" else None,
            estimated_hours=2.0 if kind == "task" else None,
        )  # fmt: skip
        item.year = item.date.year
        items.append(item)
    Item.objects.bulk_create(items, batch_size=1000)
    targets, reviews = [], []
    for item in items:
        if not item.targets_all:
            for unit in rng.sample(grassroots, rng.randrange(1, 6)):
                targets.append(ItemTarget(item=item, unit=unit, kind=item.kind, date=item.date))
        if rng.random() < 0.5:
            reviews.append(Review(item=item, verdict=rng.choice(("pass", "revise", "block")), findings=[]))
    ItemTarget.objects.bulk_create(targets, batch_size=2000)
    Review.objects.bulk_create(reviews, batch_size=1000)
    findings = [
        ReviewFinding(review=r, item_id=r.item_id, code=rng.choice(CODES), severity="warn")
        for r in reviews
        if rng.random() < 0.6
    ]
    ReviewFinding.objects.bulk_create(findings, batch_size=2000)
    for r in reviews:
        Item.objects.filter(pk=r.item_id).update(latest_review=r)
