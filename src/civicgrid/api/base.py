"""What every open-API view shares, REST and Open311 alike: API keys or the browser session, key scopes,
rate limits, bounded bodies, the error shape, the OpenAPI details, and a record of every answer given to a
key (ApiKeyUse), whatever its status."""

from rest_framework.authentication import SessionAuthentication

from .authentication import ApiKeyAuthentication
from .errors import rest_exception_handler
from .models import ApiKey
from .pagination import ApiPagination
from .parsers import BoundedJSONParser
from .permissions import KeyScopePermission
from .schema import ApiAutoSchema
from .services import record_key_use
from .throttling import AnonRateThrottle, ApiKeyRateThrottle, SignedInRateThrottle


class ApiEndpoint:
    authentication_classes = [ApiKeyAuthentication, SessionAuthentication]
    permission_classes = [KeyScopePermission]
    throttle_classes = [ApiKeyRateThrottle, SignedInRateThrottle, AnonRateThrottle]
    parser_classes = [BoundedJSONParser]
    pagination_class = ApiPagination
    schema = ApiAutoSchema()

    def get_exception_handler(self):
        return rest_exception_handler

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # `_auth` exists only once authentication ran; reading `auth` here could run it again and raise.
        key = getattr(request, "_auth", None)
        if isinstance(key, ApiKey):
            record_key_use(
                key=key,
                method=request.method,
                path=request.path,
                status=response.status_code,
                ip=request.META.get("REMOTE_ADDR"),
            )
        return response
