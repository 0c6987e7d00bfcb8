from django.contrib import admin

from .models import ServiceRequest


@admin.register(ServiceRequest)
class ServiceRequestAdmin(admin.ModelAdmin):
    """Read-only: a service request is written once, by the Open311 endpoint."""

    list_display = ["appeal", "client", "submitted_at", "media_url"]
    list_filter = ["client"]
    search_fields = ["appeal__tracking_code", "token"]
    readonly_fields = [f.name for f in ServiceRequest._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
