from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """For rows the app writes through its services (which keep the audit trail):
    the admin shows them but never adds, changes or deletes them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
