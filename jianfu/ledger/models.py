"""The ledger: one Item model for all eight kinds, its reviews and decisions,
and the reference lists the office keeps."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from jianfu.ledger.choices import (
    AttendeeLevel,
    BodyStatus,
    DecisionAction,
    Frequency,
    InspectionCategory,
    Kind,
    MeetingMode,
    Platform,
    Status,
    split_list,
)
from jianfu.org.models import ISSUER_KINDS, Unit

# --------------------------------------------------------------------------- lists


class PlanEntry(models.Model):
    """An entry of a department's annual issuing plan (年度计划)."""

    year = models.PositiveSmallIntegerField("年度", db_index=True)
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="plan_entries")
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    title = models.CharField("计划事项", max_length=200)
    keywords = models.CharField("关键词", max_length=300, blank=True)

    class Meta:
        verbose_name = "年度计划事项"
        verbose_name_plural = "年度计划事项"
        ordering = ["-year", "unit__name", "kind", "title"]
        constraints = [
            models.UniqueConstraint(fields=["year", "unit", "kind", "title"], name="unique_plan_entry"),
        ]
        indexes = [models.Index(fields=["unit", "year", "kind"], name="plan_unit_year_kind")]

    def __str__(self) -> str:
        return f"{self.year} {self.unit} {self.title}"

    def keyword_list(self) -> list[str]:
        return split_list(self.keywords)


class Quota(models.Model):
    """Annual total for a unit and kind (总量控制, "只减不增")."""

    year = models.PositiveSmallIntegerField("年度")
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="quotas")
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    quota = models.PositiveIntegerField("总量")

    class Meta:
        verbose_name = "年度总量"
        verbose_name_plural = "年度总量"
        ordering = ["-year", "unit__name", "kind"]
        constraints = [models.UniqueConstraint(fields=["year", "unit", "kind"], name="unique_quota")]

    def __str__(self) -> str:
        return f"{self.year} {self.unit} {self.get_kind_display()} {self.quota}"


class CoordinationBody(models.Model):
    """议事协调机构; `status`/`changed_on` hold the latest state, BodyChange the history."""

    name = models.CharField("名称", max_length=150, unique=True)
    lead = models.ForeignKey(
        Unit, verbose_name="牵头单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField("状态", max_length=16, choices=BodyStatus.choices, default=BodyStatus.ACTIVE)
    changed_on = models.DateField("变更日期", null=True, blank=True)
    established_on = models.DateField("设立日期", null=True, blank=True)

    class Meta:
        verbose_name = "议事协调机构"
        verbose_name_plural = "议事协调机构"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def status_on(self, day) -> str | None:
        """The body's status on `day`, or None if it did not exist yet."""
        if self.established_on and day < self.established_on:
            return None
        state = BodyStatus.ACTIVE
        for change in sorted(self.changes.all(), key=lambda c: (c.changed_on, c.pk)):
            if change.changed_on <= day:
                state = change.status
        return state


class BodyChange(models.Model):
    body = models.ForeignKey(CoordinationBody, on_delete=models.CASCADE, related_name="changes", verbose_name="机构")
    status = models.CharField("状态", max_length=16, choices=BodyStatus.choices)
    changed_on = models.DateField("变更日期")
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "机构变更记录"
        verbose_name_plural = "机构变更记录"
        ordering = ["changed_on", "pk"]

    def __str__(self) -> str:
        return f"{self.body} {self.changed_on} {self.get_status_display()}"


class DutyEntry(models.Model):
    """属地管理事项清单 / 乡镇履行职责事项清单 entry."""

    matter = models.CharField("事项", max_length=200, unique=True)
    responsible = models.CharField("主责部门", max_length=200, blank=True)
    township_role = models.CharField("乡镇职责", max_length=500, blank=True)
    keywords = models.CharField("关键词", max_length=300, blank=True)

    class Meta:
        verbose_name = "属地管理事项"
        verbose_name_plural = "属地管理事项清单"
        ordering = ["matter"]

    def __str__(self) -> str:
        return self.matter

    def keyword_list(self) -> list[str]:
        return split_list(self.keywords)


class CampusWhitelistEntry(models.Model):
    year = models.PositiveSmallIntegerField("年度", db_index=True)
    activity = models.CharField("活动", max_length=200)
    organizer = models.CharField("主办单位", max_length=200, blank=True)
    per_semester = models.PositiveSmallIntegerField("每学期上限", null=True, blank=True)

    class Meta:
        verbose_name = "进校园白名单"
        verbose_name_plural = "进校园白名单"
        ordering = ["-year", "activity"]
        constraints = [models.UniqueConstraint(fields=["year", "activity"], name="unique_whitelist_entry")]

    def __str__(self) -> str:
        return f"{self.year} {self.activity}"


class CatalogField(models.Model):
    """共享数据目录: a datum another system already holds, so nobody fills it again."""

    field = models.CharField("字段", max_length=100, unique=True)
    synonyms = models.CharField("同义词", max_length=500, blank=True)
    owner = models.CharField("来源单位", max_length=100, blank=True)
    system = models.CharField("来源系统", max_length=100, blank=True)
    frequency = models.CharField("更新频次", max_length=20, blank=True)

    class Meta:
        verbose_name = "共享数据目录字段"
        verbose_name_plural = "共享数据目录"
        ordering = ["field"]

    def __str__(self) -> str:
        return self.field

    def synonym_list(self) -> list[str]:
        return split_list(self.synonyms)


# --------------------------------------------------------------------------- items


class ItemQuerySet(models.QuerySet):
    def issued(self):
        return self.filter(status=Status.ISSUED)

    def district_burden(self):
        """Issued by district-level units, upper-level documents excluded."""
        return self.filter(is_upper_level=False, issuer__kind__in=ISSUER_KINDS)

    def in_period(self, start, end):
        return self.filter(date__gte=start, date__lte=end)

    def of_kind(self, kind):
        return self.filter(kind=kind)

    def visible_to_unit(self, unit):
        return self.filter(models.Q(issuer=unit) | models.Q(targets=unit) | models.Q(targets_all=True)).distinct()


class Item(models.Model):
    # common
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    title = models.CharField("标题", max_length=300)
    body = models.TextField("正文", blank=True)
    issuer = models.ForeignKey(
        Unit, verbose_name="发起单位", on_delete=models.PROTECT, related_name="issued_items", db_index=False
    )
    targets = models.ManyToManyField(
        Unit, verbose_name="对象单位", through="ItemTarget", related_name="targeted_items", blank=True
    )
    targets_all = models.BooleanField("面向全部基层单位", default=False)
    date = models.DateField("日期", db_index=True, help_text="发文日期、会议日期或检查开始日期")
    year = models.PositiveSmallIntegerField("计划年度", db_index=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT)
    plan_entry = models.ForeignKey(
        PlanEntry, verbose_name="计划事项", null=True, blank=True, on_delete=models.SET_NULL, related_name="items"
    )
    justification = models.TextField("计划外说明", blank=True)
    ref = models.CharField("编号", max_length=64, blank=True, db_index=True)
    is_upper_level = models.BooleanField("上级来文", default=False)
    chars = models.PositiveIntegerField("字数", default=0)
    estimated_hours = models.FloatField(
        "每单位每次预计工时", null=True, blank=True, help_text="发起单位自报；属地任务必填"
    )
    merged_into = models.ForeignKey(
        "self", verbose_name="合并至", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_items"
    )
    # the office's decision (latest; history in Decision)
    decided_at = models.DateTimeField("决定时间", null=True, blank=True, db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="决定人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_comment = models.TextField("决定意见", blank=True)
    issued_on = models.DateField("发布日期", null=True, blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="签批人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signed_off_at = models.DateTimeField("签批时间", null=True, blank=True)
    latest_review = models.ForeignKey(
        "Review", verbose_name="最近审核", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    # document
    number = models.CharField("文号", max_length=100, blank=True)
    is_policy = models.BooleanField("政策性文件", default=False)
    special_task = models.BooleanField("专项工作文件", default=False)
    distribution = models.CharField("发送范围", max_length=300, blank=True)
    # meeting
    starts_at = models.DateTimeField("开始时间", null=True, blank=True)
    duration_minutes = models.PositiveIntegerField("时长（分钟）", null=True, blank=True)
    mode = models.CharField("方式", max_length=10, choices=MeetingMode.choices, blank=True)
    attendee_level = models.CharField("参会层级", max_length=12, choices=AttendeeLevel.choices, blank=True)
    attendees = models.PositiveSmallIntegerField("每单位参会人数", default=1)
    coordination_body = models.ForeignKey(
        CoordinationBody,
        verbose_name="议事协调机构",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings",
    )
    # inspection (window: date .. ends_on)
    category = models.CharField("类别", max_length=4, choices=InspectionCategory.choices, blank=True)
    ends_on = models.DateField("结束日期", null=True, blank=True, help_text="检查结束日期；政务应用停用日期")
    method = models.CharField("方式方法", max_length=100, blank=True)
    materials_required = models.BooleanField("要求提供材料", default=False)
    onsite_days = models.FloatField("现场天数", null=True, blank=True)
    # data_request
    fields = models.JSONField("报表字段", default=list, blank=True)
    frequency = models.CharField("频次", max_length=10, choices=Frequency.choices, blank=True)
    # task
    duty_entry = models.ForeignKey(
        DutyEntry, verbose_name="清单事项", null=True, blank=True, on_delete=models.SET_NULL, related_name="items"
    )
    resources = models.JSONField("配套资源", default=list, blank=True, help_text="人员、经费、技术")
    # campus
    whitelist_entry = models.ForeignKey(
        CampusWhitelistEntry,
        verbose_name="白名单事项",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="items",
    )
    # award
    basis = models.CharField("审批依据", max_length=300, blank=True)
    cycle = models.CharField("周期", max_length=20, blank=True)
    # app
    platform = models.CharField("平台", max_length=20, choices=Platform.choices, blank=True)
    daily_minutes = models.PositiveIntegerField("每日占用分钟", null=True, blank=True)
    app_demands = models.JSONField("使用要求", default=list, blank=True, help_text="打卡、秒回、上传照片、排名……")
    # The meter's hours per occurrence per unit (Standard Cost Model), stored on write by
    # jianfu.meter.figures.fill; valid only for the tariffs hashed in meter_key and the review
    # in meter_review_id, otherwise the meter computes it from the columns at query time.
    meter_hours = models.FloatField("单位单次工时", null=True, blank=True, editable=False)
    meter_key = models.CharField("工时参数指纹", max_length=16, blank=True, default="", editable=False)
    meter_review_id = models.PositiveIntegerField("工时所据审核", null=True, blank=True, editable=False)

    objects = ItemQuerySet.as_manager()

    class Meta:
        verbose_name = "事项"
        verbose_name_plural = "台账事项"
        ordering = ["-date", "-pk"]
        # Every index costs each imported row a B-tree insert. Kind, status and issuer
        # have no index of their own: these composites lead with them. is_upper_level
        # alone served no query (docs/import.md: which query uses which index).
        indexes = [
            models.Index(fields=["kind", "status", "date"], name="item_kind_status_date"),
            models.Index(fields=["issuer", "year", "kind", "status"], name="item_issuer_year_kind"),
            models.Index(fields=["status", "date"], name="item_status_date"),
            # A department's ledger page (its own items, newest first) reads 30 entries, not
            # every row of the department to learn its date.
            models.Index(fields=["issuer", "date"], name="item_issuer_date"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_editable(self) -> bool:
        return self.status in (Status.DRAFT, Status.RETURNED)


class ItemTarget(models.Model):
    # No index of their own: unique_item_target leads with item, target_unit_kind_date with unit.
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="target_links", db_index=False)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", db_index=False)
    # Denormalised so per-unit time rules (inspection overlap and caps, campus caps)
    # are one indexed range query instead of a join through the ledger.
    kind = models.CharField(max_length=16, choices=Kind.choices)
    date = models.DateField()

    class Meta:
        verbose_name = "对象单位"
        verbose_name_plural = "对象单位"
        constraints = [models.UniqueConstraint(fields=["item", "unit"], name="unique_item_target")]
        indexes = [models.Index(fields=["unit", "kind", "date"], name="target_unit_kind_date")]


class Review(models.Model):
    """The gate's review of an item, stored once per submission (or on demand)."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="reviews", verbose_name="事项")
    created_at = models.DateTimeField("审核时间", default=timezone.now, db_index=True)
    trigger = models.CharField("触发", max_length=16, default="submit")
    verdict = models.CharField("结论", max_length=8, db_index=True)
    findings = models.JSONField("发现", default=list)
    measures = models.JSONField("度量", default=dict)

    class Meta:
        verbose_name = "前置审核记录"
        verbose_name_plural = "前置审核记录"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.item_id} {self.verdict} {self.created_at:%Y-%m-%d}"

    @property
    def codes(self) -> list[str]:
        return [f["code"] for f in self.findings]


class ReviewFinding(models.Model):
    """One row per finding code of a review, so ledger search and statistics can filter by code."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="finding_rows")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=40, db_index=True)
    severity = models.CharField(max_length=8)

    class Meta:
        verbose_name = "审核发现"
        verbose_name_plural = "审核发现"


class Decision(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="decisions", verbose_name="事项")
    action = models.CharField("决定", max_length=10, choices=DecisionAction.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="决定人", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("时间", default=timezone.now)
    comment = models.TextField("意见", blank=True)
    merge_target = models.ForeignKey(
        Item, verbose_name="合并至", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "审核决定"
        verbose_name_plural = "审核决定"
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.item_id} {self.get_action_display()}"
