"""督查检查考核 rules: overlap and caps per unit, research in disguise, judging by paper."""

import datetime as dt
from collections import Counter
from itertools import chain

from jianfu.gate.context import quarter_bounds
from jianfu.gate.rules.base import Facts, finding, names, related


def _window(facts: Facts) -> tuple[dt.date, dt.date]:
    d = facts.draft
    return d.date, max(d.ends_on or d.date, d.date)


def inspection_overlap(facts: Facts) -> list[dict]:
    start, end = _window(facts)
    days = int(facts.limits["inspection_overlap_days"])
    scope = facts.ctx.scope_units
    in_scope = set(scope)
    found, units = [], set()
    for other in facts.ctx.inspections:
        if other.date is None:
            continue
        o_end = max(other.ends_on or other.date, other.date)
        gap = max((other.date - end).days, (start - o_end).days, 0)
        shared = in_scope.intersection(other.unit_ids)
        if gap <= days and shared:
            found.append(other)
            units |= shared
    if not found:
        return []
    unit_names = names(scope[i] for i in sorted(units))
    message = (
        f"{days}天内已有督查检查到访{unit_names}（如《{found[0].title}》）：请与其合并开展或错开时间，"
        f"同类检查能合并的坚决合并。"
    )
    return [finding("INSPECTION_OVERLAP", "warn", message, related=related(found))]


def inspection_cap(facts: Facts) -> list[dict]:
    cap = int(facts.limits["inspection_cap_per_quarter"])
    q_start, q_end = quarter_bounds(facts.draft.date)
    this_quarter = [o for o in facts.ctx.inspections if o.date is not None and q_start <= o.date <= q_end]
    # Counted in C: a district-wide draft meets ~10^3 inspections visiting ~10^2 units each.
    counts = Counter(chain.from_iterable(o.unit_ids for o in this_quarter))
    over = sorted(u for u, n in counts.items() if n + 1 > cap and u in facts.ctx.scope_units)
    if not over:
        return []
    items: dict[int, list] = {u: [] for u in over}
    for other in this_quarter:
        for unit in items.keys() & set(other.unit_ids):
            items[unit].append(other)
    quarter = (q_start.month - 1) // 3 + 1
    worst = max(counts[u] for u in over)
    message = (
        f"{q_start.year}年第{quarter}季度{names(facts.ctx.scope_units[u] for u in over)}已接受督查检查考核"
        f"{worst}次，再安排将超过每季度{cap}次的上限：请与已有检查合并，或调整到下一季度。"
    )
    rel, seen = [], set()  # by id: comparing whole refs in a list is quadratic (~10^3 inspections x units)
    for unit in over:
        for other in items[unit]:
            if other.id not in seen:
                seen.add(other.id)
                rel.append(other)
    return [finding("INSPECTION_CAP", "block", message, related=related(rel))]


def disguised_inspection(facts: Facts) -> list[dict]:
    d = facts.draft
    if not (d.category == "调研" or facts.title_has("调研", "指导")):
        return []
    if d.category == "考核":
        return []
    hits = facts.hits("ASSESSMENT_SIGNAL") + facts.hits("RANKING_SCORING")
    hits.sort(key=lambda h: h.start)
    if not hits and not d.materials_required:
        return []
    signs = facts.quoted(hits) if hits else "要求基层提供材料"
    if hits and d.materials_required:
        signs += "，并要求提供材料"
    message = (
        f"名为调研指导，实际含打分、排名、要材料或反馈问题等检查考核内容（{signs}）：以调研之名行督查检查之实，"
        f"请删除这些要求，或按督查检查考核纳入计划、报批报备。"
    )
    return [finding("DISGUISED_INSPECTION", "warn", message, evidence=facts.evidence(hits))]


def material_based(facts: Facts) -> list[dict]:
    hits = facts.hits("MATERIAL_BASED_ASSESSMENT")
    if not hits:
        return []
    message = (
        f"以材料、台账、档案评判工作（{facts.quoted(hits)}）：请改为实地查看工作成效（推行“四不两直”），"
        f"不以材料论英雄、以台账评优劣。"
    )
    return [finding("MATERIAL_BASED_ASSESSMENT", "warn", message, evidence=facts.evidence(hits))]


# material_based also reviews awards; it is registered once, in the table.
RULES = [inspection_overlap, inspection_cap, disguised_inspection]
