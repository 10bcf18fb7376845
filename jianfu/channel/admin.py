from django.contrib import admin

from jianfu.channel.models import BurdenReport, MonitoringPoint, PointSurvey, ReportAttachment, ReportStep
from jianfu.org.admin_base import ReadOnlyAdmin


@admin.register(MonitoringPoint)
class MonitoringPointAdmin(ReadOnlyAdmin):
    list_display = ["unit", "since", "is_active"]
    list_filter = ["is_active"]
    exclude = ["link_token"]  # the link is a credential


@admin.register(PointSurvey)
class PointSurveyAdmin(ReadOnlyAdmin):
    list_display = ["point", "month", "hours_forms", "hours_meetings", "hours_inspections", "hours_apps"]


@admin.register(BurdenReport)
class BurdenReportAdmin(ReadOnlyAdmin):
    """The reporter of a confidential report is shown only in the channel's own pages,
    to the office; the admin never shows who filed a report."""

    list_display = ["received_on", "burden_type", "unit", "department", "status", "due_on"]
    list_filter = ["status", "burden_type"]
    exclude = ["reporter", "receipt_hash"]


@admin.register(ReportStep)
class ReportStepAdmin(ReadOnlyAdmin):
    list_display = ["report", "kind", "on"]


@admin.register(ReportAttachment)
class ReportAttachmentAdmin(ReadOnlyAdmin):
    list_display = ["report", "role", "display_name", "content_type", "size"]
