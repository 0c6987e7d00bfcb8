"""One translation of every refusal into an HTTP status, a stable code for programs and a Chinese message for
people. The REST API and Open311 render the same `ApiError` in their own shapes.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response

from civicgrid.appeals.errors import AppealError, WorkflowError

# WorkflowError codes that say who may act rather than what state the appeal is in.
FORBIDDEN_WORKFLOW_CODES = frozenset({"forbidden_role", "out_of_scope"})

# DRF's own refusals: (code, message); the status comes from the exception.
DRF_MESSAGES: dict[type[exceptions.APIException], tuple[str, str]] = {
    exceptions.ParseError: ("malformed_body", "请求体格式错误，无法解析。"),
    exceptions.AuthenticationFailed: ("authentication_failed", "身份验证失败：API 密钥无效或已吊销。"),
    exceptions.NotAuthenticated: ("not_authenticated", "请先登录，或提供有效的 API 密钥。"),
    exceptions.PermissionDenied: ("permission_denied", "您没有执行该操作的权限。"),
    exceptions.NotFound: ("not_found", "未找到该对象，或它不在您的数据范围内。"),
    exceptions.MethodNotAllowed: ("method_not_allowed", "不支持该请求方法。"),
    exceptions.NotAcceptable: ("not_acceptable", "无法提供所请求的响应格式。"),
    exceptions.UnsupportedMediaType: ("unsupported_media_type", "不支持该请求体类型，请使用 JSON 或表单。"),
}


# Refusals whose message a view, permission or authenticator may word itself (which key, which object);
# DRF's other messages embed English text (a JSON parser's complaint) and are replaced by ours.
OWN_WORDS = (exceptions.AuthenticationFailed, exceptions.PermissionDenied, exceptions.NotFound)


@dataclass(frozen=True)
class ApiError:
    status: int
    code: str
    detail: str
    fields: dict | None = None
    headers: dict[str, str] = field(default_factory=dict)


def api_error(exc: Exception) -> ApiError | None:
    """The ApiError for an exception, or None for a fault of the platform itself (left to answer 500)."""
    if isinstance(exc, AppealError):
        if isinstance(exc, WorkflowError):
            return ApiError(403 if exc.code in FORBIDDEN_WORKFLOW_CODES else 409, exc.code, exc.message)
        return ApiError(400, exc.code, exc.message)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024
        return ApiError(413, "body_too_large", f"请求体过大，上限为 {limit} KB。")
    elif isinstance(exc, SuspiciousOperation):
        return ApiError(400, "bad_request", "请求不合法（字段过多或格式异常）。")
    if not isinstance(exc, exceptions.APIException):
        return None
    if isinstance(exc, exceptions.ValidationError):
        return ApiError(
            400,
            "invalid",
            _first_message(exc.detail),
            fields=exc.detail if isinstance(exc.detail, dict) else None,
        )
    if isinstance(exc, exceptions.Throttled):
        wait = max(1, round(exc.wait or 1))
        return ApiError(
            429, "throttled", f"请求过于频繁，请 {wait} 秒后再试。", headers={"Retry-After": str(wait)}
        )
    code, message = DRF_MESSAGES.get(type(exc), (exc.default_code, str(exc.detail)))
    if isinstance(exc, OWN_WORDS) and _is_custom(exc):
        message = str(exc.detail)
    return ApiError(exc.status_code, code, message, headers=_auth_headers(exc))


def _is_custom(exc: exceptions.APIException) -> bool:
    """A message a view or permission chose itself, which says more than the generic one."""
    return str(exc.detail) != str(exc.default_detail)


def _auth_headers(exc: exceptions.APIException) -> dict[str, str]:
    authenticate = getattr(exc, "auth_header", None)
    return {"WWW-Authenticate": authenticate} if authenticate else {}


def _first_message(detail) -> str:
    if isinstance(detail, dict):
        name, value = next(iter(detail.items()), ("", ""))
        message = _first_message(value)
        return message if name in ("non_field_errors", "") else f"{name}：{message}"
    if isinstance(detail, list):
        return _first_message(detail[0]) if detail else "输入无效。"
    return str(detail)


def rest_exception_handler(exc: Exception, context: dict) -> Response | None:
    """The REST API's errors: `{"code": ..., "detail": ..., "fields": {...}}`."""
    error = api_error(exc)
    if error is None:
        return None
    body = {"code": error.code, "detail": error.detail}
    if error.fields:
        body["fields"] = error.fields
    return Response(body, status=error.status, headers=error.headers)
