from django.contrib import admin

from jianfu.org.admin_base import ReadOnlyAdmin
from jianfu.web.models import Notification


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "kind", "message", "read_at"]
    list_filter = ["kind"]
