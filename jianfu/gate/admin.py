from django.contrib import admin

from jianfu.gate.models import LexiconEntry
from jianfu.org.admin_base import ReadOnlyAdmin


@admin.register(LexiconEntry)
class LexiconEntryAdmin(ReadOnlyAdmin):
    """Edited on the lexicon page (清单 → 审核词库), which keeps the audit trail."""

    list_display = ["code", "phrase", "note", "is_active", "updated_at"]
    list_filter = ["code", "is_active"]
    search_fields = ["phrase", "note"]
