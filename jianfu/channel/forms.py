"""Forms of the channel pages (the API validates with ninja schemas of the same fields)."""

import datetime as dt

from django import forms
from django.utils import timezone

from jianfu.channel.models import BurdenReport, BurdenType, Identity, Relief, ReportStatus
from jianfu.channel.services import SURVEY_FIELDS
from jianfu.ledger.choices import Kind
from jianfu.org.models import Unit, UnitKind


def departments():
    return Unit.objects.filter(kind__in=(UnitKind.DEPARTMENT, UnitKind.OFFICE), is_active=True).order_by("name")


class ReportForm(forms.Form):
    burden_type = forms.ChoiceField(label="反映类型", choices=BurdenType.choices, widget=forms.RadioSelect)
    description = forms.CharField(
        label="具体情况",
        max_length=5000,
        widget=forms.Textarea(
            attrs={"rows": 5, "placeholder": "例：镇里工作群通知，每个村每天上传5张入户走访照片，收到请回复。"}
        ),
    )
    department = forms.ModelChoiceField(
        label="涉及部门", queryset=Unit.objects.none(), required=False, empty_label="（不清楚或不选）"
    )
    item_query = forms.CharField(label="搜索台账事项", required=False, max_length=100)
    item = forms.IntegerField(label="台账事项", required=False, widget=forms.HiddenInput)
    concerns_text = forms.CharField(label="涉及事项（自述）", required=False, max_length=300)
    happened_on = forms.DateField(label="发生日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    identity = forms.ChoiceField(label="身份方式", choices=Identity.choices, widget=forms.RadioSelect)
    unit = forms.ChoiceField(label="显示到哪一级单位", required=False)

    def __init__(self, *args, unit_choices=(), anonymous_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments()
        if anonymous_only:
            self.fields["identity"].choices = [(Identity.ANONYMOUS.value, Identity.ANONYMOUS.label)]
        self.fields["identity"].initial = Identity.ANONYMOUS
        units = list(unit_choices)
        self.fields["unit"].choices = [("", "不显示单位")] + [
            (str(u.pk), f"{u.name}（{u.get_kind_display()}）") for u in units
        ]
        # The privacy-friendly default: one level above the reporter's own unit when there is one.
        grassroots = [u for u in units if u.is_grassroots]
        if len(grassroots) > 1:
            self.fields["unit"].initial = str(grassroots[1].pk)
        elif grassroots:
            self.fields["unit"].initial = str(grassroots[0].pk)
        self._units = {str(u.pk): u for u in units}

    def clean_unit(self):
        value = self.cleaned_data.get("unit")
        if not value:
            return None
        unit = self._units.get(value)
        if unit is None:
            raise forms.ValidationError("所选单位不在可选范围内。")
        return unit

    def clean_happened_on(self):
        day = self.cleaned_data.get("happened_on")
        if day and day > timezone.localdate():
            raise forms.ValidationError(f"发生日期 {day:%Y-%m-%d} 晚于今天。")
        return day


class ReceiptForm(forms.Form):
    code = forms.CharField(
        label="回执码", max_length=40, widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"})
    )


class FeedbackForm(forms.Form):
    relief = forms.ChoiceField(label="负担是否真的减轻了", choices=Relief.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label="说明（可不填）", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class AssignForm(forms.Form):
    department = forms.ModelChoiceField(label="承办部门", queryset=Unit.objects.none())
    due_on = forms.DateField(label="整改期限", widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label="交办意见", required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments()
        self.fields["due_on"].initial = timezone.localdate() + dt.timedelta(days=10)


class MergeForm(forms.Form):
    target = forms.ModelChoiceField(label="合并到", queryset=BurdenReport.objects.none())

    def __init__(self, *args, report: BurdenReport, **kwargs):
        super().__init__(*args, **kwargs)
        # Open reports only: a duplicate joins a case still being handled.
        self.fields["target"].queryset = (
            BurdenReport.objects.exclude(pk=report.pk)
            .filter(status__in=(ReportStatus.NEW, ReportStatus.ASSIGNED, ReportStatus.ANSWERED))
            .select_related("unit")
            .order_by("-received_on")
        )
        self.fields["target"].label_from_instance = lambda r: (
            f"{r.ref} {r.get_burden_type_display()} {r.unit or ''} {r.received_on:%m-%d}"
        )

    def clean_target(self):
        return self.cleaned_data["target"]


class AnswerForm(forms.Form):
    answer = forms.CharField(label="整改情况", max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))


class VerifyForm(forms.Form):
    decision = forms.ChoiceField(
        label="核验结论", choices=[("close", "整改到位，办结"), ("back", "退回重办")], widget=forms.RadioSelect
    )
    note = forms.CharField(label="意见", required=False, max_length=500)


class ToItemForm(forms.Form):
    kind = forms.ChoiceField(label="事项类型", choices=Kind.choices)
    title = forms.CharField(label="事项标题", required=False, max_length=300)
    issuer = forms.ModelChoiceField(label="发起部门", queryset=Unit.objects.none(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuer"].queryset = departments()


class SurveyForm(forms.Form):
    month = forms.CharField(label="月份（如 2025-10）", max_length=7)
    hours_forms = forms.FloatField(
        label=f"{SURVEY_FIELDS['hours_forms']}（小时）", min_value=0, max_value=744, initial=0
    )
    hours_meetings = forms.FloatField(
        label=f"{SURVEY_FIELDS['hours_meetings']}（小时）", min_value=0, max_value=744, initial=0
    )
    hours_inspections = forms.FloatField(
        label=f"{SURVEY_FIELDS['hours_inspections']}（小时）", min_value=0, max_value=744, initial=0
    )
    hours_apps = forms.FloatField(label=f"{SURVEY_FIELDS['hours_apps']}（小时）", min_value=0, max_value=744, initial=0)
    comments = forms.CharField(
        label="意见建议", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_month(self):
        return parse_month(self.cleaned_data["month"])


def parse_month(text: str) -> dt.date:
    try:
        year, month = (int(p) for p in str(text).strip().split("-")[:2])
        return dt.date(year, month, 1)
    except (ValueError, TypeError):
        raise forms.ValidationError(f"月份“{text}”格式不对，应为 YYYY-MM，如 2025-10。") from None


class PointForm(forms.Form):
    unit = forms.ModelChoiceField(label="基层单位", queryset=Unit.objects.none())
    note = forms.CharField(label="说明", required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.grassroots().active().filter(monitoring_point__isnull=True)
