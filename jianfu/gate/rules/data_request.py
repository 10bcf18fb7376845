"""Data request rules: fill each datum at most once (一表通, 共享数据目录)."""

import re

from jianfu.gate.normalise import normalise_key
from jianfu.gate.rules.base import Facts, finding, names, related

# Endings that do not change which datum is meant ("低保户数" = "低保户").
_SUFFIX = re.compile(r"(?:情况|总数|数量|人数|户数|个数|数|量|名单|信息|\(人\)|\(户\)|\(个\))+$")


def field_key(name: str) -> str:
    key = normalise_key(name)
    stripped = _SUFFIX.sub("", key)
    return stripped or key


def data_already_shared(facts: Facts) -> list[dict]:
    index: dict[str, object] = {}
    for ref in facts.ctx.catalog:
        for name in (ref.field, *ref.synonyms):
            key = field_key(name)
            if key and key not in index:
                index[key] = ref
    shared = []
    for name in facts.draft.fields:
        ref = index.get(field_key(name))
        if ref is not None:
            shared.append((name, ref))
    if not shared:
        return []
    parts = []
    for name, ref in shared[:8]:
        source = "·".join(p for p in (ref.owner, ref.system) if p) or "共享数据目录"
        parts.append(f"“{name}”（目录字段“{ref.field}”，来源：{source}）")
    more = f"等{len(shared)}项" if len(shared) > 8 else ""
    message = (
        f"字段{'、'.join(parts)}{more}已在共享数据目录中：请直接向来源单位获取或从其系统共享，不再要求基层重复填报。"
    )
    return [finding("DATA_ALREADY_SHARED", "warn", message)]


def data_request_overlap(facts: Facts) -> list[dict]:
    limit = facts.limits["data_overlap"]
    hits = [r for r in facts.ctx.field_overlaps if (r.similarity or 0) >= limit]
    if not hits:
        return []
    top = hits[0]
    message = (
        f"所需字段有{top.similarity:.0%}已由在用报表《{top.title}》采集（{names(top.shared)}）："
        f"请共用该报表的数据，只补充确需的新字段，不再让基层重复填报。"
    )
    return [finding("DATA_REQUEST_OVERLAP", "warn", message, related=related(hits))]


RULES = [data_already_shared, data_request_overlap]
