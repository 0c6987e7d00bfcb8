"""Back office (Django admin, in Chinese under zh-hans) for units, people, accounts and their roles."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm

from .models import Account, Person, Role, RoleAssignment, Unit
from .services import assign_role, revoke_role

SCOPE_RULE = "除系统管理员外，每个角色必须限定到一个网格或一个单位；系统管理员不限范围，两者都不填。"


class RoleAssignmentForm(forms.ModelForm):
    """A role is granted or revoked, never edited in place, so the ledger's history of grants stays true."""

    class Meta:
        model = RoleAssignment
        fields = ["account", "role", "grid", "unit"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for field in self.fields.values():
                field.disabled = True

    def clean(self):
        cleaned = super().clean()
        role, grid, unit = cleaned.get("role"), cleaned.get("grid"), cleaned.get("unit")
        # The database constraint says the same; this puts it in words next to the fields.
        scoped = grid is not None or unit is not None
        if role and (role == Role.ADMINISTRATOR) == scoped:
            raise forms.ValidationError(SCOPE_RULE)
        return cleaned


def grant(request, assignment: RoleAssignment) -> RoleAssignment:
    return assign_role(
        account=assignment.account,
        role=assignment.role,
        grid=assignment.grid,
        unit=assignment.unit,
        actor=request.user,
    )


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    form = RoleAssignmentForm
    fields = ["role", "grid", "unit", "granted_at"]
    readonly_fields = ["granted_at"]
    raw_id_fields = ["grid"]
    autocomplete_fields = ["unit"]
    extra = 0


class AccountCreationForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = Account
        fields = ["username", "person"]


class AccountChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = Account


@admin.register(Account)
class AccountAdmin(UserAdmin):
    add_form = AccountCreationForm
    form = AccountChangeForm
    inlines = [RoleAssignmentInline]
    list_display = ["username", "person", "is_active", "must_change_password", "last_login", "is_staff"]
    list_filter = ["is_active", "must_change_password", "is_staff", "roles__role"]
    search_fields = ["username", "person__name", "person__phone"]
    list_select_related = ["person"]
    autocomplete_fields = ["person"]
    readonly_fields = ["last_login", "date_joined", "password_changed_at"]
    fieldsets = [
        (None, {"fields": ["username", "password", "person"]}),
        ("密码策略", {"fields": ["must_change_password", "password_changed_at"]}),
        ("权限", {"fields": ["is_active", "is_staff", "is_superuser"]}),
        ("重要日期", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["username", "person", "password1", "password2"],
                "description": "新账号首次登录时须修改密码。",
            },
        )
    ]

    def save_formset(self, request, form, formset, change):
        if formset.model is not RoleAssignment:
            return super().save_formset(request, form, formset, change)
        # Through the services, so grants and revocations reach the ledger and the staff flags.
        formset.save(commit=False)
        for assignment in formset.deleted_objects:
            revoke_role(assignment=assignment, actor=request.user)
        for assignment in formset.new_objects:
            grant(request, assignment)
        return None


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    form = RoleAssignmentForm
    list_display = ["account", "role", "grid", "unit", "granted_at"]
    list_filter = ["role", "unit__kind"]
    search_fields = ["account__username", "account__person__name", "grid__name", "unit__name"]
    list_select_related = ["account__person", "grid", "unit"]
    raw_id_fields = ["grid"]
    autocomplete_fields = ["account", "unit"]

    def save_model(self, request, obj, form, change):
        if not change:
            granted = grant(request, obj)
            # The admin goes on with `obj` (log entry, redirect): make it the granted row.
            obj.pk, obj.granted_at = granted.pk, granted.granted_at

    def delete_model(self, request, obj):
        revoke_role(assignment=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for assignment in queryset:
            revoke_role(assignment=assignment, actor=request.user)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "grid", "phone", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "credit_code"]
    list_select_related = ["grid"]
    raw_id_fields = ["grid"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "phone", "unit", "home_grid", "created_at"]
    list_filter = ["unit__kind"]
    search_fields = ["name", "phone"]
    list_select_related = ["unit", "home_grid"]
    raw_id_fields = ["home_grid", "household"]
    autocomplete_fields = ["unit"]
