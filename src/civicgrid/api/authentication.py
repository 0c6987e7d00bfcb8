"""API keys: `Authorization: Api-Key <token>` or `X-Api-Key: <token>`. The key acts as its client's service
account, so the account's role assignments are the data scope of every request made with it."""

from rest_framework import authentication, exceptions

from .models import ApiKey
from .selectors import api_key_by_token

KEYWORD = "Api-Key"


def presented_token(request) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    keyword, _, token = header.partition(" ")
    if keyword == KEYWORD:
        return token.strip()
    return request.META.get("HTTP_X_API_KEY") or None


def key_user(token: str) -> tuple[object, ApiKey]:
    """(acting account, key) for a token, or AuthenticationFailed saying why not."""
    key = api_key_by_token(token)
    if key is None:
        raise exceptions.AuthenticationFailed("API 密钥无效。")
    if not key.is_active:
        raise exceptions.AuthenticationFailed("API 密钥已吊销或其应用已停用。")
    if not key.client.account.is_active:
        raise exceptions.AuthenticationFailed("API 密钥的服务账号已停用。")
    return key.client.account, key


class ApiKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        token = presented_token(request)
        return None if token is None else key_user(token)

    def authenticate_header(self, request) -> str:
        return KEYWORD
