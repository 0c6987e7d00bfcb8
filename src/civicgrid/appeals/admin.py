"""Admin for the catalogue, dispatch rules and deadlines; appeals are read-mostly here (their life goes
through the services, so that every change leaves an event and a ledger entry)."""

from django.contrib import admin

from .models import (
    Appeal,
    AppealAssignment,
    AppealEvent,
    Category,
    DeadlineOverride,
    DispatchRule,
    DispatchRuleVersion,
    Supervision,
)
from .services import save_dispatch_rule


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "parent", "sort_order", "is_active"]
    list_filter = ["level", "is_active"]
    search_fields = ["name"]
    list_editable = ["sort_order", "is_active"]
    autocomplete_fields = ["parent"]


@admin.register(DeadlineOverride)
class DeadlineOverrideAdmin(admin.ModelAdmin):
    list_display = ["category", "urgency", "sign_working_hours", "contact_hours", "resolve_working_days"]
    list_filter = ["urgency"]
    search_fields = ["category__name"]
    autocomplete_fields = ["category"]


class DispatchRuleVersionInline(ReadOnlyInline):
    model = DispatchRuleVersion
    fields = [
        "version",
        "category_id",
        "grid_id",
        "compound_id",
        "unit_id",
        "is_active",
        "changed_by",
        "changed_at",
    ]
    readonly_fields = fields


@admin.register(DispatchRule)
class DispatchRuleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "category", "grid", "compound", "unit", "is_active", "version", "updated_at"]
    list_filter = ["is_active", "unit__kind"]
    search_fields = ["unit__name", "category__name", "grid__name", "compound__name"]
    autocomplete_fields = ["category", "grid", "compound", "unit"]
    inlines = [DispatchRuleVersionInline]

    def save_model(self, request, obj, form, change) -> None:
        # Through the service, so the change is versioned and ledgered; a rule is retired, never deleted.
        data = form.cleaned_data
        saved = save_dispatch_rule(
            actor=request.user,
            rule=obj if change else None,
            unit=data["unit"],
            category=data.get("category"),
            grid=data.get("grid"),
            compound=data.get("compound"),
            is_active=data.get("is_active", True),
        )
        obj.pk, obj.version = saved.pk, saved.version

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class AppealEventInline(ReadOnlyInline):
    model = AppealEvent
    fields = ["at", "action", "actor", "from_status", "to_status", "note", "data"]
    readonly_fields = fields


class AppealAssignmentInline(ReadOnlyInline):
    model = AppealAssignment
    fields = ["unit", "role", "assigned_at", "sign_due", "signed_at", "ended_at", "is_active"]
    readonly_fields = fields


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin):
    list_display = [
        "tracking_code",
        "title",
        "channel",
        "kind",
        "status",
        "due_state",
        "main_unit",
        "received_at",
    ]
    list_filter = ["status", "due_state", "channel", "kind", "urgency", "is_supervised"]
    search_fields = ["tracking_code", "title", "external_id"]
    date_hierarchy = "received_at"
    inlines = [AppealAssignmentInline, AppealEventInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Supervision)
class SupervisionAdmin(admin.ModelAdmin):
    list_display = ["appeal", "reason", "is_automatic", "opened_by", "opened_at", "closed_at"]
    list_filter = ["is_automatic"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
