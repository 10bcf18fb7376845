"""Drafts and contexts built in memory, for testing the pure engine without a database."""

import datetime as dt

from jianfu.gate.context import DEFAULT_THRESHOLDS, Context
from jianfu.gate.drafts import Draft, UnitRef
from jianfu.gate.lexicon import default_entries
from jianfu.meter.hours import merged_params

ISSUER = UnitRef(1, "区应急管理局", "department")
TOWNSHIP = UnitRef(2, "青山镇", "township")
STREET = UnitRef(3, "河西街道", "street")


def draft(**fields) -> Draft:
    values = {
        "kind": "document",
        "title": "关于做好冬季安全生产工作的通知",
        "issuer": ISSUER,
        "targets": (TOWNSHIP, STREET),
        "date": dt.date(2025, 11, 20),
        "year": 2025,
        "plan_entry": "冬季安全生产",
    }
    values.update(fields)
    return Draft(**values)


def context(**fields) -> Context:
    from jianfu.gate.context import Entry

    values = {
        "thresholds": dict(DEFAULT_THRESHOLDS),
        "meter_params": merged_params({}),
        "lexicon": tuple(default_entries()),
        "grassroots_count": 2,
        "scope_units": {TOWNSHIP.id: TOWNSHIP.name, STREET.id: STREET.name},
        "plan_entries": (Entry(10, "冬季安全生产", ("安全生产",)),),
    }
    values.update(fields)
    return Context(**values)
