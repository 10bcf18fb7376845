"""The gate: a pure function of (draft, context) → review (spec/gate.md "Output").

No database, no request: `context.load_context` gathers everything first, so the
same review comes out of the CLI, the API, the web page and the tests.
"""

from typing import Any

from jianfu.gate.context import Context
from jianfu.gate.drafts import Draft
from jianfu.gate.rules import CODES, rules_for
from jianfu.gate.rules.base import Facts
from jianfu.meter.hours import BurdenFacts, estimate

SEVERITY_RANK = {"block": 0, "warn": 1, "info": 2}
_CODE_ORDER = {code: i for i, code in enumerate(CODES)}


def verdict_of(findings: list[dict[str, Any]]) -> str:
    severities = {f["severity"] for f in findings}
    if "block" in severities:
        return "block"
    if "warn" in severities:
        return "revise"
    return "pass"


def count_chars(text: str) -> int:
    # str.split() drops exactly the characters str.isspace() is true for, in C.
    return len("".join((text or "").split()))


def review(draft: Draft, ctx: Context) -> dict[str, Any]:
    facts = Facts(draft, ctx)
    findings: list[dict[str, Any]] = []
    for rule in rules_for(draft.kind):
        findings.extend(rule(facts))
    for f in findings:
        # The office may soften or harden a code (setting gate.severities), except
        # that a NOT_IN_PLAN softened by a justification stays softened.
        override = ctx.severities.get(f["code"])
        if override and not (f["code"] == "NOT_IN_PLAN" and f["severity"] == "warn" and override == "block"):
            f["severity"] = override
    findings.sort(key=lambda f: (SEVERITY_RANK[f["severity"]], _CODE_ORDER.get(f["code"], 99)))
    chars = count_chars(draft.body)
    codes = frozenset(f["code"] for f in findings)
    burden = BurdenFacts(
        kind=draft.kind,
        date=draft.date,
        chars=chars,
        ends_on=draft.ends_on if draft.kind == "inspection" else None,
        duration_minutes=draft.duration_minutes,
        mode=draft.mode,
        materials_required=draft.materials_required,
        field_count=len(draft.fields),
        frequency=draft.frequency,
        daily_minutes=draft.daily_minutes,
        finding_codes=codes,
    )
    measures: dict[str, Any] = {"chars": chars}
    measures.update(estimate(burden, target_units=ctx.grassroots_count, params=ctx.meter_params))
    measures["matched"] = facts.matched
    return {"kind": draft.kind, "verdict": verdict_of(findings), "findings": findings, "measures": measures}
