from django.contrib import admin

from jianfu.ledger.models import (
    BodyChange,
    CampusWhitelistEntry,
    CatalogField,
    CoordinationBody,
    Decision,
    DutyEntry,
    Item,
    ItemTarget,
    PlanEntry,
    Quota,
    Review,
    ReviewFinding,
)


class ItemTargetInline(admin.TabularInline):
    model = ItemTarget
    extra = 0
    fields = ["unit"]
    autocomplete_fields = ["unit"]


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "issuer", "date", "status", "is_upper_level"]
    list_filter = ["kind", "status", "is_upper_level", "year"]
    search_fields = ["title", "number", "ref"]
    date_hierarchy = "date"
    autocomplete_fields = ["issuer", "plan_entry", "merged_into", "coordination_body", "duty_entry", "whitelist_entry"]
    readonly_fields = [
        "latest_review",
        "decided_at",
        "decided_by",
        "submitted_at",
        "signed_off_by",
        "signed_off_at",
        "created_by",
        "created_at",
        "chars",
    ]
    inlines = [ItemTargetInline]
    list_select_related = ["issuer"]

    def has_change_permission(self, request, obj=None):
        # Status changes must go through the lifecycle services; the admin only views items.
        return False


@admin.register(PlanEntry)
class PlanEntryAdmin(admin.ModelAdmin):
    list_display = ["year", "unit", "kind", "title"]
    list_filter = ["year", "kind"]
    search_fields = ["title", "unit__name", "keywords"]
    autocomplete_fields = ["unit"]


@admin.register(Quota)
class QuotaAdmin(admin.ModelAdmin):
    list_display = ["year", "unit", "kind", "quota"]
    list_filter = ["year", "kind"]
    search_fields = ["unit__name"]
    autocomplete_fields = ["unit"]


class BodyChangeInline(admin.TabularInline):
    model = BodyChange
    extra = 0


@admin.register(CoordinationBody)
class CoordinationBodyAdmin(admin.ModelAdmin):
    list_display = ["name", "lead", "status", "changed_on"]
    list_filter = ["status"]
    search_fields = ["name"]
    inlines = [BodyChangeInline]


@admin.register(DutyEntry)
class DutyEntryAdmin(admin.ModelAdmin):
    list_display = ["matter", "responsible", "township_role"]
    search_fields = ["matter", "keywords"]


@admin.register(CampusWhitelistEntry)
class CampusWhitelistEntryAdmin(admin.ModelAdmin):
    list_display = ["year", "activity", "organizer", "per_semester"]
    list_filter = ["year"]
    search_fields = ["activity"]


@admin.register(CatalogField)
class CatalogFieldAdmin(admin.ModelAdmin):
    list_display = ["field", "synonyms", "owner", "system", "frequency"]
    search_fields = ["field", "synonyms"]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["item", "verdict", "created_at", "trigger"]
    list_filter = ["verdict"]
    raw_id_fields = ["item"]


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["item", "action", "by", "at"]
    list_filter = ["action"]
    raw_id_fields = ["item", "merge_target"]


@admin.register(ReviewFinding)
class ReviewFindingAdmin(admin.ModelAdmin):
    list_display = ["item", "code", "severity"]
    list_filter = ["code", "severity"]
    raw_id_fields = ["review", "item"]

    def has_change_permission(self, request, obj=None):
        return False
