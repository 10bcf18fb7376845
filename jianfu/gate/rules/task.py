"""Task rules: 属地管理事项清单 ("清单外事项不得转嫁基层") and 权责利统一."""

from jianfu.gate.rules.base import Facts, finding
from jianfu.gate.rules.plan import match_entry, matched_info


def off_list_task(facts: Facts) -> list[dict]:
    d = facts.draft
    entry, how = match_entry(facts.ctx.duty_entries, d.duty_entry, d.title, facts.body_key)
    if entry is not None:
        facts.matched["duty_entry"] = matched_info(entry, how)
        return []
    what = f"所填清单事项“{d.duty_entry}”不在清单中" if d.duty_entry is not None else "属地管理事项清单中没有相符的事项"
    message = (
        f"清单外事项：{what}。清单外事项不得转嫁基层，请由主责部门自行承担，或先按程序调整属地管理事项清单后再交办。"
    )
    return [finding("OFF_LIST_TASK", "block", message)]


def unfunded_task(facts: Facts) -> list[dict]:
    if facts.draft.resources:
        return []
    message = "交办任务未列明配套的人员、经费或技术支持（权责利不统一）：请在 task.resources 中写明随任务下沉的资源。"
    return [finding("UNFUNDED_TASK", "warn", message)]


RULES = [off_list_task, unfunded_task]
