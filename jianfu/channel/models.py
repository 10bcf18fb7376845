"""The grassroots channel: monitoring points, their surveys, burden reports and
their rectification trail.

Anonymity is a property of the schema, not of good manners: an anonymous report
has no column that could hold a person (reporter is NULL, no IP or user agent
column exists anywhere), its dates are days, never instants, and its primary key
is a random UUID so not even the insertion order can be joined with access logs.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from jianfu.ledger.models import Item
from jianfu.org.models import Unit


class MonitoringPoint(models.Model):
    """减负监测点: a designated grassroots unit that reports on its burden regularly."""

    unit = models.OneToOneField(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="monitoring_point")
    since = models.DateField("设立日期")
    is_active = models.BooleanField("在用", default=True)
    note = models.CharField("说明", max_length=200, blank=True)
    # The point's link (/channel/p/<token>/) lets anyone at the unit report without an
    # account; it names the unit, never a person, so it is stored as is and can be rotated.
    link_token = models.CharField("直报链接令牌", max_length=64, blank=True, db_index=True)

    class Meta:
        verbose_name = "减负监测点"
        verbose_name_plural = "减负监测点"
        ordering = ["unit__name"]

    def __str__(self) -> str:
        return str(self.unit)


class PointSurvey(models.Model):
    """A monitoring point's periodic short survey: hours spent last month, by kind."""

    point = models.ForeignKey(MonitoringPoint, verbose_name="监测点", on_delete=models.CASCADE, related_name="surveys")
    month = models.DateField("月份", help_text="所报月份的第一天")
    hours_forms = models.FloatField("填表报数（小时）", default=0)
    hours_meetings = models.FloatField("开会（小时）", default=0)
    hours_inspections = models.FloatField("迎检督查（小时）", default=0)
    hours_apps = models.FloatField("政务APP与工作群（小时）", default=0)
    comments = models.TextField("意见建议", blank=True)
    submitted_on = models.DateField("填报日期")

    class Meta:
        verbose_name = "监测点月度问卷"
        verbose_name_plural = "监测点月度问卷"
        ordering = ["-month", "point__unit__name"]
        constraints = [models.UniqueConstraint(fields=["point", "month"], name="unique_point_survey_month")]

    def __str__(self) -> str:
        return f"{self.point} {self.month:%Y-%m}"

    @property
    def total_hours(self) -> float:
        return round(self.hours_forms + self.hours_meetings + self.hours_inspections + self.hours_apps, 2)


class BurdenType(models.TextChoices):
    WHITE_HEAD = "white_head", "白头文件"
    NOTE = "note", "便笺通知"
    MINUTES = "minutes", "以会议纪要代替发文"
    GROUP_NOTICE = "group_notice", "工作群通知要求“收到请回复”"
    CHECKIN = "checkin", "每日打卡签到"
    PHOTO_QUOTA = "photo_quota", "拍照留痕指标"
    INSPECTION_MATERIALS = "inspection_materials", "迎检材料"
    DISGUISED_INSPECTION = "disguised_inspection", "变相督查检查（以调研、指导为名）"
    UNAPPROVED_FORM = "unapproved_form", "未经审批的报表"
    OTHER = "other", "其他"


# Types that are by definition an item that slipped past the gate (“隐形变异”),
# counted as hidden items in the statistics when turned into ledger items.
HIDDEN_TYPES = (
    BurdenType.WHITE_HEAD,
    BurdenType.NOTE,
    BurdenType.MINUTES,
    BurdenType.GROUP_NOTICE,
    BurdenType.DISGUISED_INSPECTION,
    BurdenType.UNAPPROVED_FORM,
)


class Identity(models.TextChoices):
    NAMED = "named", "实名"
    CONFIDENTIAL = "confidential", "保密（仅减负办审核员可见身份）"
    ANONYMOUS = "anonymous", "匿名"


class ReportStatus(models.TextChoices):
    NEW = "new", "待分办"
    ASSIGNED = "assigned", "整改中"
    ANSWERED = "answered", "待核验"
    CLOSED = "closed", "已办结"
    MERGED = "merged", "已合并"


OPEN_STATUSES = (ReportStatus.NEW, ReportStatus.ASSIGNED, ReportStatus.ANSWERED)


class Relief(models.TextChoices):
    YES = "yes", "负担确已减轻"
    PARTLY = "partly", "部分减轻"
    NO = "no", "没有减轻"


class BurdenReportQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.filter(status=ReportStatus.ASSIGNED, due_on__lt=today)


class BurdenReport(models.Model):
    # Random, so the key carries no order of filing (a serial id would).
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    receipt_hash = models.CharField("回执码摘要", max_length=64, unique=True)
    identity = models.CharField("身份方式", max_length=16, choices=Identity.choices)
    # NULL for anonymous reports, always.
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="反映人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="burden_reports",
    )
    # Only the level the reporter chose (e.g. the township, not the village).
    unit = models.ForeignKey(
        Unit, verbose_name="反映单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    burden_type = models.CharField("类型", max_length=24, choices=BurdenType.choices)
    description = models.TextField("具体情况")
    department = models.ForeignKey(
        Unit, verbose_name="涉及部门", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    item = models.ForeignKey(
        Item, verbose_name="涉及台账事项", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    concerns_text = models.CharField("涉及事项（自述）", max_length=300, blank=True)
    happened_on = models.DateField("发生日期", null=True, blank=True)
    # A day, never an instant: an instant could be joined with access logs.
    received_on = models.DateField("收到日期", db_index=True)
    status = models.CharField(
        "状态", max_length=12, choices=ReportStatus.choices, default=ReportStatus.NEW, db_index=True
    )
    merged_into = models.ForeignKey(
        "self", verbose_name="合并至", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    assigned_to = models.ForeignKey(
        Unit, verbose_name="承办部门", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assigned_on = models.DateField("交办日期", null=True, blank=True)
    due_on = models.DateField("整改期限", null=True, blank=True, db_index=True)
    answer = models.TextField("整改情况", blank=True)
    answered_on = models.DateField("答复日期", null=True, blank=True)
    resolved_on = models.DateField("办结日期", null=True, blank=True, db_index=True)
    found_item = models.ForeignKey(
        Item, verbose_name="发现的台账外事项", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    found_on = models.DateField("纳入台账日期", null=True, blank=True)
    relief = models.CharField("反映人评价", max_length=8, choices=Relief.choices, blank=True)
    relief_comment = models.CharField("评价说明", max_length=500, blank=True)

    objects = BurdenReportQuerySet.as_manager()

    class Meta:
        verbose_name = "负担反映"
        verbose_name_plural = "负担反映"
        # Never by id (random) and never by an instant (there is none).
        ordering = ["-received_on", "status"]
        indexes = [models.Index(fields=["assigned_to", "status"], name="report_dept_status")]

    def __str__(self) -> str:
        return f"{self.ref} {self.get_burden_type_display()}"

    @property
    def ref(self) -> str:
        """Short reference the office and departments use in conversation."""
        return f"FY-{self.id.hex[:8].upper()}"

    @property
    def is_overdue(self) -> bool:
        return bool(self.status == ReportStatus.ASSIGNED and self.due_on and self.due_on < timezone.localdate())

    @property
    def concerns(self) -> str:
        parts = [str(p) for p in (self.department, self.item) if p] + (
            [self.concerns_text] if self.concerns_text else []
        )
        return "；".join(parts) or "未指明"


class StepKind(models.TextChoices):
    FILED = "filed", "提交反映"
    MERGED = "merged", "合并重复反映"
    ASSIGNED = "assigned", "交办部门"
    ANSWERED = "answered", "部门答复"
    SENT_BACK = "sent_back", "退回重办"
    CLOSED = "closed", "核验办结"
    ITEM_FOUND = "item_found", "纳入台账"
    FEEDBACK = "feedback", "反映人评价"


class ReportStep(models.Model):
    """One step of a report's trail, shown to the reporter through the receipt code.

    `actor_unit` names the office or department that acted, never a person; the
    people who acted on the office side are in the audit trail.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    report = models.ForeignKey(BurdenReport, on_delete=models.CASCADE, related_name="steps", verbose_name="反映")
    kind = models.CharField("步骤", max_length=12, choices=StepKind.choices)
    on = models.DateField("日期")
    seq = models.PositiveSmallIntegerField("序号", default=0)
    actor_unit = models.ForeignKey(
        Unit, verbose_name="办理单位", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "办理步骤"
        verbose_name_plural = "办理步骤"
        ordering = ["report", "seq"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.get_kind_display()}"


class AttachmentRole(models.TextChoices):
    EVIDENCE = "evidence", "反映材料"
    PROOF = "proof", "整改佐证"


class ReportAttachment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    report = models.ForeignKey(BurdenReport, on_delete=models.CASCADE, related_name="attachments", verbose_name="反映")
    role = models.CharField("用途", max_length=10, choices=AttachmentRole.choices, default=AttachmentRole.EVIDENCE)
    # Random name under MEDIA_ROOT/channel; the user's file name is never used as a path.
    stored_name = models.CharField("存储名", max_length=80, unique=True)
    display_name = models.CharField("文件名", max_length=120)
    content_type = models.CharField("类型", max_length=40)
    size = models.PositiveIntegerField("大小（字节）")

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["report", "role", "display_name"]

    def __str__(self) -> str:
        return self.display_name
