"""Open311 GeoReport v2 under /open311/v2/, in JSON and XML. Keys, scopes, rate limits, the error
translation and the record of key use are the REST API's (civicgrid.api.base); errors take the
specification's shape, `[{"code": 400, "description": "..."}]`, and a missing or bad key is a 403 as the
specification says."""

from django.core.paginator import Paginator
from django.urls import reverse
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import SAFE_METHODS
from rest_framework.views import APIView

from civicgrid.api.authentication import ApiKeyAuthentication, key_user, presented_token
from civicgrid.api.base import ApiEndpoint
from civicgrid.api.errors import api_error
from civicgrid.api.idempotency import external_id_for
from civicgrid.api.models import ApiKey, ApiScope
from civicgrid.api.parsers import BoundedJSONParser
from civicgrid.api.permissions import KeyScopePermission

from . import georeport
from .formats import CONTENT_TYPES, rendered
from .selectors import (
    request_with_token,
    requests_for,
    requests_matching,
    requests_with_ids,
    service_categories,
    service_category,
)
from .serializers import RequestQuerySerializer, ServiceRequestSerializer
from .services import submit_service_request

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-23T00:00:00+08:00"
# Accepted as the specification allows, but with nothing to store: the platform is one jurisdiction and
# has no address registry for address_id.
UNSTORED_FIELDS = frozenset({"jurisdiction_id", "address_id"})


class Open311KeyAuthentication(ApiKeyAuthentication):
    """The specification's `api_key` parameter (query or form), or the REST API's headers."""

    def authenticate(self, request):
        body = request.data if request.method not in SAFE_METHODS else {}
        token = (
            (body.get("api_key") if isinstance(body, dict) else None)
            or request.query_params.get("api_key")
            or presented_token(request)
        )
        return key_user(str(token)) if token else None


class Open311Permission(KeyScopePermission):
    """Anyone may read; submitting needs a key with the submit scope."""

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or super().has_permission(request, view)


def open311_exception_handler(exc, context):
    error = api_error(exc)
    if error is None:
        return None
    status = 403 if error.status == 401 else error.status
    fmt = context["kwargs"].get("fmt", "json")
    return rendered(fmt, "errors", [{"code": status, "description": error.detail}], status, error.headers)


class Open311Endpoint(ApiEndpoint, APIView):
    authentication_classes = [Open311KeyAuthentication]
    # The specification's POST is a form; JSON is accepted too.
    parser_classes = [BoundedJSONParser, FormParser, MultiPartParser]
    permission_classes = [Open311Permission]
    schema = None  # GeoReport v2 is its own specification, not part of the REST API's OpenAPI document.
    write_scope = ApiScope.SUBMIT

    def get_exception_handler(self):
        return open311_exception_handler

    def reader(self):
        """The account whose scope a read covers: the key's, if it may read; otherwise the public's."""
        key = self.request.auth
        return key.client.account if isinstance(key, ApiKey) and key.client.allows(ApiScope.READ) else None


class DiscoveryView(Open311Endpoint):
    def get(self, request, fmt):
        base = request.build_absolute_uri(reverse("open311:discovery", kwargs={"fmt": fmt})).rsplit("/", 1)[0]
        return rendered(
            fmt,
            "discovery",
            {
                "changeset": CHANGESET,
                "contact": "civicgrid 12345 接诉即办平台",
                "key_service": "向平台管理员申请 API 密钥（需 submit 权限）",
                "endpoints": [
                    {
                        "specification": SPECIFICATION,
                        "url": base,
                        "changeset": CHANGESET,
                        "type": "production",
                        "formats": list(CONTENT_TYPES.values()),
                    }
                ],
            },
        )


class ServiceListView(Open311Endpoint):
    def get(self, request, fmt):
        services = [georeport.service_entry(category) for category in service_categories()]
        return rendered(fmt, "services", services)


class ServiceDefinitionView(Open311Endpoint):
    def get(self, request, code, fmt):
        category = service_category(code)
        if category is None:
            raise NotFound(f"服务代码“{code}”不存在。")
        return rendered(fmt, "service_definition", georeport.service_definition(category))


class RequestListView(Open311Endpoint):
    def get(self, request, fmt):
        criteria = _validated(RequestQuerySerializer, request.query_params)
        appeals = requests_for(self.reader())
        if criteria["ids"]:
            # The specification: a list of ids overrides every other filter.
            appeals = requests_with_ids(appeals, criteria["ids"])
        else:
            appeals = requests_matching(
                appeals,
                start=criteria["start"],
                end=criteria["end"],
                service_codes=criteria["service_codes"],
                statuses=criteria["statuses"],
            )
        page = Paginator(appeals, criteria["page_size"]).get_page(criteria["page"])
        headers = {"X-Total-Count": str(page.paginator.count)}
        return rendered(fmt, "service_requests", [georeport.public_request(a) for a in page], headers=headers)

    def post(self, request, fmt):
        fields = _validated(ServiceRequestSerializer, request.data)
        submission, created = submit_service_request(
            key=request.auth,
            service=fields.pop("service_code"),
            external_id=external_id_for(request, fields.pop("external_id")),
            lng=fields.pop("long", None),
            **{name: value for name, value in fields.items() if name not in UNSTORED_FIELDS},
        )
        body = [
            {
                "service_request_id": str(submission.appeal_id),
                "token": submission.token,
                "service_notice": "诉求已受理，将按时限办理。",
                "account_id": submission.account_id or None,
            }
        ]
        return rendered(fmt, "service_requests", body, 201 if created else 200)


class RequestView(Open311Endpoint):
    def get(self, request, pk, fmt):
        appeal = requests_for(self.reader()).filter(pk=int(pk)).first()
        if appeal is None:
            raise NotFound(f"请求“{pk}”不存在。")
        return rendered(fmt, "service_requests", [georeport.public_request(appeal)])


class TokenView(Open311Endpoint):
    def get(self, request, token, fmt):
        submission = request_with_token(token)
        if submission is None:
            raise NotFound("令牌不存在。")
        return rendered(
            fmt, "service_requests", [{"service_request_id": str(submission.appeal_id), "token": token}]
        )


def _validated(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
