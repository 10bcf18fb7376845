"""Plan and quota rules (年度计划与总量控制, "只减不增"), and matching a draft
to a reference-list entry (plan entry, duty entry, whitelist entry)."""

from functools import lru_cache

from jianfu.gate.context import Entry
from jianfu.gate.normalise import normalise_key
from jianfu.gate.rules.base import Facts, dice, finding, topic_key
from jianfu.ledger.choices import PLANNED_KINDS, Kind

MATCH_THRESHOLD = 0.45


@lru_cache(maxsize=8192)
def _entry_keys(title: str, keywords: tuple[str, ...]) -> tuple[str, str, tuple[str, ...]]:
    """(title key, topic key, keyword keys) of an entry: pure on its text, so cached
    across drafts (each draft is matched against the same list entries)."""
    return normalise_key(title), topic_key(title), tuple(k for k in map(normalise_key, keywords) if k)


def _score(entry: Entry, title_key: str, title_topic: str, body_key: str) -> float:
    _, entry_topic, keys = _entry_keys(entry.title, tuple(entry.keywords))
    score = dice(entry_topic, title_topic)
    if len(entry_topic) >= 2 and (entry_topic in title_key or (title_topic and title_topic in entry_topic)):
        score += 0.5
    for key in keys:
        if key in title_key:
            score += 0.5
        elif key in body_key:
            score += 0.2
    return score


def match_entry(entries, ref, title: str, body_key: str) -> tuple[Entry | None, str]:
    """The entry named by `ref` (id or title), or, with no ref, the best match of
    the title and keywords (`body_key`: `Facts.body_key`). Returns (entry or None, "named" | "auto" | "")."""
    entries = list(entries)
    if not entries:
        return None, ""
    if ref is not None:
        text = str(ref).strip()
        if text.isdigit():
            hit = next((e for e in entries if e.id == int(text)), None)
            if hit is not None:
                return hit, "named"
        key = normalise_key(text)
        hit = next((e for e in entries if _entry_keys(e.title, tuple(e.keywords))[0] == key), None)
        if hit is None and key:
            ref_topic = topic_key(text)
            scored = [(dice(_entry_keys(e.title, tuple(e.keywords))[1], ref_topic), e) for e in entries]
            scored = [s for s in scored if s[0] >= 0.8]
            hit = max(scored, key=lambda s: s[0])[1] if scored else None
        return hit, ("named" if hit else "")
    title_key = normalise_key(title)
    title_topic = topic_key(title)
    best, best_score = None, 0.0
    for entry in entries:
        score = _score(entry, title_key, title_topic, body_key)
        if score > best_score:
            best, best_score = entry, score
    if best is not None and best_score >= MATCH_THRESHOLD:
        return best, "auto"
    return None, ""


def matched_info(entry: Entry, how: str) -> dict:
    return {"id": entry.id, "title": entry.title, "how": "指定" if how == "named" else "自动匹配"}


def not_in_plan(facts: Facts) -> list[dict]:
    d = facts.draft
    if d.kind not in PLANNED_KINDS:
        return []
    entry, how = match_entry(facts.ctx.plan_entries, d.plan_entry, d.title, facts.body_key)
    label = Kind(d.kind).label
    if entry is not None:
        facts.matched["plan_entry"] = matched_info(entry, how)
        return []
    scope = f"{d.issuer.name}{d.year}年度{label}计划"
    if d.plan_entry is not None:
        problem = f"所填计划事项“{d.plan_entry}”不在{scope}中"
    elif not facts.ctx.plan_entries:
        problem = f"{scope}尚无任何计划事项"
    else:
        problem = f"{scope}中没有与本事项相符的计划事项"
    if d.justification.strip():
        message = (
            f"未列入年度计划：{problem}。已填写计划外说明，请减负办审核其必要性；能不发的坚决不发，能合并的坚决合并。"
        )
        return [finding("NOT_IN_PLAN", "warn", message)]
    message = f"未列入年度计划：{problem}。请先列入年度计划，或填写计划外说明（为何必须在计划外办理）后报减负办审批。"
    return [finding("NOT_IN_PLAN", "block", message)]


def quota_exceeded(facts: Facts) -> list[dict]:
    d, ctx = facts.draft, facts.ctx
    if ctx.quota is None or ctx.live_count < ctx.quota:
        return []
    label = Kind(d.kind).label
    message = (
        f"超出年度总量：{d.issuer.name}{d.year}年度{label}总量为{ctx.quota}件，已批准或已发布{ctx.live_count}件，"
        f"已达上限。请与已有事项合并，或压减其他事项后再报（总量“只减不增”）。"
    )
    return [finding("QUOTA_EXCEEDED", "block", message)]


RULES = [not_in_plan, quota_exceeded]
