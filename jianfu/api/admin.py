from django.contrib import admin

from jianfu.api.models import ApiToken
from jianfu.org.admin_base import ReadOnlyAdmin


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Issued and revoked on the token page; only the hash is stored."""

    list_display = ["name", "user", "unit", "scope", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["scope"]
    exclude = ["key_hash"]
