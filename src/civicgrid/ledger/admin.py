from django.contrib import admin

from .models import LedgerEntry


@admin.register(LedgerEntry)
class LedgerEntryAdmin(admin.ModelAdmin):
    """Look, never touch: entries are appended by the services that exercise the power they record."""

    list_display = ["sequence", "recorded_at", "actor_label", "action", "target_type", "target_id"]
    list_filter = ["action"]
    search_fields = ["=target_id", "target_type"]
    date_hierarchy = "recorded_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
