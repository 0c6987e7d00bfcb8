"""Admin for client applications and their keys. Clients are created and changed through the services (so
each change reaches the ledger); a key's token is shown once, on the page that issues it, and stored
nowhere (not in a message, which would put it in a cookie)."""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse

from .models import ApiClient, ApiKey, ApiKeyUse, ApiScope
from .services import ApiClientError, create_api_client, issue_api_key, revoke_api_key, update_api_client


class ApiClientForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label="权限", choices=ApiScope.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ApiClient
        fields = ["name", "owner", "account", "scopes", "channel", "rate_limit_per_minute", "is_active"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    form = ApiClientForm
    list_display = ["name", "account", "owner", "scopes", "channel", "rate_limit_per_minute", "is_active"]
    list_filter = ["is_active", "channel"]
    search_fields = ["name"]
    autocomplete_fields = ["owner", "account"]
    actions = ["issue_key"]

    def get_readonly_fields(self, request, obj=None):
        # The service account is the client's identity in the ledger; a new identity is a new client.
        return ["name", "account"] if obj else []

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        terms = {
            "scopes": data["scopes"],
            "channel": data["channel"],
            "rate_limit_per_minute": data["rate_limit_per_minute"],
        }
        try:
            if change:
                update_api_client(obj, actor=request.user, is_active=data["is_active"], **terms)
            else:
                obj.pk = create_api_client(
                    name=data["name"],
                    owner=data["owner"],
                    account=data["account"],
                    actor=request.user,
                    **terms,
                ).pk
        except ApiClientError as error:
            self.message_user(request, str(error), messages.ERROR)

    @admin.action(description="为所选应用签发新密钥")
    def issue_key(self, request, queryset):
        issued = [issue_api_key(client=client, actor=request.user) for client in queryset]
        context = {
            **self.admin_site.each_context(request),
            "title": "新密钥（只显示这一次）",
            "issued": issued,
        }
        return TemplateResponse(request, "admin/api/keys_issued.html", context)


@admin.register(ApiKey)
class ApiKeyAdmin(ReadOnlyAdmin):
    list_display = ["prefix", "client", "created_by", "created_at", "revoked_at", "last_used_at"]
    list_filter = ["client"]
    search_fields = ["prefix", "client__name"]
    actions = ["revoke"]

    @admin.action(description="吊销所选密钥")
    def revoke(self, request, queryset):
        revoked = 0
        for key in queryset.filter(revoked_at__isnull=True):
            revoke_api_key(key=key, actor=request.user)
            revoked += 1
        self.message_user(request, f"已吊销 {revoked} 个密钥。", messages.SUCCESS)

    def has_change_permission(self, request, obj=None) -> bool:
        # The changelist's actions need change permission; the form itself shows no editable field.
        return request.user.is_superuser

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in ApiKey._meta.fields]


@admin.register(ApiKeyUse)
class ApiKeyUseAdmin(ReadOnlyAdmin):
    list_display = ["at", "key", "method", "path", "status", "ip"]
    list_filter = ["method", "status"]
    search_fields = ["key__prefix", "path", "ip"]
    date_hierarchy = "at"
