"""The item form: common fields plus the fields of each of the eight kinds.

The same form validates the web page and the REST API (`jianfu/api/items.py`), so
both give the same Chinese messages for the same bad value.
"""

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from jianfu.ledger.choices import (
    AttendeeLevel,
    Frequency,
    InspectionCategory,
    Kind,
    MeetingMode,
    Platform,
    split_list,
)
from jianfu.ledger.models import CampusWhitelistEntry, CoordinationBody, DutyEntry, PlanEntry
from jianfu.org.models import Unit

COMMON_FIELDS = ("kind", "title", "body", "targets", "date", "year", "plan_entry", "justification", "estimated_hours")

# The kind-specific fields shown for each kind (the rest are hidden and ignored).
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    Kind.DOCUMENT: ("number", "is_policy", "special_task", "distribution"),
    Kind.MEETING: ("starts_at", "duration_minutes", "mode", "attendee_level", "attendees", "coordination_body"),
    Kind.INSPECTION: ("category", "ends_on", "method", "materials_required", "onsite_days"),
    Kind.DATA_REQUEST: ("fields", "frequency"),
    Kind.TASK: ("duty_entry", "resources"),
    Kind.CAMPUS: ("whitelist_entry",),
    Kind.AWARD: ("basis", "cycle"),
    Kind.APP: ("platform", "daily_minutes", "app_demands"),
}
ALL_KIND_FIELDS = tuple(dict.fromkeys(f for names in KIND_FIELDS.values() for f in names))

RESOURCE_CHOICES = [("人员", "人员"), ("经费", "经费"), ("技术", "技术")]

_MSG = {
    "required": "此项必填。",
    "invalid": "格式不正确。",
    "invalid_choice": "请从列表中选择。",
    "max_length": "不能超过 %(limit_value)d 个字符。",
    "min_value": "不能小于 %(limit_value)s。",
    "max_value": "不能大于 %(limit_value)s。",
    "invalid_pk_value": "“%(pk)s”不是有效的选项。",
}


def _msgs(**extra: str) -> dict[str, str]:
    return {**_MSG, **extra}


def _blank(choices) -> list[tuple[str, str]]:
    return [("", "（未填）"), *choices]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kw):
        super().__init__(format="%Y-%m-%d", **kw)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kw):
        super().__init__(format="%Y-%m-%dT%H:%M", **kw)


class ItemForm(forms.Form):
    kind = forms.ChoiceField(label="事项类型", choices=Kind.choices, error_messages=_msgs())
    title = forms.CharField(label="标题", max_length=300, error_messages=_msgs(required="请填写标题。"))
    body = forms.CharField(
        label="正文", required=False, widget=forms.Textarea(attrs={"rows": 12}), error_messages=_msgs()
    )
    targets = forms.ModelMultipleChoiceField(
        label="对象单位",
        queryset=Unit.objects.none(),
        required=False,
        help_text="不选则面向全部基层单位。",
        widget=forms.SelectMultiple(attrs={"size": 6}),
        error_messages=_msgs(invalid_choice="单位“%(value)s”不存在或不是基层单位。", invalid_list="请选择单位。"),
    )
    date = forms.DateField(
        label="日期",
        required=False,
        widget=DateInput(),
        help_text="发文日期、会议日期或检查开始日期；不填为今天。",
        error_messages=_msgs(invalid="日期格式应为 2025-11-20。"),
    )
    year = forms.IntegerField(
        label="计划年度",
        required=False,
        min_value=2000,
        max_value=2100,
        help_text="不填为日期所在年度。",
        error_messages=_msgs(invalid="年度应为四位数字。"),
    )
    plan_entry = forms.ModelChoiceField(
        label="年度计划事项",
        queryset=PlanEntry.objects.none(),
        required=False,
        empty_label="（不填，由系统匹配）",
        error_messages=_msgs(),
    )
    justification = forms.CharField(
        label="计划外说明", required=False, widget=forms.Textarea(attrs={"rows": 2}), error_messages=_msgs()
    )
    estimated_hours = forms.FloatField(
        label="每单位每次预计工时",
        required=False,
        min_value=0,
        help_text="属地任务必填；其他类型可不填。",
        error_messages=_msgs(invalid="请填写数字，如 2.5。"),
    )
    # document
    number = forms.CharField(label="文号", max_length=100, required=False, error_messages=_msgs())
    is_policy = forms.BooleanField(label="政策性文件", required=False)
    special_task = forms.BooleanField(label="专项工作文件", required=False)
    distribution = forms.CharField(label="发送范围", max_length=300, required=False, error_messages=_msgs())
    # meeting
    starts_at = forms.DateTimeField(
        label="开始时间",
        required=False,
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"],
        error_messages=_msgs(invalid="时间格式应为 2025-11-03 09:00。"),
    )
    duration_minutes = forms.IntegerField(
        label="时长（分钟）",
        required=False,
        min_value=1,
        max_value=24 * 60,
        error_messages=_msgs(invalid="请填写整数分钟数。"),
    )
    mode = forms.ChoiceField(label="方式", choices=_blank(MeetingMode.choices), required=False, error_messages=_msgs())
    attendee_level = forms.ChoiceField(
        label="参会层级", choices=_blank(AttendeeLevel.choices), required=False, error_messages=_msgs()
    )
    attendees = forms.IntegerField(
        label="每单位参会人数", required=False, min_value=1, max_value=100, error_messages=_msgs()
    )
    coordination_body = forms.ModelChoiceField(
        label="议事协调机构",
        queryset=CoordinationBody.objects.all(),
        required=False,
        empty_label="（无）",
        error_messages=_msgs(),
    )
    # inspection
    category = forms.ChoiceField(
        label="类别", choices=_blank(InspectionCategory.choices), required=False, error_messages=_msgs()
    )
    ends_on = forms.DateField(
        label="结束日期", required=False, widget=DateInput(), error_messages=_msgs(invalid="日期格式应为 2025-11-30。")
    )
    method = forms.CharField(
        label="方式方法", max_length=100, required=False, help_text="如：四不两直", error_messages=_msgs()
    )
    materials_required = forms.BooleanField(label="要求提供材料", required=False)
    onsite_days = forms.FloatField(label="现场天数", required=False, min_value=0, error_messages=_msgs())
    # data_request
    fields = forms.CharField(
        label="报表字段",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="每行一个，或用顿号、分号分隔。",
        error_messages=_msgs(),
    )
    frequency = forms.ChoiceField(
        label="频次", choices=_blank(Frequency.choices), required=False, error_messages=_msgs()
    )
    # task
    duty_entry = forms.ModelChoiceField(
        label="属地管理事项清单",
        queryset=DutyEntry.objects.all(),
        required=False,
        empty_label="（不填，由系统匹配）",
        error_messages=_msgs(),
    )
    resources = forms.MultipleChoiceField(
        label="配套资源",
        choices=RESOURCE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages=_msgs(),
    )
    # campus
    whitelist_entry = forms.ModelChoiceField(
        label="进校园白名单事项",
        queryset=CampusWhitelistEntry.objects.all(),
        required=False,
        empty_label="（不填，由系统匹配）",
        error_messages=_msgs(),
    )
    # award
    basis = forms.CharField(label="审批依据", max_length=300, required=False, error_messages=_msgs())
    cycle = forms.CharField(label="周期", max_length=20, required=False, error_messages=_msgs())
    # app
    platform = forms.ChoiceField(label="平台", choices=_blank(Platform.choices), required=False, error_messages=_msgs())
    daily_minutes = forms.IntegerField(
        label="每日占用分钟", required=False, min_value=0, max_value=24 * 60, error_messages=_msgs()
    )
    app_demands = forms.CharField(
        label="使用要求", required=False, help_text="如：打卡、秒回、上传照片、排名", error_messages=_msgs()
    )

    def __init__(self, *args: Any, issuer: Unit | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.issuer = issuer
        self.fields["targets"].queryset = Unit.objects.grassroots().active().order_by("kind", "name")
        plans = PlanEntry.objects.select_related("unit")
        self.fields["plan_entry"].queryset = plans.filter(unit=issuer) if issuer is not None else plans.none()
        for name, field in self.fields.items():
            if field.help_text:
                field.widget.attrs.setdefault("aria-describedby", f"id_{name}_help")

    @property
    def current_kind(self) -> str:
        raw = (self.data.get("kind") if self.is_bound else None) or self.initial.get("kind") or Kind.DOCUMENT
        return raw if raw in Kind.values else Kind.DOCUMENT

    @property
    def kind_choices(self) -> list[tuple[str, str]]:
        # Not `form.fields.kind` in templates: `form.fields` resolves to the data_request field "fields".
        return list(Kind.choices)

    @property
    def current_kind_label(self) -> str:
        return str(Kind(self.current_kind).label)

    def common_fields(self):
        return [self[name] for name in COMMON_FIELDS if name != "kind"]

    def kind_fields(self):
        return [self[name] for name in KIND_FIELDS[self.current_kind]]

    def clean_fields(self) -> list[str]:  # the data_request fields, not Form.fields
        return split_list(self.cleaned_data.get("fields", ""))

    def clean_app_demands(self) -> list[str]:
        return split_list(self.cleaned_data.get("app_demands", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("kind")
        if kind == Kind.TASK and data.get("estimated_hours") in (None, ""):
            self.add_error("estimated_hours", "属地任务须填写每单位每次预计工时。")
        if kind == Kind.INSPECTION and data.get("ends_on") and data.get("date") and data["ends_on"] < data["date"]:
            self.add_error("ends_on", f"结束日期 {data['ends_on']} 早于开始日期 {data['date']}。")
        if kind == Kind.MEETING and not data.get("starts_at") and not data.get("date"):
            self.add_error("starts_at", "会议须填写开始时间或日期。")
        return data

    def service_fields(self) -> dict[str, Any]:
        """Keyword arguments for `create_item` / `update_item` (targets returned separately)."""
        data = self.cleaned_data
        kind = data["kind"]
        out: dict[str, Any] = {name: data.get(name) for name in COMMON_FIELDS if name not in ("targets",)}
        if out["date"] is None:
            starts_at = data.get("starts_at") if kind == Kind.MEETING else None
            out["date"] = timezone.localtime(starts_at).date() if starts_at else timezone.localdate()
        if out["year"] is None:
            out["year"] = out["date"].year
        for name in KIND_FIELDS[kind]:
            value = data.get(name)
            if name == "attendees" and value is None:
                value = 1
            out[name] = value
        for name in ("title", "body", "justification"):
            out[name] = out[name] or ""
        for name in ALL_KIND_FIELDS:
            if name in out and out[name] is None and isinstance(self.fields[name], forms.CharField):
                out[name] = ""
        return out

    def target_units(self) -> list[Unit]:
        return list(self.cleaned_data.get("targets") or [])


def initial_from_item(item) -> dict[str, Any]:
    """Form initial values for editing an existing item."""
    initial: dict[str, Any] = {}
    for name in COMMON_FIELDS + ALL_KIND_FIELDS:
        if name == "targets":
            initial[name] = [] if item.targets_all else [link.unit_id for link in item.target_links.all()]
        elif name in ("fields", "app_demands"):
            initial[name] = "；".join(getattr(item, name) or [])
        elif name in ("plan_entry", "coordination_body", "duty_entry", "whitelist_entry"):
            initial[name] = getattr(item, f"{name}_id")
        elif name == "starts_at" and item.starts_at:
            initial[name] = timezone.localtime(item.starts_at)
        else:
            initial[name] = getattr(item, name)
    return initial


def draft_from_form(form: ItemForm, issuer: Unit) -> dict[str, Any] | None:
    """The gate's input JSON from whatever the form holds now (valid or not).

    Live review runs on half-typed drafts, so a field that does not validate yet
    is simply left out rather than stopping the review.
    """
    form.is_valid()
    data = getattr(form, "cleaned_data", {}) or {}
    kind = data.get("kind") or form.current_kind
    title = (data.get("title") or form.data.get("title") or "").strip()
    if not title:
        return None

    def iso(value):
        return value.isoformat() if isinstance(value, dt.date | dt.datetime) else None

    starts_at = data.get("starts_at")
    starts_iso = timezone.localtime(starts_at).strftime("%Y-%m-%dT%H:%M") if starts_at else None
    return {
        "kind": kind,
        "title": title,
        "body": data.get("body") if "body" in data else form.data.get("body", ""),
        "issuer": issuer.name,
        "targets": [u.name for u in data.get("targets") or []],
        "date": iso(data.get("date")),
        "year": data.get("year"),
        "plan_entry": data["plan_entry"].pk if data.get("plan_entry") else None,
        "justification": data.get("justification") or "",
        "document": {
            "number": data.get("number") or "",
            "is_policy": bool(data.get("is_policy")),
            "special_task": bool(data.get("special_task")),
        },
        "meeting": {
            "starts_at": starts_iso,
            "duration_minutes": data.get("duration_minutes"),
            "mode": data.get("mode") or "",
            "attendee_level": data.get("attendee_level") or "",
            "coordination_body": data["coordination_body"].pk if data.get("coordination_body") else None,
        },
        "inspection": {
            "category": data.get("category") or "",
            "starts_on": iso(data.get("date")),
            "ends_on": iso(data.get("ends_on")),
            "method": data.get("method") or "",
            "materials_required": bool(data.get("materials_required")),
        },
        "data_request": {"fields": list(data.get("fields") or []), "frequency": data.get("frequency") or ""},
        "task": {
            "duty_entry": data["duty_entry"].pk if data.get("duty_entry") else None,
            "resources": list(data.get("resources") or []),
        },
        "campus": {"whitelist_entry": data["whitelist_entry"].pk if data.get("whitelist_entry") else None},
        "award": {"basis": data.get("basis") or ""},
        "app": {"platform": data.get("platform") or "", "daily_minutes": data.get("daily_minutes")},
    }


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="决定",
        choices=[("approve", "批准"), ("return", "退回修改"), ("reject", "否决")],
        error_messages=_msgs(),
    )
    comment = forms.CharField(label="意见", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    expected_status = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if data.get("decision") in ("return", "reject") and not (data.get("comment") or "").strip():
            self.add_error("comment", "退回或否决须填写意见，告诉经办人改什么。")
        return data


class MergeForm(forms.Form):
    target = forms.IntegerField(
        label="合并到事项编号", min_value=1, error_messages=_msgs(required="请填写要合并到的事项编号。")
    )
    comment = forms.CharField(label="意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    expected_status = forms.CharField(required=False, widget=forms.HiddenInput)


class IssueForm(forms.Form):
    issued_on = forms.DateField(
        label="发布日期",
        widget=DateInput(),
        error_messages=_msgs(required="请填写发布日期。", invalid="日期格式应为 2025-11-20。"),
    )
    number = forms.CharField(label="文号", max_length=100, required=False)
