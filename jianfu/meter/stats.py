"""Period statistics (spec/metrics.md): pure computation of every figure from
the plain rows `jianfu.meter.selectors.load_rows` fetched. No database here.

    compute(rows, params) -> Stats
    Stats.as_json() -> {"period": …, "previous": …, "figures": {key: {current, previous, change_pct}}, "details": …}

`Stats.members` keeps, for each figure, the ids of the items behind it, so the
dashboard's drill-down lists exactly the items a number was computed from.
"""

import datetime as dt
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from jianfu.meter.hours import BurdenFacts, hours_per_occurrence, occurrences
from jianfu.meter.periods import Period
from jianfu.meter.selectors import COL, LedgerRows

# The keys of spec/metrics.md; their meaning never changes.
FIGURE_KEYS = (
    "documents", "policy_documents", "short_document_share", "meetings", "meeting_avg_minutes",
    "video_meeting_share", "coordination_body_reduction", "inspections", "merged_items", "data_requests",
    "data_request_fields", "shared_fields", "off_list_tasks_blocked", "campus_activities", "apps_live", "reviews",
    "burden_hours", "burden_hours_per_unit", "channel_reports_received", "channel_reports_resolved",
)  # fmt: skip
# Figures that are shares or rates (percent, 0–100) rather than counts.
RATE_KEYS = frozenset({"short_document_share", "video_meeting_share", "coordination_body_reduction"})
SHORT_DOCUMENT_CHARS = 3000
GRASSROOTS = frozenset({"township", "street", "village", "community", "school"})
KINDS = ("document", "meeting", "inspection", "data_request", "task", "campus", "award", "app")
# Finding codes that point at a concrete next step in the report.
MERGE_HINT_CODES = frozenset({"DATA_REQUEST_OVERLAP", "DATA_ALREADY_SHARED"})
VIDEO_HINT_CODES = frozenset({"ONSITE_WHEN_VIDEO", "MEETING_MERGEABLE"})
HIDDEN_LABELS = {
    "white_head": "白头文件",
    "note": "便笺通知",
    "minutes": "会议纪要代替发文",
    "group_notice": "工作群通知",
}

CUR, PREV = "current", "previous"
MEMBER_ALIASES = {
    "data_request_fields": "data_requests",
    "meeting_avg_minutes": "meetings",
    "short_documents": "short_document_share",
    "video_meetings": "video_meeting_share",
    "review_block_share": "verdict:block",
    "apps_live_change_since_year_start": "apps_live",
}


def change_pct(current: float | None, previous: float | None) -> float | None:
    """(x(P) − x(P′)) / x(P′) × 100, one decimal; None when there is nothing to compare with."""
    if current is None or not previous:
        return None
    return round((current - previous) / previous * 100, 1)


def share(part: int, whole: int) -> float:
    return round(part / whole * 100, 1) if whole else 0.0


def triple(current: Any, previous: Any) -> dict[str, Any]:
    return {"current": current, "previous": previous, "change_pct": change_pct(current, previous)}


@dataclass
class Stats:
    period: Period
    previous: Period
    figures: dict[str, dict[str, Any]]
    details: dict[str, Any]
    members: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    item_hours: dict[str, dict[int, float]] = field(default_factory=dict)

    def as_json(self, *, details: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "period": self.period.as_dict(),
            "previous": self.previous.as_dict(),
            "figures": self.figures,
        }
        if details:
            out["details"] = self.details
        return out


# --------------------------------------------------------------------------- units


class UnitTree:
    """Units as plain data: names, kinds, districts and the active grassroots under each."""

    def __init__(self, units: list[tuple]):
        self.name: dict[int, str] = {}
        self.kind: dict[int, str] = {}
        self.parent: dict[int, int | None] = {}
        self.active: dict[int, bool] = {}
        for pk, name, kind, parent_id, is_active in units:
            self.name[pk], self.kind[pk], self.parent[pk], self.active[pk] = name, kind, parent_id, is_active
        self._district: dict[int, int | None] = {}
        self.scope: dict[int | None, list[int]] = defaultdict(list)
        for pk in self.name:
            if self.active[pk] and self.kind[pk] in GRASSROOTS:
                self.scope[self.district(pk)].append(pk)
        self.all_grassroots = sorted(pk for units_ in self.scope.values() for pk in units_)

    def district(self, pk: int | None) -> int | None:
        if pk is None:
            return None
        if pk in self._district:
            return self._district[pk]
        seen, node, found = set(), pk, None
        while node is not None and node not in seen:
            seen.add(node)
            if self.kind.get(node) == "district":
                found = node
                break
            node = self.parent.get(node)
        self._district[pk] = found
        return found

    def targets_all(self, issuer_id: int) -> list[int]:
        """“All grassroots units”: those of the issuer's district, or every one when it has none."""
        district = self.district(issuer_id)
        return self.scope[district] if district is not None else self.all_grassroots


# --------------------------------------------------------------------------- burden


def facts_of(row: tuple, codes: frozenset[str]) -> BurdenFacts:
    return BurdenFacts(
        kind=row[COL["kind"]],
        date=row[COL["date"]],
        chars=row[COL["chars"]] or 0,
        ends_on=row[COL["ends_on"]],
        duration_minutes=row[COL["duration_minutes"]],
        mode=row[COL["mode"]] or "",
        attendees=row[COL["attendees"]] or 1,
        materials_required=bool(row[COL["materials_required"]]),
        onsite_days=row[COL["onsite_days"]],
        field_count=len(row[COL["fields"]] or ()),
        frequency=row[COL["frequency"]] or "",
        estimated_hours=row[COL["estimated_hours"]],
        daily_minutes=row[COL["daily_minutes"]],
        finding_codes=codes,
    )


def by_unit(acc: Counter) -> tuple[Counter, dict[int, Counter]]:
    """Hours per (unit, kind) folded into per-unit totals and per-unit kind counters."""
    per_unit_total: Counter = Counter()
    per_unit_kind: dict[int, Counter] = defaultdict(Counter)
    for (u, kind), hours in acc.items():
        per_unit_total[u] += hours
        per_unit_kind[u][kind] += hours
    return per_unit_total, per_unit_kind


def _burden(rows: LedgerRows, tree: UnitTree, params: dict[str, Any], codes_by_item: dict[int, frozenset[str]]):
    """Hours per period: total, per unit, per unit and kind, per kind, per item.

    Items addressed to all grassroots units are pooled per district and kind and spread
    over the units once at the end, so a ledger of such items costs one addition each.
    """
    windows = {CUR: rows.period, PREV: rows.previous}
    targets: dict[int, list[int]] = defaultdict(list)
    for item_id, unit_id in rows.targets:
        if tree.kind.get(unit_id) in GRASSROOTS:
            targets[item_id].append(unit_id)
    item_hours: dict[str, dict[int, float]] = {w: {} for w in windows}
    kind_hours: dict[str, Counter] = {w: Counter() for w in windows}
    unit_kind: dict[str, Counter] = {w: Counter() for w in windows}  # (unit, kind) -> hours
    pools: dict[str, Counter] = {w: Counter() for w in windows}  # (district, kind) -> hours per unit
    empty: frozenset[str] = frozenset()
    c_id, c_kind, c_issuer, c_all = COL["id"], COL["kind"], COL["issuer_id"], COL["targets_all"]
    for row in rows.items:
        item_id, kind = row[c_id], row[c_kind]
        facts = facts_of(row, codes_by_item.get(item_id, empty))
        per_occurrence = hours_per_occurrence(facts, params)
        if per_occurrence <= 0:
            continue
        if row[c_all]:
            district = tree.district(row[c_issuer])
            scope = len(tree.scope[district]) if district is not None else len(tree.all_grassroots)
            units = None
        else:
            units = targets.get(item_id)
            scope = len(units) if units else 0
        if not scope:
            continue
        for w, window in windows.items():
            occ = occurrences(facts, window.start, window.end)
            if not occ:
                continue
            per_unit = per_occurrence * occ
            item_hours[w][item_id] = per_unit * scope
            kind_hours[w][kind] += per_unit * scope
            if units is None:
                pools[w][(district, kind)] += per_unit
            else:
                acc = unit_kind[w]
                for u in units:
                    acc[(u, kind)] += per_unit
    result = {}
    for w in windows:
        acc = unit_kind[w]
        for (district, kind), per_unit in pools[w].items():
            for u in tree.scope[district] if district is not None else tree.all_grassroots:
                acc[(u, kind)] += per_unit
        per_unit_total, per_unit_kind = by_unit(acc)
        result[w] = {
            "total": sum(item_hours[w].values()),
            "unit": per_unit_total,
            "unit_kind": per_unit_kind,
            "kind": kind_hours[w],
            "item": item_hours[w],
        }
    return result


def burden_unit_rows(tree: UnitTree, burden: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Every grassroots unit's hours (and any other unit that bore some), the most burdened first."""
    hours_cur, hours_prev = burden[CUR]["unit"], burden[PREV]["unit"]
    return [
        {
            "unit_id": u,
            "name": tree.name[u],
            "kind": tree.kind[u],
            "current": round(hours_cur.get(u, 0.0), 1),
            "previous": round(hours_prev.get(u, 0.0), 1),
            "change_pct": change_pct(round(hours_cur.get(u, 0.0), 1), round(hours_prev.get(u, 0.0), 1)),
            "by_kind": {k: round(v, 1) for k, v in sorted(burden[CUR]["unit_kind"][u].items())},
        }
        for u in sorted(set(hours_cur) | set(tree.all_grassroots), key=lambda u: (-hours_cur.get(u, 0.0), u))
    ]


# --------------------------------------------------------------------------- bodies


def _bodies_active_on(rows: LedgerRows, day: dt.date) -> int:
    history: dict[int, list[tuple]] = defaultdict(list)
    for body_id, changed_on, status in rows.body_changes:
        history[body_id].append((changed_on, status))
    active = 0
    for body_id, established_on, status, changed_on in rows.bodies:
        if established_on and day < established_on:
            continue
        changes = sorted(history.get(body_id, ()))
        if changes:
            state = "active"
            for when, new_state in changes:
                if when <= day:
                    state = new_state
        elif status == "active" or (changed_on and day < changed_on):
            state = "active"
        else:
            state = status
        active += state == "active"
    return active


def body_reduction(rows: LedgerRows, period: Period) -> tuple[float, int, int]:
    """(rate %, active on 1 Jan of the period's year, active at the period's end)."""
    at_start = _bodies_active_on(rows, period.year_start)
    at_end = _bodies_active_on(rows, period.end)
    return (share(at_start - at_end, at_start) if at_start else 0.0), at_start, at_end


# --------------------------------------------------------------------------- main


def _app_live(row: tuple, day: dt.date) -> bool:
    ends_on = row[COL["ends_on"]]
    if row[COL["date"]] > day:
        return False
    if ends_on is not None:
        return ends_on >= day
    return row[COL["status"]] == "issued"


def shared_field_names(catalog: list[tuple]) -> set[str]:
    """The shared catalog's field names and their synonyms."""
    names: set[str] = set()
    for name, synonyms in catalog:
        names.add(name.strip())
        for syn in (synonyms or "").replace("；", ";").replace("、", ";").split(";"):
            if syn.strip():
                names.add(syn.strip())
    return names


def compute(rows: LedgerRows, params: dict[str, Any], *, keep_members: bool = False) -> Stats:
    tree = UnitTree(rows.units)
    codes_acc: dict[int, set[str]] = defaultdict(set)
    for item_id, code in rows.latest_findings:
        codes_acc[item_id].add(code)
    codes_by_item = {k: frozenset(v) for k, v in codes_acc.items()}
    catalog_names = shared_field_names(rows.catalog)

    windows = {CUR: rows.period, PREV: rows.previous}
    members: dict[str, dict[str, list[int]]] = defaultdict(lambda: {CUR: [], PREV: []})
    values: dict[str, dict[str, Any]] = defaultdict(dict)
    by_kind: dict[str, dict[str, int]] = {k: {CUR: 0, PREV: 0} for k in KINDS}
    by_category: dict[str, dict[str, int]] = defaultdict(lambda: {CUR: 0, PREV: 0})
    campus_school: dict[str, Counter] = {CUR: Counter(), PREV: Counter()}
    targets_of: dict[int, list[int]] = defaultdict(list)
    for item_id, unit_id in rows.targets:
        targets_of[item_id].append(unit_id)
    video_candidates: list[tuple[float, int]] = []
    merge_candidates: list[int] = []

    for w, p in windows.items():
        docs = policy = short = sized = meetings = video = inspections = 0
        minutes: list[int] = []
        data_requests = fields_n = shared = campus = 0
        apps_end = apps_jan = 0
        m = members
        year_start = p.year_start
        for row in rows.items:
            kind, date, item_id = row[COL["kind"]], row[COL["date"]], row[COL["id"]]
            if kind == "app":
                if _app_live(row, p.end):
                    apps_end += 1
                    m["apps_live"][w].append(item_id)
                apps_jan += _app_live(row, year_start)
            if not (p.start <= date <= p.end):
                continue
            by_kind[kind][w] += 1
            if kind in ("task", "award"):
                m[f"{kind}s"][w].append(item_id)
            if kind == "document":
                docs += 1
                m["documents"][w].append(item_id)
                if row[COL["is_policy"]]:
                    policy += 1
                    m["policy_documents"][w].append(item_id)
                chars = row[COL["chars"]] or 0
                if chars > 0:
                    sized += 1
                    if chars <= SHORT_DOCUMENT_CHARS:
                        short += 1
                        m["short_document_share"][w].append(item_id)
            elif kind == "meeting":
                meetings += 1
                m["meetings"][w].append(item_id)
                if row[COL["duration_minutes"]] is not None:
                    minutes.append(row[COL["duration_minutes"]])
                if row[COL["mode"]] == "video":
                    video += 1
                    m["video_meeting_share"][w].append(item_id)
                elif w == CUR and row[COL["mode"]] == "onsite":
                    video_candidates.append((0.0, item_id))
            elif kind == "inspection":
                inspections += 1
                by_category[row[COL["category"]] or "未分类"][w] += 1
                m["inspections"][w].append(item_id)
            elif kind == "data_request":
                data_requests += 1
                fields = [str(f).strip() for f in (row[COL["fields"]] or ())]
                fields_n += len(fields)
                hits = sum(1 for f in fields if f in catalog_names)
                shared += hits
                m["data_requests"][w].append(item_id)
                if hits:
                    m["shared_fields"][w].append(item_id)
                if w == CUR and (hits or codes_by_item.get(item_id, frozenset()) & MERGE_HINT_CODES):
                    merge_candidates.append(item_id)
            elif kind == "campus":
                campus += 1
                m["campus_activities"][w].append(item_id)
                schools = (
                    tree.targets_all(row[COL["issuer_id"]]) if row[COL["targets_all"]] else targets_of.get(item_id, ())
                )
                for u in schools:
                    if tree.kind.get(u) == "school":
                        campus_school[w][u] += 1
        values["documents"][w] = docs
        values["policy_documents"][w] = policy
        values["short_document_share"][w] = share(short, sized)
        values["meetings"][w] = meetings
        values["meeting_avg_minutes"][w] = round(statistics.fmean(minutes), 1) if minutes else 0.0
        values["video_meeting_share"][w] = share(video, meetings)
        values["inspections"][w] = inspections
        values["data_requests"][w] = data_requests
        values["data_request_fields"][w] = fields_n
        values["shared_fields"][w] = shared
        values["campus_activities"][w] = campus
        values["apps_live"][w] = apps_end
        values["apps_live_change_since_year_start"][w] = apps_end - apps_jan
        values["short_documents"][w] = short
        values["video_meetings"][w] = video
        rate, _, active_at_end = body_reduction(rows, p)
        values["bodies_active"][w] = active_at_end
        values["coordination_body_reduction"][w] = rate
        for kind in ("task", "award"):
            values[f"{kind}s"][w] = by_kind[kind][w]

    # merged, off-list tasks: by the date of the decision
    merged_by_kind: dict[str, dict[str, int]] = {k: {CUR: 0, PREV: 0} for k in KINDS}
    for w, p in windows.items():
        values["merged_items"][w] = 0
        values["off_list_tasks_blocked"][w] = 0
        for item_id, kind, day in rows.merged:
            if p.contains(day):
                values["merged_items"][w] += 1
                merged_by_kind.setdefault(kind, {CUR: 0, PREV: 0})[w] += 1
                members["merged_items"][w].append(item_id)
        for item_id, day in rows.off_list:
            if p.contains(day):
                values["off_list_tasks_blocked"][w] += 1
                members["off_list_tasks_blocked"][w].append(item_id)

    # the gate's reviews
    review_codes: dict[int, list[str]] = defaultdict(list)
    for review_id, code in rows.review_findings:
        review_codes[review_id].append(code)
    findings_by_code: dict[str, dict[str, list[int]]] = defaultdict(lambda: {CUR: [], PREV: []})
    verdicts: dict[str, Counter] = {CUR: Counter(), PREV: Counter()}
    for w, p in windows.items():
        latest: dict[int, tuple] = {}
        for row in rows.reviews:  # ordered by time: the last one seen is the latest
            if p.contains(row[2]):
                latest[row[1]] = row
        # Revised after review: reviewed again by the period's end (an earlier review may predate the period).
        count_to_end = Counter(item_id for item_id, day in rows.review_history if day <= p.end)
        values["reviews"][w] = len(latest)
        members["reviews"][w] = sorted(latest)
        revised = [item_id for item_id in latest if count_to_end[item_id] > 1]
        values["reviews_revised"][w] = len(revised)
        members["reviews_revised"][w] = sorted(revised)
        for item_id, (review_id, _, _, verdict, _) in latest.items():
            verdicts[w][verdict] += 1
            members[f"verdict:{verdict}"][w].append(item_id)
            for code in set(review_codes.get(review_id, ())):
                findings_by_code[code][w].append(item_id)
                members[f"finding:{code}"][w].append(item_id)
        values["review_block_share"][w] = share(verdicts[w]["block"], len(latest))

    # burden hours
    burden = _burden(rows, tree, params, codes_by_item)
    unit_count = len(tree.all_grassroots)
    for w in windows:
        values["burden_hours"][w] = round(burden[w]["total"], 1)
        values["burden_hours_per_unit"][w] = round(burden[w]["total"] / unit_count, 1) if unit_count else 0.0
        members["burden_hours"][w] = sorted(burden[w]["item"])
        members["burden_hours_per_unit"][w] = members["burden_hours"][w]

    # the channel (guarded: zero when the channel does not exist yet)
    channel = _channel(rows, members)
    for key in ("channel_reports_received", "channel_reports_resolved", "channel_hidden_items"):
        values[key] = {w: channel[w][key] for w in windows}
    values["channel_on_time_rate"] = {w: channel[w]["on_time_rate"] for w in windows}

    # Figures computed from the same items as another: the drill-down lists those items.
    for key, source in MEMBER_ALIASES.items():
        members[key] = members[source]

    figures = {key: triple(values[key][CUR], values[key][PREV]) for key in FIGURE_KEYS}
    for key in sorted(set(values) - set(FIGURE_KEYS)):
        figures[key] = triple(values[key][CUR], values[key][PREV])

    # details: what the report's problems section and the dashboard show
    unit_rows = burden_unit_rows(tree, burden)
    cur_items = burden[CUR]["item"]
    video_hints = sorted(
        (
            (round(cur_items.get(item_id, 0.0), 1), item_id)
            for _, item_id in video_candidates
            if item_id in cur_items or codes_by_item.get(item_id, frozenset()) & VIDEO_HINT_CODES
        ),
        reverse=True,
    )[:10]
    quota_use = []
    used = {(u, k): n for u, k, n in rows.quota_use}
    for unit_id, kind, quota in sorted(rows.quotas, key=lambda r: (tree.name.get(r[0], ""), r[1])):
        n = used.get((unit_id, kind), 0)
        quota_use.append(
            {
                "unit_id": unit_id,
                "name": tree.name.get(unit_id, str(unit_id)),
                "kind": kind,
                "quota": quota,
                "used": n,
                "use_pct": share(n, quota) if quota else None,
                "over": n > quota,
            }
        )
    details = {
        "unit_count": unit_count,
        "by_kind": {
            k: {
                "items": by_kind[k],
                "burden_hours": {w: round(burden[w]["kind"].get(k, 0.0), 1) for w in windows},
                "merged": merged_by_kind.get(k, {CUR: 0, PREV: 0}),
            }
            for k in KINDS
        },
        "inspections_by_category": {k: v for k, v in sorted(by_category.items())},
        "findings_by_code": sorted(
            (
                {
                    "code": code,
                    "current": len(ids[CUR]),
                    "previous": len(ids[PREV]),
                    "examples": sorted(ids[CUR])[:3],
                }
                for code, ids in findings_by_code.items()
            ),
            key=lambda r: (-r["current"], r["code"]),
        ),
        "verdict_shares": {
            w: {v: share(verdicts[w][v], values["reviews"][w]) for v in ("pass", "revise", "block")} for w in windows
        },
        "top_units": [r for r in unit_rows if r["current"] > 0][:10],
        "units": unit_rows,
        "top_items": [
            {"item_id": i, "hours": round(h, 1)} for i, h in sorted(cur_items.items(), key=lambda x: (-x[1], x[0]))[:10]
        ],
        "campus_per_school": [
            {"unit_id": u, "name": tree.name[u], "current": n, "previous": campus_school[PREV].get(u, 0)}
            for u, n in campus_school[CUR].most_common()
        ],
        "bodies": {
            w: dict(zip(("rate", "at_year_start", "at_end"), body_reduction(rows, p), strict=True))
            for w, p in windows.items()
        },
        "quota_use": quota_use,
        "over_quota": [q for q in quota_use if q["over"]],
        "suggestions": {
            "video_meetings": [{"item_id": i, "hours": h} for h, i in video_hints],
            "merge_data_requests": sorted(merge_candidates)[:20],
        },
        "channel": channel["details"],
    }
    stats = Stats(rows.period, rows.previous, figures, details)
    if keep_members:
        stats.members = {k: {w: sorted(set(v[w])) for w in v} for k, v in members.items()}
        stats.item_hours = {w: burden[w]["item"] for w in windows}
    return stats


def _channel(rows: LedgerRows, members) -> dict[str, Any]:
    """Monitoring-point figures: received, resolved (by the period's end), on time, hidden items found."""
    windows = {CUR: rows.period, PREV: rows.previous}
    zero = {"channel_reports_received": 0, "channel_reports_resolved": 0, "channel_hidden_items": 0}
    out: dict[str, Any] = {w: dict(zero, on_time_rate=0.0) for w in windows}
    out["details"] = {"available": rows.channel is not None, "hidden_by_form": {}, "median_days": None, "funnel": {}}
    if rows.channel is None:
        return out
    for w, p in windows.items():
        received = [r for r in rows.channel["reports"] if p.contains(r["received"])]
        resolved = [r for r in received if r["resolved"] and r["resolved"] <= p.end]
        on_time = [r for r in resolved if r["deadline"] is None or r["resolved"] <= r["deadline"]]
        found = [r for r in received if r["item_id"]]
        out[w]["channel_reports_received"] = len(received)
        out[w]["channel_reports_resolved"] = len(resolved)
        out[w]["channel_hidden_items"] = len(found)
        out[w]["on_time_rate"] = share(len(on_time), len(resolved))
        members["channel_hidden_items"][w] = sorted({r["item_id"] for r in found})
        if w == CUR:
            days = [(r["resolved"] - r["received"]).days for r in resolved]
            out["details"]["median_days"] = statistics.median(days) if days else None
            hidden = Counter(HIDDEN_LABELS.get(r["form"], r["form"]) for r in received if r["form"] in HIDDEN_LABELS)
            out["details"]["hidden_by_form"] = dict(hidden.most_common())
            out["details"]["funnel"] = {
                "received": len(received),
                "resolved": len(resolved),
                "on_time": len(on_time),
                "found_items": len(found),
            }
    return out
