"""Small template filters: Chinese labels for the gate's verdicts and severities."""

from django import template

register = template.Library()

VERDICT_LABELS = {"pass": "通过", "revise": "需修改", "block": "不予通过"}
SEVERITY_LABELS = {"block": "阻断", "warn": "警示", "info": "提示"}


@register.filter
def verdict_label(value: str) -> str:
    return VERDICT_LABELS.get(value or "", value or "未审核")


@register.filter
def severity_label(value: str) -> str:
    return SEVERITY_LABELS.get(value or "", value or "")


@register.filter
def percent(value, total) -> int:
    """A bar width in whole percent, capped at 100."""
    try:
        return max(0, min(100, round(float(value) * 100 / float(total))))
    except (TypeError, ValueError, ZeroDivisionError):
        return 0


@register.filter
def get(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


ACTION_LABELS = {
    "item.create": "新建",
    "item.update": "修改",
    "item.delete": "删除",
    "item.signoff": "负责人签批",
    "item.submit": "提交审核",
    "item.approve": "批准",
    "item.return": "退回修改",
    "item.reject": "否决",
    "item.merge": "合并",
    "item.issue": "登记发布",
    "item.close": "办结",
}


@register.filter
def action_label(value: str) -> str:
    return ACTION_LABELS.get(value or "", value or "")


@register.filter
def attr(obj, name: str):
    """A column of a list page: an attribute, or a no-argument method such as get_kind_display."""
    value = getattr(obj, name, None)
    return value() if callable(value) else value
