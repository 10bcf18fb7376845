"""The one table of rule families: which kinds each family reviews."""

from jianfu.gate.rules import app, campus, data_request, document, duplicates, inspection, meeting, phrases, plan, task

# (kinds the family reviews, or None for every kind; its rules in order)
REGISTRY = (
    (None, plan.RULES),
    (None, duplicates.RULES),
    (None, phrases.RULES),
    (("document",), document.RULES),
    (("meeting",), meeting.RULES),
    (("inspection",), inspection.RULES),
    (("inspection", "award"), [inspection.material_based]),
    (("data_request",), data_request.RULES),
    (("task",), task.RULES),
    (("campus",), campus.RULES),
    (("app",), app.RULES),
)

# Every finding code of spec/gate.md with its default severity (a stable contract).
CODES: dict[str, str] = {
    "NOT_IN_PLAN": "block",
    "QUOTA_EXCEEDED": "block",
    "NEAR_DUPLICATE": "warn",
    "TRACE_DEMAND": "warn",
    "PHOTO_VIDEO_DEMAND": "warn",
    "CHECKIN_DEMAND": "warn",
    "INSTANT_REPLY_DEMAND": "warn",
    "RANKING_DEMAND": "warn",
    "TIGHT_DEADLINE": "warn",
    "HIGH_FREQUENCY": "warn",
    "MATERIAL_DEMAND": "warn",
    "PLEDGE_DEMAND": "warn",
    "VETO_DEMAND": "block",
    "LEVEL_UP_DEMAND": "warn",
    "EVASIVE_FORM": "warn",
    "DOC_TOO_LONG": "warn",
    "COPIES_UPPER_DOC": "warn",
    "DEMANDS_IMPLEMENTATION_REPORT": "warn",
    "MEETING_TOO_LONG": "warn",
    "ONSITE_WHEN_VIDEO": "info",
    "MEETING_MERGEABLE": "warn",
    "PRINCIPAL_ATTENDANCE": "warn",
    "BODY_ABOLISHED": "block",
    "INSPECTION_OVERLAP": "warn",
    "INSPECTION_CAP": "block",
    "DISGUISED_INSPECTION": "warn",
    "MATERIAL_BASED_ASSESSMENT": "warn",
    "DATA_ALREADY_SHARED": "warn",
    "DATA_REQUEST_OVERLAP": "warn",
    "OFF_LIST_TASK": "block",
    "UNFUNDED_TASK": "warn",
    "CAMPUS_NOT_WHITELISTED": "block",
    "CAMPUS_CAP": "block",
    "APP_DUPLICATE_FUNCTION": "warn",
    "APP_FORCED_USE": "warn",
}


def rules_for(kind: str):
    for kinds, rules in REGISTRY:
        if kinds is None or kind in kinds:
            yield from rules
