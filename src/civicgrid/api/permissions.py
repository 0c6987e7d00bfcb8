"""What a request may do beyond being authenticated: a key needs the scope its client was granted for the
kind of call (read, submit, handle, admin); a signed-in person is limited by roles alone (the services and
selectors check those)."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from .models import ApiKey, ApiScope


def required_scope(request, view) -> str:
    """Reads need `read`; a write needs what the view declares for its action (`write_scopes`) or for all
    its writes (`write_scope`), else `handle`."""
    if request.method in SAFE_METHODS:
        return ApiScope.READ
    default = getattr(view, "write_scope", ApiScope.HANDLE)
    return getattr(view, "write_scopes", {}).get(getattr(view, "action", None), default)


class KeyScopePermission(BasePermission):
    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        if not isinstance(request.auth, ApiKey):
            return True
        scope = required_scope(request, view)
        self.message = f"该 API 密钥没有“{ApiScope(scope).label}”（{scope}）权限。"
        return request.auth.client.allows(scope)
