"""The review's shape (spec/gate.md "Output"), as a JSON Schema for API clients and
as a checker the tests run on every review they produce."""

from typing import Any

from jianfu.gate.rules import CODES

REVIEW_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["kind", "verdict", "findings", "measures"],
    "properties": {
        "kind": {"type": "string"},
        "verdict": {"enum": ["pass", "revise", "block"]},
        "findings": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["code", "severity", "message", "evidence", "related"],
                "properties": {
                    "code": {"enum": list(CODES)},
                    "severity": {"enum": ["block", "warn", "info"]},
                    "message": {"type": "string", "minLength": 1},
                    "evidence": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["start", "end", "text"],
                            "properties": {
                                "start": {"type": "integer", "minimum": 0},
                                "end": {"type": "integer", "minimum": 0},
                                "text": {"type": "string"},
                            },
                        },
                    },
                    "related": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["id", "kind", "title"],
                            "properties": {
                                "id": {"type": "integer"},
                                "kind": {"type": "string"},
                                "title": {"type": "string"},
                                "similarity": {"type": "number", "minimum": 0, "maximum": 1},
                            },
                        },
                    },
                },
            },
        },
        "measures": {
            "type": "object",
            "required": ["chars", "burden_hours", "burden_hours_per_unit", "target_units"],
            "properties": {
                "chars": {"type": "integer", "minimum": 0},
                "burden_hours": {"type": "number", "minimum": 0},
                "burden_hours_per_unit": {"type": "number", "minimum": 0},
                "target_units": {"type": "integer", "minimum": 0},
                "matched": {"type": "object"},
            },
        },
    },
}


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def validate_review(review: Any, body: str) -> list[str]:
    """Problems with a review (empty when it honours spec/gate.md), offsets checked against `body`."""
    problems: list[str] = []
    if not isinstance(review, dict):
        return ["review is not an object"]
    for key in REVIEW_SCHEMA["required"]:
        if key not in review:
            problems.append(f"missing {key}")
    if problems:
        return problems
    if review["verdict"] not in ("pass", "revise", "block"):
        problems.append(f"bad verdict {review['verdict']!r}")
    severities = set()
    codes = [f.get("code") for f in review["findings"] if isinstance(f, dict)]
    if len(codes) != len(set(codes)):
        problems.append(f"a code appears twice: {codes}")
    for f in review["findings"]:
        if set(f) != {"code", "severity", "message", "evidence", "related"}:
            problems.append(f"finding keys {sorted(f)}")
            continue
        if f["code"] not in CODES:
            problems.append(f"unknown code {f['code']}")
        if f["severity"] not in ("block", "warn", "info"):
            problems.append(f"bad severity {f['severity']}")
        severities.add(f["severity"])
        if not isinstance(f["message"], str) or not _has_cjk(f["message"]):
            problems.append(f"{f['code']}: message is not Chinese")
        for ev in f["evidence"]:
            start, end, text = ev.get("start"), ev.get("end"), ev.get("text")
            if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(body)):
                problems.append(f"{f['code']}: offsets {start}..{end} outside body of {len(body)}")
            elif body[start:end] != text:
                problems.append(f"{f['code']}: text {text!r} != body[{start}:{end}]")
        for rel in f["related"]:
            if not {"id", "kind", "title"} <= set(rel):
                problems.append(f"{f['code']}: related without id/kind/title")
            sim = rel.get("similarity")
            if sim is not None and not (0 <= sim <= 1):
                problems.append(f"{f['code']}: similarity {sim} out of range")
    expected = "block" if "block" in severities else "revise" if "warn" in severities else "pass"
    if review["verdict"] != expected:
        problems.append(f"verdict {review['verdict']} but findings say {expected}")
    m = review["measures"]
    for key in ("chars", "burden_hours", "burden_hours_per_unit", "target_units"):
        if not isinstance(m.get(key), int | float) or m[key] < 0:
            problems.append(f"measures.{key} = {m.get(key)!r}")
    if m.get("chars") != sum(1 for ch in body if not ch.isspace()):
        problems.append("measures.chars is not the count of non-space characters")
    return problems
