from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from jianfu.org.admin_base import ReadOnlyAdmin
from jianfu.org.models import AuditEvent, RoleGrant, Setting, TotpDevice, Unit, UnitAlias, User


class UnitAliasInline(admin.TabularInline):
    model = UnitAlias
    extra = 0


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "aliases__alias"]
    autocomplete_fields = ["parent"]
    inlines = [UnitAliasInline]


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "unit", "is_active"]
    search_fields = ["username", "display_name", "unit__name"]
    autocomplete_fields = ["unit"]
    inlines = [RoleGrantInline]
    fieldsets = BaseUserAdmin.fieldsets + (("单位", {"fields": ["display_name", "unit", "must_change_password"]}),)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The audit trail cannot be edited from the app."""

    list_display = ["at", "actor", "action", "target_type", "target_id", "summary"]
    list_filter = ["action", "target_type"]
    search_fields = ["summary", "target_id"]


@admin.register(TotpDevice)
class TotpDeviceAdmin(ReadOnlyAdmin):
    list_display = ["user", "confirmed_at", "created_at"]
    exclude = ["secret"]  # the second factor's secret never leaves the database


@admin.register(Setting)
class SettingAdmin(admin.ModelAdmin):
    list_display = ["key", "value", "note", "updated_at"]
    search_fields = ["key", "note"]
