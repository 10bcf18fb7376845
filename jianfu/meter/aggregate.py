"""The item figures of a period computed in the database (GROUP BY and conditional
aggregates), so a year of a large ledger is never loaded into Python.

    aggregate_stats(period, params) -> Stats   (the same figures as stats.compute, no member lists)
    window_parts(windows, ...) -> [dict]        (what the items dated in each window contribute)

The grouped queries run per ten days (`window_parts`, a month's stale pieces in one pass) and
each piece's part is stored (`jianfu.meter.months`, kept current by triggers), so a year adds
up ~72 stored parts; a period cut inside a piece computes its edge pieces directly. What the
parts hold: counts, shares' numerators and denominators, the data requests' fields, one-off
hours per (unit, kind) and (district, kind), campus activities per school, each piece's
candidates for the ranked lists (a period's top N is within its pieces' top N), and for
recurring items (apps, recurring data requests), whose hours fall into later windows, their
hours per occurrence per (district | unit, kind, date, ends_on, frequency), each group's top
items and the apps' (date, ends_on, issued) counts: `hours.occurrences` of each group is
applied when read.
Everything else (reviews, decisions, bodies, quotas, the channel) is small and goes through
`stats.compute` as before. `jianfu/meter/tests/test_aggregate.py` checks every figure and
detail against the Python path on random ledgers, `test_months.py` after every write path.
"""

import datetime as dt
import heapq
import itertools
import json
from collections import Counter, defaultdict
from collections.abc import Callable
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
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce, RowNumber

from jianfu.ledger.models import CatalogField, Item, ItemTarget, ReviewFinding
from jianfu.meter import months
from jianfu.meter.figures import stored_hours
from jianfu.meter.hours import REPORT_BACK_CODES, BurdenFacts, occurrences
from jianfu.meter.periods import Period
from jianfu.meter.selectors import COUNTED_STATUSES, RECURRING_FREQUENCIES, counted_items, load_rows, quota_use
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
from jianfu.org.models import ISSUER_KINDS, Unit

NO_DISTRICT = 0  # unit ids start at 1


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


def _occurs(prefix: str = "") -> Q:
    """A one-off item occurs in the window holding its date, unless it ended before it began."""
    return Q(**{prefix + "ends_on__isnull": True}) | Q(**{prefix + "ends_on__gte": F(prefix + "date")})


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


def _flag(q: Q) -> Case:
    return Case(When(q, then=Value(1)), default=Value(0), output_field=IntegerField())


def _scope_of(tree: UnitTree, district: int) -> list[int]:
    return tree.scope[district] if district != NO_DISTRICT else tree.all_grassroots


def _compiled_hours(params: dict[str, Any]) -> RawSQL:
    """`stored_hours` compiled once into SQL over the item table's columns. Every part query
    references the hours several times (sums, filters, ranking) and Django would otherwise
    resolve and compile the whole expression at each reference, month after month."""
    key = (connection.vendor, json.dumps(params, sort_keys=True, default=str))
    if key not in _HOURS_SQL:
        query = Item.objects.annotate(_h=stored_hours(params)).values("_h").query
        compiler = query.get_compiler(connection=connection)
        _HOURS_SQL.clear()  # one set of tariffs at a time
        _HOURS_SQL[key] = compiler.compile(query.annotations["_h"])
    sql, args = _HOURS_SQL[key]
    return RawSQL(f"({sql})", tuple(args), output_field=FloatField())  # noqa: S611


_HOURS_SQL: dict[tuple, tuple[str, list]] = {}


class _Ledger:
    """The grouped queries over some counted items (`among`, a Q by field prefix) for some
    windows, and what they need from the unit tree. The first window is the one the lists rank."""

    def __init__(self, windows: dict[str, Period], tree: UnitTree, params: dict[str, Any], among: Callable[[str], Q]):
        self.windows, self.tree, self.params, self.among = windows, tree, params, among
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
            lambda d: Value(len(_scope_of(tree, d))),
            Value(len(tree.all_grassroots)),
        )
        # The item table keeps its name in these queries (targets join it once), so one SQL serves both.
        self.hours = _compiled_hours(params)

    # ----------------------------------------------------------------- querysets

    def items(self) -> QuerySet:
        return counted_items().filter(self.among(""))

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
            .filter(self.among("item__"))
            .annotate(h=self.hours)
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
        """Every count and sum of the items dated in the windows from one GROUP BY over a few
        small keys (cheaper per row than dozens of filtered aggregates), and inspections by category."""

        def only(kind: str, expression) -> Case:
            return Case(When(kind=kind, then=expression), default=None, output_field=expression.output_field)

        size = Case(
            When(chars__lte=0, then=Value(0)),
            When(chars__lte=SHORT_DOCUMENT_CHARS, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
        rows = (
            self.items()
            .annotate(
                wi=self.which(),
                doc=only("document", size * Value(2) + _flag(Q(is_policy=True))),
                video=only("meeting", _flag(Q(mode="video"))),
                cat=only("inspection", Coalesce(F("category"), Value(""), output_field=CharField())),
            )
            .order_by()
            .values("kind", "wi", "doc", "video", "cat")
            .annotate(n=Count("id"), minutes=Sum("duration_minutes"), timed=Count("duration_minutes"))
        )
        c: Counter = Counter()
        categories: dict[str, dict[str, int]] = {}
        names = list(self.windows)
        for r in rows:
            n, kind = r["n"], r["kind"]
            w = names[r["wi"]]
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
                categories.setdefault(r["cat"] or "未分类", dict.fromkeys(self.windows, 0))[w] += n
        return c, categories

    def field_counts(self) -> list[tuple[str, Any, int]]:
        """(window, field as stored, times requested) over the data requests dated in each window."""
        qs = self.items().filter(kind="data_request").annotate(wi=self.which()).values("wi", "fields")
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
                f"SELECT s.wi, j.value, COUNT(*) FROM ({sql}) s {elements} GROUP BY s.wi, j.value",  # noqa: S608
                params,
            )
            names = list(self.windows)
            return [(names[i], value, n) for i, value, n in cursor.fetchall() if i is not None]

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

    def _grouped(self, qs: QuerySet, keys: tuple[str, ...], prefix: str = "") -> QuerySet:
        """Hours per occurrence summed per keys and window (`wi`): for one-off items that occur
        (`once_h`), and per (kind, date, ends_on, frequency) for recurring ones (`rec_h`: their
        occurrences are the group's); plus the items dated in the window (campus activities per school)."""
        rec = _recurring(prefix)

        def recurring_only(name: str, field) -> Case:
            return Case(When(rec, then=F(prefix + name)), default=None, output_field=field)

        positive = Q(h__gt=0)
        once = _occurs(prefix)  # in the window its date is in
        return (
            qs.annotate(
                rec_date=recurring_only("date", DateField()),
                rec_ends=recurring_only("ends_on", DateField()),
                rec_freq=recurring_only("frequency", CharField()),
                wi=self.which(prefix),
            )
            .order_by()
            .values(*keys, prefix + "kind", "rec_date", "rec_ends", "rec_freq", "wi")
            .annotate(
                rec_h=Sum("h", filter=rec & positive), once_h=Sum("h", filter=once & ~rec & positive), n=Count("id")
            )
        )

    def burden(self) -> dict[str, Any]:
        """Hours per window of the one-off items: per (unit, kind) for named targets, per
        (district, kind) per unit for all-unit targets; campus activities per school. And the
        recurring items' hours per occurrence summed per ("d" district | "u" unit, id, kind,
        date, ends_on, frequency), whatever the window: their occurrences are applied later."""
        tree = self.tree
        unit_kind: dict[str, Counter] = {w: Counter() for w in self.windows}
        pools: dict[str, Counter] = {w: Counter() for w in self.windows}  # (district, kind) -> hours per unit
        campus: dict[str, Counter] = {w: Counter() for w in self.windows}
        recurring: list[list] = []

        names = list(self.windows)

        def add(acc: dict[str, Counter], tag: str, key, r: dict, kind: str) -> None:
            if r["rec_date"] is not None:
                if r["rec_h"] is not None:
                    group = [kind, r["rec_date"].isoformat(), _iso(r["rec_ends"]), r["rec_freq"] or ""]
                    recurring.append([tag, key[0], *group, r["rec_h"]])
                return
            # Only hours that occur make an entry (a unit with none is not listed by kind).
            if r["once_h"] is not None:
                acc[names[r["wi"]]][key] += r["once_h"]

        pooled = self.items().filter(targets_all=True).annotate(h=self.hours, district=self.district)
        for r in self._grouped(pooled, ("district",)):
            add(pools, "d", (r["district"], r["kind"]), r, r["kind"])
            if r["kind"] == "campus":
                for u in _scope_of(tree, r["district"]):
                    if tree.kind.get(u) == "school":
                        campus[names[r["wi"]]][u] += r["n"]
        for r in self._grouped(self.targets(), ("unit_id",), "item__"):
            kind = r["item__kind"]
            add(unit_kind, "u", (r["unit_id"], kind), r, kind)
            if kind == "campus" and tree.kind.get(r["unit_id"]) == "school":
                campus[names[r["wi"]]][r["unit_id"]] += r["n"]
        return {"unit_kind": unit_kind, "pools": pools, "campus": campus, "recurring": recurring}

    def recurring_top(self, n: int = 10) -> list[list]:
        """Per recurring group (kind, date, ends_on, frequency), its n items with the most hours
        per occurrence over all their units: [kind, date, ends_on, frequency, id, h, scope]. An
        item's hours in a window are h × occurrences × scope, the same factor for the whole group."""
        qs = (
            self.items()
            .filter(_recurring())
            .annotate(h=self.hours, scope=self.scope())
            .filter(h__gt=0, scope__gt=0)
            .annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=[F("kind"), F("date"), F("ends_on"), F("frequency")],
                    order_by=[(F("h") * F("scope")).desc(), F("id").asc()],
                )
            )
            .filter(rank__lte=n)
            .values_list("kind", "date", "ends_on", "frequency", "id", "h", "scope")
        )
        return [[k, d.isoformat(), _iso(e), f or "", pk, h, sc] for k, d, e, f, pk, h, sc in qs]

    def apps(self) -> list[list]:
        """The apps as [date, ends_on, issued, count]: enough to tell which are live on any day."""
        qs = (
            self.items()
            .filter(kind="app")
            .annotate(issued=_flag(Q(status="issued")))
            .order_by()
            .values_list("date", "ends_on", "issued")
            .annotate(n=Count("id"))
        )
        return [[d.isoformat(), _iso(e), i, n] for d, e, i, n in qs]

    # ----------------------------------------------------------------- lists

    def which(self, prefix: str = "") -> Case:
        """The index of the window an item is dated in (the windows never overlap)."""
        whens = [When(_dated(p, prefix), then=Value(i)) for i, p in enumerate(self.windows.values())]
        return Case(*whens, default=None, output_field=IntegerField())

    def lists(self, shared_stored: list[Any], n: int = 10) -> dict[str, dict[str, list[tuple[int, float]]]]:
        """Per window, the one-off items with the most hours, the onsite meetings to hold by
        video, the data requests to merge: each ranked per window (ROW_NUMBER), in one UNION
        ALL statement whatever the number of windows."""
        parts: list[tuple[str, str, list]] = []

        def part(tag: str, qs: QuerySet, *order) -> None:
            rank = Window(RowNumber(), partition_by=[F("wi")], order_by=list(order))
            limit = {"top": n, "video": 5 * n, "merge": 2 * n}[tag]
            qs = qs.annotate(rank=rank).filter(rank__lte=limit).values("wi", "id", "v")
            sql, params = qs.query.sql_with_params()
            parts.append((tag, f"SELECT u.wi, u.id, u.v FROM ({sql}) u", list(params)))  # noqa: S608

        items = self.items().annotate(wi=self.which())
        with_hours = items.annotate(h=self.hours, scope=self.scope())
        counted = Q(h__gt=0, scope__gt=0)
        once = _occurs()  # in the window its date is in
        top = with_hours.filter(~_recurring() & once).filter(counted).annotate(v=F("h") * F("scope"))
        part("top", top, F("v").desc(), F("id").asc())
        # Video: ordered by hours to one decimal then id, as the report lists them; a margin of rows
        # covers the rare .x5 that SQL and Python round apart.
        onsite = with_hours.filter(kind="meeting", mode="onsite").annotate(
            v=Case(When(counted & once, then=F("h") * F("scope")), default=_f(0))
        )
        video_hint = Exists(
            ReviewFinding.objects.filter(review_id=OuterRef("latest_review_id"), code__in=VIDEO_HINT_CODES)
        )
        onsite = onsite.filter(Q(v__gt=0) | (Q(latest_review_id__isnull=False) & video_hint))
        part("video", onsite.annotate(r=Rounded(F("v"), 1)), F("r").desc(), F("id").desc())
        merge_hint = Exists(
            ReviewFinding.objects.filter(review_id=OuterRef("latest_review_id"), code__in=MERGE_HINT_CODES)
        )
        requests = items.filter(kind="data_request")
        requests = requests.filter(self.has_field_in(shared_stored) | (Q(latest_review_id__isnull=False) & merge_hint))
        part("merge", requests.annotate(v=_f(0)), F("id").asc())
        # Tags are this module's constants.
        sql = " UNION ALL ".join(f"SELECT '{tag}', x.wi, x.id, x.v FROM ({body}) x" for tag, body, _ in parts)  # noqa: S608
        names = list(self.windows)
        out = {w: {"top": [], "video": [], "merge": []} for w in names}
        with connection.cursor() as cursor:
            cursor.execute(sql, [p for _, _, params in parts for p in params])
            for tag, i, pk, v in cursor.fetchall():
                out[names[i]][tag].append((pk, float(v or 0.0)))
        return out


# --------------------------------------------------------------------------- a window's part


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


@lru_cache(maxsize=65536)
def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


@lru_cache(maxsize=65536)
def _occurrences(kind: str, date: str, ends_on: str | None, frequency: str, start: dt.date, end: dt.date) -> float:
    facts = BurdenFacts(kind=kind, date=_day(date), ends_on=_day(ends_on), frequency=frequency)
    return occurrences(facts, start, end)


def window_parts(
    windows: list[Period], tree: UnitTree, params: dict[str, Any], names: set[str], *, whole: bool = True
) -> list[dict[str, Any]]:
    """Everything the figures take from the items dated in each window, as plain JSON: counts,
    fields, one-off hours per (unit, kind) and (district, kind), campus activities per school,
    the candidates for the ranked lists; and, for the recurring items (whose hours fall in later
    windows too), their hours per occurrence per group, each group's top items and the apps.
    One set of grouped queries for adjacent windows (a month's ten-day pieces), each figure
    split by window. Stored per ten days (`months`): a period's figures add up its pieces'
    parts (cut edge pieces computed directly, without the recurring items: those come from
    whole pieces) and the recurring groups of every piece up to its end."""
    named = {f"w{i}": p for i, p in enumerate(windows)}
    # Adjacent windows: the items are one date range (one index range), split by `_Ledger.which`.
    assert all(a.end + dt.timedelta(days=1) == b.start for a, b in itertools.pairwise(windows)), windows
    span = Period("", windows[0].start, windows[-1].end)
    led = _Ledger(named, tree, params, lambda prefix: _dated(span, prefix))
    c, categories = led.counts()
    fields = led.field_counts()
    shared_stored = list({str(v): v for _, v, _ in fields if str(v).strip() in names}.values())
    burden = led.burden()
    lists = led.lists(shared_stored)
    parts: dict[str, dict[str, Any]] = {}
    for w in named:
        parts[w] = {
            "counts": {k[len(w) + 1 :]: v for k, v in c.items() if v and k.startswith(f"{w}_")},
            "categories": {cat: v[w] for cat, v in categories.items() if v[w]},
            "fields": sum(n for ww, _, n in fields if ww == w),
            "shared": sum(n for ww, v, n in fields if ww == w and str(v).strip() in names),
            "unit_kind": [[u, k, h] for (u, k), h in burden["unit_kind"][w].items()],
            "pools": [[d, k, h] for (d, k), h in burden["pools"][w].items()],
            "campus": [[u, n] for u, n in burden["campus"][w].items() if n],
            "top": lists[w]["top"],
            "video": lists[w]["video"],
            "merge": [pk for pk, _ in lists[w]["merge"]],
        }
    if whole:

        def window_of(day: dt.date | str) -> dict[str, Any]:
            day = _day(day) if isinstance(day, str) else day
            return next(parts[w] for w, p in named.items() if p.contains(day))

        for part in parts.values():
            part.update(recurring=[], recurring_top=[], apps=[], quota=[])
        for row in burden["recurring"]:
            window_of(row[3])["recurring"].append(row)
        for row in led.recurring_top():
            window_of(row[1])["recurring_top"].append(row)
        for row in led.apps():
            window_of(row[0])["apps"].append(row)
        for i, *row in quota_use(led.among(""), [_dated(p) for p in windows]):
            parts[f"w{i}"]["quota"].append(row)
    return list(parts.values())


class _Totals:
    """The parts of each window added up, in the shapes the figures are built from."""

    def __init__(self, windows: dict[str, Period]):
        self.windows = windows
        self.c: Counter = Counter()
        self.categories: dict[str, dict[str, int]] = {}
        self.fields = dict.fromkeys(windows, 0)
        self.shared = dict.fromkeys(windows, 0)
        self.unit_kind: dict[str, Counter] = {w: Counter() for w in windows}
        self.pools: dict[str, Counter] = {w: Counter() for w in windows}
        self.campus: dict[str, Counter] = {w: Counter() for w in windows}
        self.top: list[tuple[int, float]] = []
        self.video: list[tuple[int, float]] = []
        self.merge: list[int] = []

    def add(self, w: str, part: dict[str, Any]) -> None:
        for k, v in part["counts"].items():
            self.c[f"{w}_{k}"] += v
        for cat, n in part["categories"].items():
            self.categories.setdefault(cat, dict.fromkeys(self.windows, 0))[w] += n
        self.fields[w] += part["fields"]
        self.shared[w] += part["shared"]
        for u, k, h in part["unit_kind"]:
            self.unit_kind[w][(u, k)] += h
        for d, k, h in part["pools"]:
            self.pools[w][(d, k)] += h
        for u, n in part["campus"]:
            self.campus[w][u] += n
        if w == CUR:  # the lists rank the current period
            self.top += [tuple(x) for x in part["top"]]
            self.video += [tuple(x) for x in part["video"]]
            self.merge += part["merge"]

    def add_running(self, part: dict[str, Any], period: Period, previous: Period) -> None:
        """A whole month's recurring items and apps, of any month: their hours occur in whichever
        window they run into (none for those dated after the period's end)."""
        for tag, key, kind, date, ends_on, frequency, h in part["recurring"]:
            acc = self.pools if tag == "d" else self.unit_kind
            for w, p in self.windows.items():
                n = _occurrences(kind, date, ends_on, frequency, p.start, p.end)
                if n > 0:
                    acc[w][(key, kind)] += h * n
        for kind, date, ends_on, frequency, pk, h, scope in part["recurring_top"]:
            n = _occurrences(kind, date, ends_on, frequency, period.start, period.end)
            if n > 0:
                self.top.append((pk, (h * n) * scope))
        days = [(w, "end", p.end) for w, p in self.windows.items()]
        days += [(w, "jan", p.year_start) for w, p in self.windows.items()]
        for date, ends_on, issued, n in part["apps"]:
            day0, end = _day(date), _day(ends_on)
            # The apps the period counts: dated in either window, or still running in them.
            dated = period.contains(day0) or previous.contains(day0)
            if not (dated or (day0 <= period.end and (end is None or end >= previous.start))):
                continue
            for w, name, day in days:
                if day0 <= day and (end >= day if end is not None else issued):
                    self.c[f"{w}_apps_{name}"] += n

    def burden(self, tree: UnitTree) -> dict[str, Any]:
        """Hours per window: total, per unit, per unit and kind, per kind (all-unit pools spread over their units)."""
        result: dict[str, Any] = {"campus": self.campus}
        for w in self.windows:
            acc = Counter(self.unit_kind[w])
            kind_hours: Counter = Counter()
            for (_, kind), hours in acc.items():
                kind_hours[kind] += hours
            for (district, kind), per_unit in self.pools[w].items():
                scope = _scope_of(tree, district)
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


def aggregate_stats(period: Period, params: dict[str, Any]) -> Stats:
    """The figures of `period` as stats.compute gives them (members and per-item hours left out)."""
    with transaction.atomic(savepoint=False):  # one snapshot for all the queries
        stats, computed = _aggregate_stats(period, params)
    months.store(computed)  # after the snapshot: a month part is derived data, stored if the database lets us
    return stats


def part_context(params: dict[str, Any]) -> tuple[str, Callable[[Period], dict[str, Any]]]:
    """The validity key of the parts for the current tariffs, unit tree and catalog, and the function computing one."""
    units = list(Unit.objects.values_list("id", "name", "kind", "parent_id", "is_active"))
    names = shared_field_names(list(CatalogField.objects.values_list("field", "synonyms")))
    return _context(params, units, names)


def _context(params: dict[str, Any], units: list[tuple], names: set[str]):
    tree = UnitTree(units)
    key = months.validity_key(params, units, names)
    return key, lambda windows, whole=True: window_parts(windows, tree, params, names, whole=whole)


def _aggregate_stats(period: Period, params: dict[str, Any]) -> tuple[Stats, list]:
    previous = period.year_earlier()
    rows = load_rows(period, previous, items=False)
    tree = UnitTree(rows.units)
    windows = {CUR: period, PREV: previous}
    key, compute_part = _context(params, rows.units, shared_field_names(rows.catalog))
    parts, running, computed = months.parts(windows, key, compute_part)
    quota: Counter = Counter()
    year = period.end.year
    for part in running:  # items of any date may count towards the year's quota
        for y, issuer, kind, n in part["quota"]:
            if y == year:
                quota[(issuer, kind)] += n
    rows.quota_use = [(issuer, kind, n) for (issuer, kind), n in quota.items()]
    stats = compute(rows, params)  # every figure that does not read the counted items
    totals = _Totals(windows)
    for w, pieces in parts.items():
        for part in pieces:
            totals.add(w, part)
    for part in running:
        totals.add_running(part, period, previous)
    c = totals.c
    top_candidates = totals.top

    values: dict[str, dict[str, Any]] = defaultdict(dict)
    by_kind = {k: {w: c[f"{w}_n_{k}"] for w in windows} for k in KINDS}
    for w in windows:
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
        values["data_request_fields"][w] = totals.fields[w]
        values["shared_fields"][w] = totals.shared[w]
        values["campus_activities"][w] = by_kind["campus"][w]
        values["apps_live"][w] = c[f"{w}_apps_end"]
        values["apps_live_change_since_year_start"][w] = c[f"{w}_apps_end"] - c[f"{w}_apps_jan"]
        values["tasks"][w] = by_kind["task"][w]
        values["awards"][w] = by_kind["award"][w]

    burden = totals.burden(tree)
    unit_count = len(tree.all_grassroots)
    for w in windows:
        values["burden_hours"][w] = round(burden[w]["total"], 1)
        values["burden_hours_per_unit"][w] = round(burden[w]["total"] / unit_count, 1) if unit_count else 0.0
    for key_, v in values.items():
        stats.figures[key_] = triple(v[CUR], v[PREV])

    details = stats.details
    for k in KINDS:
        details["by_kind"][k]["items"] = by_kind[k]
        details["by_kind"][k]["burden_hours"] = {w: round(burden[w]["kind"].get(k, 0.0), 1) for w in windows}
    details["unit_count"] = unit_count
    details["inspections_by_category"] = dict(sorted(totals.categories.items()))
    unit_rows = burden_unit_rows(tree, burden)
    details["units"] = unit_rows
    details["top_units"] = [r for r in unit_rows if r["current"] > 0][:10]
    top = heapq.nsmallest(10, top_candidates, key=lambda x: (-x[1], x[0]))
    details["top_items"] = [{"item_id": i, "hours": round(h, 1)} for i, h in top]
    video = sorted(((round(h, 1), pk) for pk, h in totals.video), reverse=True)[:10]
    campus = burden["campus"]
    details["campus_per_school"] = [
        {"unit_id": u, "name": tree.name[u], "current": n, "previous": campus[PREV].get(u, 0)}
        for u, n in sorted(campus[CUR].items(), key=lambda x: (-x[1], x[0]))
        if n
    ]
    details["suggestions"] = {
        "video_meetings": [{"item_id": i, "hours": h} for h, i in video],
        "merge_data_requests": sorted(totals.merge)[:20],
    }
    return stats, computed
