"""Turn the gate's review into what the page shows: the body with evidence marked,
and near-duplicates side by side with their differences marked (difflib)."""

import difflib
from dataclasses import dataclass
from typing import Any

# Character-level diff is quadratic in the worst case; long bodies are compared by their opening.
DIFF_LIMIT = 3000


@dataclass(frozen=True)
class Segment:
    text: str
    marked: bool = False
    note: str = ""


def mark_evidence(body: str, findings: list[dict[str, Any]]) -> list[Segment]:
    """Split `body` into plain and marked segments; overlapping spans are merged."""
    spans: list[tuple[int, int, str]] = []
    for f in findings:
        for ev in f.get("evidence") or []:
            start, end = int(ev.get("start", 0)), int(ev.get("end", 0))
            if 0 <= start < end <= len(body):
                spans.append((start, end, f.get("message", "")))
    spans.sort()
    merged: list[list] = []
    for start, end, note in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
            if note not in merged[-1][2]:
                merged[-1][2].append(note)
        else:
            merged.append([start, end, [note]])
    out: list[Segment] = []
    pos = 0
    for start, end, notes in merged:
        if start > pos:
            out.append(Segment(body[pos:start]))
        out.append(Segment(body[start:end], True, "；".join(n for n in notes if n)))
        pos = end
    if pos < len(body):
        out.append(Segment(body[pos:]))
    return out


def side_by_side(left: str, right: str) -> tuple[list[Segment], list[Segment], float]:
    """Both texts as segments, the parts not shared marked; plus the similarity ratio."""
    a, b = (left or "")[:DIFF_LIMIT], (right or "")[:DIFF_LIMIT]
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    left_out: list[Segment] = []
    right_out: list[Segment] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        changed = op != "equal"
        if i2 > i1:
            left_out.append(Segment(a[i1:i2], changed))
        if j2 > j1:
            right_out.append(Segment(b[j1:j2], changed))
    return left_out, right_out, round(matcher.ratio(), 2)


def related_ids(review: dict[str, Any], code: str | None = "NEAR_DUPLICATE") -> list[int]:
    """Ids of the ledger items a finding points at (of one code, or of every code when None)."""
    ids: list[int] = []
    for f in review.get("findings") or []:
        if code is None or f.get("code") == code:
            ids.extend(int(r["id"]) for r in f.get("related") or [] if r.get("id"))
    return list(dict.fromkeys(ids))
