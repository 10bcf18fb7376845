"""进校园 rules: only whitelisted activities, and a cap per school and semester."""

from collections import Counter
from itertools import chain

from jianfu.gate.context import semester_bounds
from jianfu.gate.rules.base import Facts, finding, names, related
from jianfu.gate.rules.plan import match_entry, matched_info


def campus_not_whitelisted(facts: Facts) -> list[dict]:
    d = facts.draft
    entry, how = match_entry(facts.ctx.whitelist, d.whitelist_entry, d.title, facts.body_key)
    if entry is not None:
        facts.matched["whitelist_entry"] = matched_info(entry, how)
        return []
    what = f"所填白名单事项“{d.whitelist_entry}”" if d.whitelist_entry is not None else "本活动"
    message = (
        f"{what}不在{d.year}年度进校园白名单中：未列入白名单的活动一律不得进校园，请取消，或先报教育部门列入白名单。"
    )
    return [finding("CAMPUS_NOT_WHITELISTED", "block", message)]


def _over(facts: Facts, items, cap: int) -> tuple[list[int], dict[int, int]]:
    start, end = semester_bounds(facts.draft.date)
    counts = Counter(chain.from_iterable(o.unit_ids for o in items if o.date is not None and start <= o.date <= end))
    return sorted(u for u, n in counts.items() if n + 1 > cap and u in facts.ctx.scope_units), counts


def campus_cap(facts: Facts) -> list[dict]:
    """The district's cap per school and semester, and the whitelist entry's own
    cap (每学期上限) for this activity when the office set one."""
    cap = int(facts.limits["campus_cap_per_semester"])
    over, counts = _over(facts, facts.ctx.campus_items, cap)
    parts, rel_units = [], set(over)
    if over:
        worst = max(counts[u] for u in over)
        parts.append(
            f"{names(facts.ctx.scope_units[u] for u in over)}本学期已安排进校园活动{worst}次，"
            f"再安排将超过每学期{cap}次的上限"
        )
    entry = facts.matched.get("whitelist_entry")
    entry_cap = next((e.per_semester for e in facts.ctx.whitelist if entry and e.id == entry["id"]), None)
    same = [o for o in facts.ctx.campus_items if entry and o.list_entry_id == entry["id"]]
    if entry_cap:
        entry_over, entry_counts = _over(facts, same, int(entry_cap))
        if entry_over:
            rel_units |= set(entry_over)
            parts.append(
                f"白名单事项“{entry['title']}”在{names(facts.ctx.scope_units[u] for u in entry_over)}本学期已开展"
                f"{max(entry_counts[u] for u in entry_over)}次，再安排将超过该事项每学期{entry_cap}次的上限"
            )
    if not parts:
        return []
    message = "；".join(parts) + "：请与已有活动合并，或安排到下学期。"
    rel = [o for o in facts.ctx.campus_items if set(o.unit_ids) & rel_units]
    return [finding("CAMPUS_CAP", "block", message, related=related(rel))]


RULES = [campus_not_whitelisted, campus_cap]
