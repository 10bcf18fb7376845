"""Choice lists of the ledger, with the Chinese labels users see and import."""

from django.db import models


class Kind(models.TextChoices):
    DOCUMENT = "document", "发文"
    MEETING = "meeting", "会议"
    INSPECTION = "inspection", "督查检查考核"
    DATA_REQUEST = "data_request", "报表"
    TASK = "task", "属地任务"
    CAMPUS = "campus", "进校园"
    AWARD = "award", "评比创建"
    APP = "app", "政务应用"


# Kinds governed by the annual plan (spec/gate.md NOT_IN_PLAN); campus uses the
# whitelist and task the duty list instead.
PLANNED_KINDS = (Kind.DOCUMENT, Kind.MEETING, Kind.INSPECTION, Kind.DATA_REQUEST, Kind.AWARD)


class Status(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    APPROVED = "approved", "已批准"
    RETURNED = "returned", "已退回"
    REJECTED = "rejected", "已否决"
    MERGED = "merged", "已合并"
    ISSUED = "issued", "已发布"
    CLOSED = "closed", "已办结"


# Items that reach the grassroots or are about to (the gate compares against these).
LIVE_STATUSES = (Status.APPROVED, Status.ISSUED)


class MeetingMode(models.TextChoices):
    ONSITE = "onsite", "现场"
    VIDEO = "video", "视频"
    HYBRID = "hybrid", "混合"


class AttendeeLevel(models.TextChoices):
    PRINCIPAL = "principal", "主要负责人"
    DEPUTY = "deputy", "分管负责人"
    STAFF = "staff", "工作人员"


class InspectionCategory(models.TextChoices):
    SUPERVISION = "督查", "督查"
    INSPECTION = "检查", "检查"
    ASSESSMENT = "考核", "考核"
    RESEARCH = "调研", "调研"


INSPECTION_CATEGORY_ALIASES = {
    "supervision": InspectionCategory.SUPERVISION,
    "inspection": InspectionCategory.INSPECTION,
    "assessment": InspectionCategory.ASSESSMENT,
    "research": InspectionCategory.RESEARCH,
}


class Frequency(models.TextChoices):
    ONCE = "once", "一次"
    DAILY = "daily", "每日"
    WEEKLY = "weekly", "每周"
    MONTHLY = "monthly", "每月"
    QUARTERLY = "quarterly", "每季"
    YEARLY = "yearly", "每年"


class Platform(models.TextChoices):
    APP = "app", "政务APP"
    MINI_PROGRAM = "mini_program", "小程序"
    OFFICIAL_ACCOUNT = "official_account", "公众号"
    WECHAT_GROUP = "wechat_group", "工作群"
    OTHER = "other", "其他"


class BodyStatus(models.TextChoices):
    ACTIVE = "active", "保留"
    MERGED = "merged", "合并"
    ABOLISHED = "abolished", "撤销"


class DecisionAction(models.TextChoices):
    APPROVE = "approve", "批准"
    RETURN = "return", "退回修改"
    REJECT = "reject", "否决"
    MERGE = "merge", "合并"


def split_list(text: str | None) -> list[str]:
    """Split a user-kept list on ; 、 ； , ，  or newlines, dropping blanks."""
    if not text:
        return []
    for sep in ("；", "、", ",", "，", "\n"):
        text = text.replace(sep, ";")
    return [part.strip() for part in text.split(";") if part.strip()]


def join_list(values) -> str:
    return ";".join(str(v) for v in values if str(v).strip())
