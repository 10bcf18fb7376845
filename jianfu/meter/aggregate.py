"""The item figures of a period computed in the database (GROUP BY and conditional
aggregates), so a year of a large ledger is never loaded into Python.

    aggregate_stats(period, params) -> Stats   (the same figures as stats.compute, no member lists)

What the pure core computes from the counted items (counts, shares, the data requests'
fields, campus activities per school, burden hours per unit and kind, the top items and
the suggestions) comes from a handful of grouped queries; everything else (reviews,
decisions, bodies, quotas, the channel) is small and goes through `stats.compute` as before.

Burden hours: the Standard Cost Model's hours per occurrence (`hours.hours_per_occurrence`)
is one SQL expression per item; occurrences depend only on (kind, date, ends_on, frequency),
so one-off items are summed per window and recurring ones (apps, recurring data requests)
are summed per distinct (kind, date, ends_on, frequency) and multiplied by
`hours.occurrences` of that group in Python. `jianfu/meter/tests/test_aggregate.py`
checks every figure and detail against the Python path on random ledgers.
"""

import datetime as dt
from collections import Counter, defaultdict
from functools import lru_cache
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce

from jianfu.ledger.models import Item, ItemTarget, ReviewFinding
from jianfu.meter.figures import stored_hours
from jianfu.meter.hours import REPORT_BACK_CODES, BurdenFacts, occurrences
from jianfu.meter.periods import Period
from jianfu.meter.selectors import COUNTED_STATUSES, RECURRING_FREQUENCIES, _burden_q, counted_items, load_rows
from jianfu.meter.stats import (
    CUR,
    GRASSROOTS,
    KINDS,
    MERGE_HINT_CODES,
    PREV,
    SHORT_DOCUMENT_CHARS,
    VIDEO_HINT_CODES,
    Stats,
    UnitTree,
    burden_unit_rows,
    by_unit,
    compute,
    share,
    shared_field_names,
    triple,
)
from jianfu.org.models import ISSUER_KINDS

NO_DISTRICT = 0  # unit ids start at 1
FAR_FUTURE = dt.date(9999, 12, 31)  # stands for "no end" when matching recurring groups


class Rounded(Func):
    """ROUND(x, digits) on both databases (PostgreSQL rounds only numeric to digits)."""

    output_field = FloatField()

    def __init__(self, expression, digits: int):
        super().__init__(expression)
        self.digits = int(digits)

    def as_sql(self, compiler, conn, **extra):
        return super().as_sql(compiler, conn, template=f"ROUND(%(expressions)s, {self.digits})", **extra)

    def as_postgresql(self, compiler, conn, **extra):
        template = f"CAST(ROUND(CAST(%(expressions)s AS numeric), {self.digits}) AS double precision)"
        return super().as_sql(compiler, conn, template=template, **extra)


class JsonLength(Func):
    """Length of a JSON array (0 for anything else)."""

    template = "COALESCE(json_array_length(%(expressions)s), 0)"
    output_field = IntegerField()

    def as_postgresql(self, compiler, conn, **extra):
        template = (
            "(CASE WHEN jsonb_typeof(%(expressions)s) = 'array' THEN jsonb_array_length(%(expressions)s) ELSE 0 END)"
        )
        return self.as_sql(compiler, conn, template=template, **extra)


def _f(value: Any) -> Cast:
    """A float constant; cast, so PostgreSQL computes in double precision (as Python does), not numeric."""
    return Cast(Value(float(value)), FloatField())


def _recurring(prefix: str = "") -> Q:
    return Q(**{prefix + "kind": "app"}) | Q(
        **{prefix + "kind": "data_request", prefix + "frequency__in": RECURRING_FREQUENCIES}
    )


def _dated(p: Period, prefix: str = "") -> Q:
    return Q(**{prefix + "date__gte": p.start, prefix + "date__lte": p.end})


def _once_in(p: Period, prefix: str = "") -> Q:
    """A one-off item occurs in the window holding its date, unless it ended before it began."""
    return _dated(p, prefix) & (
        Q(**{prefix + "ends_on__isnull": True}) | Q(**{prefix + "ends_on__gte": F(prefix + "date")})
    )


def hours_expression(params: dict[str, Any], prefix: str = ""):
    """hours.hours_per_occurrence as one SQL expression over an item's columns and the
    findings of its latest review (read only when there is a review)."""
    table = connection.ops.quote_name(Item._meta.db_table)
    findings = connection.ops.quote_name(ReviewFinding._meta.db_table)
    latest = f"{table}.{connection.ops.quote_name('latest_review_id')}"

    def col(name: str) -> F:
        return F(prefix + name)

    def has(codes) -> Q:
        codes = sorted(codes)
        marks = ", ".join(["%s"] * len(codes))
        found = f"SELECT 1 FROM {findings} f WHERE f.review_id = {latest} AND f.code IN ({marks})"  # noqa: S608
        sql = f"({latest} IS NOT NULL AND EXISTS ({found}))"
        return Q(RawSQL(sql, codes, output_field=BooleanField()))  # noqa: S611

    def when(q: Q, value) -> Case:
        return Case(When(q, then=value), default=_f(0), output_field=FloatField())

    def kind(k: str) -> Q:
        return Q(**{prefix + "kind": k})

    def minutes(name: str) -> Coalesce:
        return Coalesce(col(name), Value(0), output_field=IntegerField())

    p = params
    attendees = Case(
        When(**{prefix + "attendees__gt": 1}, then=col("attendees")), default=Value(1), output_field=IntegerField()
    )
    travel = when(Q(**{prefix + "mode": "onsite"}), _f(p["meeting_travel_minutes_onsite"]))
    materials = Q(**{prefix + "materials_required": True}) | has({"MATERIAL_DEMAND"})
    document = _f(p["document_read_hours"]) + _f(p["document_hours_per_1000_chars"]) * col("chars") / _f(1000)
    inspection_days = Coalesce(col("onsite_days"), _f(p["inspection_default_onsite_days"]))
    base = Case(
        When(**{prefix + "estimated_hours__isnull": False}, then=col("estimated_hours")),
        When(kind("document"), then=document + when(has(REPORT_BACK_CODES), _f(p["document_report_back_hours"]))),
        When(
            kind("meeting"),
            then=(minutes("duration_minutes") + travel) / _f(60) * attendees
            + when(materials, _f(p["meeting_materials_hours"])),
        ),
        When(
            kind("inspection"),
            then=_f(p["inspection_preparation_hours"]) + inspection_days * _f(p["inspection_hours_per_onsite_day"]),
        ),
        When(kind("data_request"), then=_f(p["data_request_hours_per_field"]) * JsonLength(col("fields"))),
        When(kind("task"), then=_f(p["task_hours_if_missing"])),
        When(kind("campus"), then=_f(p["campus_hours"])),
        When(kind("award"), then=_f(p["award_hours"])),
        When(kind("app"), then=minutes("daily_minutes") / _f(60) * _f(p["app_working_days_per_year"])),
        default=_f(0),
        output_field=FloatField(),
    )
    return Rounded(base + _demand(params, latest, findings), 4)  # as hours_per_occurrence rounds


def _demand(params: dict[str, Any], latest: str, findings: str) -> RawSQL:
    """The costs of the demands the latest review found, each code once: one correlated subquery."""
    costs = sorted((code, float(cost)) for code, cost in params["demand_costs"].items() if cost)
    if not costs:
        return _f(0)
    whens = " ".join("WHEN %s THEN %s" for _ in costs)
    marks = ", ".join(["%s"] * len(costs))
    # Each code once, as the Python path's set of codes: the finding with the lowest id stands for it.
    first = f"f.id = (SELECT MIN(g.id) FROM {findings} g WHERE g.review_id = f.review_id AND g.code = f.code)"  # noqa: S608
    cost = f"SELECT CAST(SUM(CASE f.code {whens} ELSE 0 END) AS double precision) FROM {findings} f"  # noqa: S608
    sql = (
        f"(CASE WHEN {latest} IS NULL THEN 0 ELSE COALESCE(("
        f"{cost} WHERE f.review_id = {latest} AND f.code IN ({marks}) AND {first}), 0) END)"
    )
    params_ = [x for pair in costs for x in pair] + [code for code, _ in costs]
    return RawSQL(sql, params_, output_field=FloatField())  # noqa: S611


def _case_by_unit(groups: dict[Any, list[int]], value, default, field: str = "issuer_id") -> Case:
    """CASE field IN (ids…) THEN value(key) …: maps the issuing unit to its district or scope."""
    whens = [When(**{f"{field}__in": ids}, then=value(key)) for key, ids in groups.items() if ids]
    return Case(*whens, default=default, output_field=IntegerField())


class _Ledger:
    """The grouped queries of one period and what they need from the unit tree."""

    def __init__(self, period: Period, previous: Period, tree: UnitTree, params: dict[str, Any]):
        self.period, self.previous, self.tree, self.params = period, previous, tree, params
        self.windows = {CUR: period, PREV: previous}
        issuers_by_district: dict[int, list[int]] = defaultdict(list)
        for pk, kind in tree.kind.items():
            if kind in ISSUER_KINDS:
                issuers_by_district[tree.district(pk) or NO_DISTRICT].append(pk)
        self.district = _case_by_unit(
            {d: ids for d, ids in issuers_by_district.items() if d != NO_DISTRICT},
            lambda d: Value(d),
            Value(NO_DISTRICT),
        )
        self.pooled_scope = _case_by_unit(
            {d: ids for d, ids in issuers_by_district.items()},
            lambda d: Value(len(self.scope_of(d))),
            Value(len(tree.all_grassroots)),
        )
        self.hours = stored_hours(params)

    def scope_of(self, district: int) -> list[int]:
        return self.tree.scope[district] if district != NO_DISTRICT else self.tree.all_grassroots

    # ----------------------------------------------------------------- querysets

    def items(self) -> QuerySet:
        return counted_items().filter(_burden_q(self.period, self.previous))

    def targets(self) -> QuerySet:
        """Target links of counted items addressed to named units, grassroots units only."""
        return (
            ItemTarget.objects.filter(
                item__status__in=COUNTED_STATUSES,
                item__is_upper_level=False,
                item__issuer__kind__in=ISSUER_KINDS,
                item__targets_all=False,
                unit__kind__in=GRASSROOTS,
            )
            .filter(_burden_q(self.period, self.previous, "item__"))
            .annotate(h=stored_hours(self.params, "item__"))
        )

    def scope(self):
        """How many grassroots units an item lands on."""
        named = (
            ItemTarget.objects.filter(item_id=OuterRef("id"), unit__kind__in=GRASSROOTS)
            .order_by()
            .values("item_id")
            .annotate(n=Count("id"))
            .values("n")
        )
        return Case(
            When(targets_all=True, then=self.pooled_scope),
            default=Coalesce(Subquery(named, output_field=IntegerField()), Value(0)),
            output_field=IntegerField(),
        )

    # ----------------------------------------------------------------- figures

    def counts(self) -> tuple[Counter, dict[str, dict[str, int]]]:
        """Every count and sum of the period's items from one GROUP BY over a few small keys
        (cheaper per row than dozens of filtered aggregates), and inspections by category."""

        def flag(q: Q) -> Case:
            return Case(When(q, then=Value(1)), default=Value(0), output_field=IntegerField())

        def only(kind: str, expression) -> Case:
            return Case(When(kind=kind, then=expression), default=None, output_field=expression.output_field)

        size = Case(
            When(chars__lte=0, then=Value(0)),
            When(chars__lte=SHORT_DOCUMENT_CHARS, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
        app_bits = Value(0)
        days = [(w, "end", p.end) for w, p in self.windows.items()]
        days += [(w, "jan", p.year_start) for w, p in self.windows.items()]
        for bit, (_, _, day) in enumerate(days):
            live = Q(date__lte=day) & (Q(ends_on__gte=day) | Q(ends_on__isnull=True, status="issued"))
            app_bits = app_bits + flag(live) * Value(1 << bit)
        rows = (
            self.items()
            .annotate(
                wc=flag(_dated(self.period)),
                wp=flag(_dated(self.previous)),
                doc=only("document", size * Value(2) + flag(Q(is_policy=True))),
                video=only("meeting", flag(Q(mode="video"))),
                cat=only("inspection", Coalesce(F("category"), Value(""), output_field=CharField())),
                app=only("app", ExpressionWrapper(app_bits, output_field=IntegerField())),
            )
            .order_by()
            .values("kind", "wc", "wp", "doc", "video", "cat", "app")
            .annotate(n=Count("id"), minutes=Sum("duration_minutes"), timed=Count("duration_minutes"))
        )
        c: Counter = Counter()
        categories: dict[str, dict[str, int]] = {}
        for r in rows:
            n, kind = r["n"], r["kind"]
            if r["app"] is not None:
                for bit, (w, name, _) in enumerate(days):
                    if r["app"] & (1 << bit):
                        c[f"{w}_apps_{name}"] += n
            for w in self.windows:
                if not r["wc" if w == CUR else "wp"]:
                    continue
                c[f"{w}_n_{kind}"] += n
                if r["doc"] is not None:
                    c[f"{w}_policy"] += n * (r["doc"] % 2)
                    c[f"{w}_sized"] += n * (r["doc"] // 2 > 0)
                    c[f"{w}_short"] += n * (r["doc"] // 2 == 1)
                if kind == "meeting":
                    c[f"{w}_minutes"] += r["minutes"] or 0
                    c[f"{w}_timed"] += r["timed"]
                    c[f"{w}_video"] += n * (r["video"] or 0)
                if r["cat"] is not None:
                    categories.setdefault(r["cat"] or "未分类", {CUR: 0, PREV: 0})[w] += n
        return c, dict(sorted(categories.items()))

    def field_counts(self) -> list[tuple[Any, int, int]]:
        """(field as stored, times requested in P, in P′) over the data requests dated in either."""
        qs = (
            self.items()
            .filter(Q(kind="data_request") & (_dated(self.period) | _dated(self.previous)))
            .annotate(
                wc=Case(When(_dated(self.period), then=Value(1)), default=Value(0)),
                wp=Case(When(_dated(self.previous), then=Value(1)), default=Value(0)),
            )
            .values("fields", "wc", "wp")
        )
        sql, params = qs.query.sql_with_params()
        if connection.vendor == "postgresql":
            elements = (
                "CROSS JOIN LATERAL jsonb_array_elements_text("
                "CASE WHEN jsonb_typeof(s.fields) = 'array' THEN s.fields ELSE '[]'::jsonb END) AS j(value)"
            )
        else:
            elements = ", json_each(s.fields) AS j"
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT j.value, SUM(s.wc), SUM(s.wp) FROM ({sql}) s {elements} GROUP BY j.value",  # noqa: S608
                params,
            )
            return cursor.fetchall()

    def has_field_in(self, stored: list[Any]) -> Q:
        """The data request asks for one of these fields (as stored)."""
        if not stored:
            return Q(pk__in=[])
        marks = ", ".join(["%s"] * len(stored))
        table = connection.ops.quote_name(counted_items().model._meta.db_table)
        # Only the table's name and placeholders are formatted in; the values are parameters.
        if connection.vendor == "postgresql":
            array = f"CASE WHEN jsonb_typeof({table}.fields) = 'array' THEN {table}.fields ELSE '[]'::jsonb END"
            sql = f"EXISTS (SELECT 1 FROM jsonb_array_elements_text({array}) AS j(value) WHERE j.value IN ({marks}))"  # noqa: S608
        else:
            sql = f"EXISTS (SELECT 1 FROM json_each({table}.fields) AS j WHERE j.value IN ({marks}))"  # noqa: S608
        return Q(RawSQL(sql, [str(v) for v in stored], output_field=BooleanField()))  # noqa: S611

    # ----------------------------------------------------------------- burden hours

    @staticmethod
    @lru_cache(maxsize=65536)
    def _occurrences(kind: str, date: dt.date, ends_on: dt.date | None, frequency: str, start, end) -> float:
        return occurrences(BurdenFacts(kind=kind, date=date, ends_on=ends_on, frequency=frequency or ""), start, end)

    def occ(self, kind, date, ends_on, frequency, w: str) -> float:
        p = self.windows[w]
        return self._occurrences(kind, date, ends_on, frequency, p.start, p.end)

    def _grouped(self, qs: QuerySet, keys: tuple[str, ...], prefix: str = "") -> QuerySet:
        """Hours per occurrence summed per keys: per window for one-off items, per (kind, date,
        ends_on, frequency) for recurring ones (their occurrences are the group's); plus the
        items dated in each window (campus activities per school)."""
        rec = _recurring(prefix)

        def recurring_only(name: str, field) -> Case:
            return Case(When(rec, then=F(prefix + name)), default=None, output_field=field)

        positive = Q(h__gt=0)
        sums = {f"{w}_h": Sum("h", filter=_once_in(p, prefix) & ~rec & positive) for w, p in self.windows.items()}
        counts = {f"{w}_n": Count("id", filter=_dated(p, prefix)) for w, p in self.windows.items()}
        return (
            qs.annotate(
                rec_date=recurring_only("date", DateField()),
                rec_ends=recurring_only("ends_on", DateField()),
                rec_freq=recurring_only("frequency", CharField()),
            )
            .order_by()
            .values(*keys, prefix + "kind", "rec_date", "rec_ends", "rec_freq")
            .annotate(rec_h=Sum("h", filter=rec & positive), **sums, **counts)
        )

    def burden(self) -> dict[str, Any]:
        """Hours per window: total, per unit, per unit and kind, per kind (as stats._burden, without
        the items), the recurring groups occurring in P, and campus activities per school."""
        tree = self.tree
        unit_kind: dict[str, Counter] = {w: Counter() for w in self.windows}
        pools: dict[str, Counter] = {w: Counter() for w in self.windows}  # (district, kind) -> hours per unit
        campus: dict[str, Counter] = {w: Counter() for w in self.windows}
        groups: set[tuple] = set()

        def add(acc: dict[str, Counter], key, r: dict, kind: str) -> None:
            for w in self.windows:
                # Only hours that occur make an entry (a unit with none is not listed by kind).
                if r["rec_date"] is None:
                    if r[f"{w}_h"] is not None:
                        acc[w][key] += r[f"{w}_h"]
                elif r["rec_h"] is not None:
                    group = (kind, r["rec_date"], r["rec_ends"], r["rec_freq"])
                    n = self.occ(*group, w)
                    if n > 0:
                        acc[w][key] += r["rec_h"] * n
                        if w == CUR:
                            groups.add((*group, n))

        pooled = self.items().filter(targets_all=True).annotate(h=self.hours, district=self.district)
        for r in self._grouped(pooled, ("district",)):
            add(pools, (r["district"], r["kind"]), r, r["kind"])
            if r["kind"] == "campus":
                for w in self.windows:
                    for u in self.scope_of(r["district"]):
                        if tree.kind.get(u) == "school":
                            campus[w][u] += r[f"{w}_n"]
        for r in self._grouped(self.targets(), ("unit_id",), "item__"):
            kind = r["item__kind"]
            add(unit_kind, (r["unit_id"], kind), r, kind)
            if kind == "campus" and tree.kind.get(r["unit_id"]) == "school":
                for w in self.windows:
                    campus[w][r["unit_id"]] += r[f"{w}_n"]
        result: dict[str, Any] = {"groups": sorted(groups, key=repr), "campus": campus}
        for w in self.windows:
            acc = unit_kind[w]
            kind_hours: Counter = Counter()
            for (_, kind), hours in acc.items():
                kind_hours[kind] += hours
            for (district, kind), per_unit in pools[w].items():
                scope = self.scope_of(district)
                kind_hours[kind] += per_unit * len(scope)
                for u in scope:
                    acc[(u, kind)] += per_unit
            per_unit_total, per_unit_kind = by_unit(acc)
            result[w] = {
                "total": sum(kind_hours.values()),
                "unit": per_unit_total,
                "unit_kind": per_unit_kind,
                "kind": kind_hours,
            }
        return result

    # ----------------------------------------------------------------- lists (one statement)

    def lists(self, groups: list[tuple], shared_stored: list[Any], n: int = 10) -> dict[str, list[tuple[int, float]]]:
        """The top items by hours in P, the onsite meetings to hold by video, the data requests to
        merge: four ordered, limited selects in one UNION ALL statement."""
        parts: list[tuple[str, str, list]] = []

        def part(tag: str, qs: QuerySet) -> None:
            sql, params = qs.query.sql_with_params()
            parts.append((tag, f"SELECT u.id, u.v FROM ({sql}) u", list(params)))  # noqa: S608

        with_hours = self.items().annotate(h=self.hours, scope=self.scope())
        counted = Q(h__gt=0, scope__gt=0)
        once = with_hours.filter(~_recurring() & _once_in(self.period)).filter(counted)
        part("top", once.annotate(v=F("h") * F("scope")).order_by("-v", "id").values("id", "v")[:n])
        if groups:
            parts.append(("top", *self._recurring_top(with_hours.filter(_recurring()).filter(counted), groups, n)))
        # Video: ordered by hours to one decimal then id, as the report lists them; a margin of rows
        # covers the rare .x5 that SQL and Python round apart.
        onsite = with_hours.filter(_dated(self.period) & Q(kind="meeting", mode="onsite")).annotate(
            v=Case(When(counted & _once_in(self.period), then=F("h") * F("scope")), default=_f(0))
        )
        video_hint = Exists(
            ReviewFinding.objects.filter(review_id=OuterRef("latest_review_id"), code__in=VIDEO_HINT_CODES)
        )
        onsite = onsite.filter(Q(v__gt=0) | (Q(latest_review_id__isnull=False) & video_hint))
        part("video", onsite.annotate(r=Rounded(F("v"), 1)).order_by("-r", "-id").values("id", "v")[: n * 5])
        merge_hint = Exists(
            ReviewFinding.objects.filter(review_id=OuterRef("latest_review_id"), code__in=MERGE_HINT_CODES)
        )
        requests = self.items().filter(_dated(self.period) & Q(kind="data_request"))
        requests = requests.filter(self.has_field_in(shared_stored) | (Q(latest_review_id__isnull=False) & merge_hint))
        part("merge", requests.annotate(v=_f(0)).order_by("id").values("id", "v")[: 2 * n])
        sql = " UNION ALL ".join(f"SELECT '{tag}', x.id, x.v FROM ({body}) x" for tag, body, _ in parts)  # noqa: S608
        out: dict[str, list[tuple[int, float]]] = {"top": [], "video": [], "merge": []}
        with connection.cursor() as cursor:
            cursor.execute(sql, [p for _, _, params in parts for p in params])
            for tag, pk, v in cursor.fetchall():
                out[tag].append((pk, float(v or 0.0)))
        return out

    @staticmethod
    def _recurring_top(qs: QuerySet, groups: list[tuple], n: int) -> tuple[str, list]:
        """The recurring items with the most hours in P: each group's occurrences joined in as VALUES."""
        sql, params = qs.values("id", "kind", "date", "ends_on", "frequency", "h", "scope").query.sql_with_params()
        pg = connection.vendor == "postgresql"
        row = "(%s, CAST(%s AS date), CAST(%s AS date), %s, %s)" if pg else "(%s, %s, %s, %s, %s)"

        def day(d: dt.date | None):
            d = d or FAR_FUTURE
            return d if pg else d.isoformat()

        args: list = []
        for kind, date, ends_on, frequency, occ in groups:
            args += [kind, day(date), day(ends_on), frequency, float(occ)]
        body = (
            f"SELECT s.id AS id, (s.h * g.column5) * s.scope AS v FROM ({sql}) s "  # noqa: S608
            f"JOIN (VALUES {', '.join([row] * len(groups))}) AS g ON s.kind = g.column1 AND s.date = g.column2 "
            f"AND COALESCE(s.ends_on, %s) = g.column3 AND s.frequency = g.column4 ORDER BY v DESC, s.id LIMIT {int(n)}"
        )
        return f"SELECT u.id, u.v FROM ({body}) u", [*params, *args, day(None)]  # noqa: S608


def aggregate_stats(period: Period, params: dict[str, Any]) -> Stats:
    """The figures of `period` as stats.compute gives them (members and per-item hours left out)."""
    with transaction.atomic(savepoint=False):  # one snapshot for all the queries
        return _aggregate_stats(period, params)


def _aggregate_stats(period: Period, params: dict[str, Any]) -> Stats:
    previous = period.year_earlier()
    rows = load_rows(period, previous, items=False)
    stats = compute(rows, params)  # every figure that does not read the counted items
    tree = UnitTree(rows.units)
    led = _Ledger(period, previous, tree, params)
    c, categories = led.counts()
    values: dict[str, dict[str, Any]] = defaultdict(dict)
    by_kind = {k: {w: c[f"{w}_n_{k}"] for w in led.windows} for k in KINDS}
    names = shared_field_names(rows.catalog)
    fields = led.field_counts()
    shared_stored = [v for v, _, _ in fields if str(v).strip() in names]
    for w in led.windows:
        values["documents"][w] = by_kind["document"][w]
        values["policy_documents"][w] = c[f"{w}_policy"]
        values["short_document_share"][w] = share(c[f"{w}_short"], c[f"{w}_sized"])
        values["short_documents"][w] = c[f"{w}_short"]
        values["meetings"][w] = by_kind["meeting"][w]
        timed = c[f"{w}_timed"]
        values["meeting_avg_minutes"][w] = round(c[f"{w}_minutes"] / timed, 1) if timed else 0.0
        values["video_meeting_share"][w] = share(c[f"{w}_video"], by_kind["meeting"][w])
        values["video_meetings"][w] = c[f"{w}_video"]
        values["inspections"][w] = by_kind["inspection"][w]
        values["data_requests"][w] = by_kind["data_request"][w]
        i = 1 if w == CUR else 2
        values["data_request_fields"][w] = sum(r[i] for r in fields)
        values["shared_fields"][w] = sum(r[i] for r in fields if str(r[0]).strip() in names)
        values["campus_activities"][w] = by_kind["campus"][w]
        values["apps_live"][w] = c[f"{w}_apps_end"]
        values["apps_live_change_since_year_start"][w] = c[f"{w}_apps_end"] - c[f"{w}_apps_jan"]
        values["tasks"][w] = by_kind["task"][w]
        values["awards"][w] = by_kind["award"][w]

    burden = led.burden()
    unit_count = len(tree.all_grassroots)
    for w in led.windows:
        values["burden_hours"][w] = round(burden[w]["total"], 1)
        values["burden_hours_per_unit"][w] = round(burden[w]["total"] / unit_count, 1) if unit_count else 0.0
    for key, v in values.items():
        stats.figures[key] = triple(v[CUR], v[PREV])

    details = stats.details
    for k in KINDS:
        details["by_kind"][k]["items"] = by_kind[k]
        details["by_kind"][k]["burden_hours"] = {w: round(burden[w]["kind"].get(k, 0.0), 1) for w in led.windows}
    details["unit_count"] = unit_count
    details["inspections_by_category"] = categories
    unit_rows = burden_unit_rows(tree, burden)
    details["units"] = unit_rows
    details["top_units"] = [r for r in unit_rows if r["current"] > 0][:10]
    lists = led.lists(burden["groups"], shared_stored)
    top = sorted(lists["top"], key=lambda x: (-x[1], x[0]))[:10]
    details["top_items"] = [{"item_id": i, "hours": round(h, 1)} for i, h in top]
    video = sorted(((round(h, 1), pk) for pk, h in lists["video"]), reverse=True)[:10]
    campus = burden["campus"]
    details["campus_per_school"] = [
        {"unit_id": u, "name": tree.name[u], "current": n, "previous": campus[PREV].get(u, 0)}
        for u, n in sorted(campus[CUR].items(), key=lambda x: (-x[1], x[0]))
        if n
    ]
    details["suggestions"] = {
        "video_meetings": [{"item_id": i, "hours": h} for h, i in video],
        "merge_data_requests": [pk for pk, _ in lists["merge"]],
    }
    return stats
