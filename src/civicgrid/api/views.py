"""The REST API, /api/v1/. Lists and objects come from the domain selectors, so a caller sees exactly what
the same account sees in the UI (outside that scope an object answers 404); every change goes through the
domain services, which check state, role and reach."""

from collections.abc import Callable
from dataclasses import asdict

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from civicgrid.appeals import services as appeal_services
from civicgrid.appeals.errors import WorkflowError
from civicgrid.appeals.models import Appeal, Channel
from civicgrid.appeals.selectors import appeal_timeline, appeals_for, attachment_of, notifications_for
from civicgrid.directory.selectors import units_for
from civicgrid.grid.selectors import compounds_for, grids_for

from . import serializers as s
from .base import ApiEndpoint
from .idempotency import external_id_for
from .models import ApiKey, ApiScope
from .parsers import BoundedJSONParser
from .selectors import (
    CATALOGUE_LOOKUPS,
    ID,
    categories,
    dispatch_rules_for,
    filtered_appeals,
    latest_summons_of,
    narrowed,
    pending_extension_of,
    scores_for,
    summons_awaiting,
    warnings_for,
)
from .services import submit_appeal_once

JSON, MULTIPART = "application/json", "multipart/form-data"


def validated(serializer_class: type[serializers.Serializer], data, request) -> dict:
    """Query parameters or a body, validated (400 with the field's message otherwise)."""
    serializer = serializer_class(data=data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class ReadableViewSet(ApiEndpoint, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A resource read through a scoped selector, `selector(actor)`; `get_object` looks the id up in it, so
    an object outside the scope is a 404. `filters` validates the list's query parameters."""

    # Any path segment reaches the view, so a malformed id is this API's 404, not Django's HTML page.
    lookup_value_regex = r"[^/]+"
    selector: Callable
    filters: type[serializers.Serializer] | None = None

    def get_queryset(self):
        return type(self).selector(self.request.user)

    def get_object(self):
        if not ID.fullmatch(self.kwargs["pk"]):
            raise NotFound
        return super().get_object()

    def filter_queryset(self, queryset):
        if self.action != "list" or self.filters is None:
            return queryset
        return self.narrow(queryset, validated(self.filters, self.request.query_params.dict(), self.request))

    def narrow(self, queryset, criteria: dict):
        return narrowed(queryset, criteria, CATALOGUE_LOOKUPS)


@extend_schema_view(list=extend_schema(parameters=[s.CategoryFilterSerializer]))
class CategoryViewSet(ReadableViewSet):
    """The category catalogue (一级/二级/三级分类), the same for every caller."""

    selector = staticmethod(lambda actor: categories())
    serializer_class = s.CategorySerializer
    filters = s.CategoryFilterSerializer


@extend_schema_view(list=extend_schema(parameters=[s.NotificationFilterSerializer]))
class NotificationViewSet(ReadableViewSet):
    """The caller's notifications and his units' (督办, deadlines, 吹哨, 改派 …), newest first. Marking one
    read marks it for the unit's whole staff, as on the screens; a key with `read` may do it."""

    selector = staticmethod(notifications_for)
    serializer_class = s.NotificationSerializer
    filters = s.NotificationFilterSerializer
    write_scope = ApiScope.READ

    def narrow(self, queryset, criteria: dict):
        unread = criteria.get("unread")
        return queryset if unread is None else queryset.filter(read_at__isnull=unread)

    @extend_schema(request=None, responses=s.NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = self.get_object()
        appeal_services.mark_notifications_read(request.user, [notification.pk])
        notification.refresh_from_db()
        return Response(s.NotificationSerializer(notification).data)

    @extend_schema(request=None, responses=s.MarkedSerializer)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": appeal_services.mark_notifications_read(request.user)})


@extend_schema_view(list=extend_schema(parameters=[s.UnitFilterSerializer]))
class UnitViewSet(ReadableViewSet):
    selector = staticmethod(units_for)
    serializer_class = s.UnitSerializer
    filters = s.UnitFilterSerializer


@extend_schema_view(
    list=extend_schema(parameters=[s.GridFilterSerializer]),
    retrieve=extend_schema(responses=s.GridDetailSerializer),
)
class GridViewSet(ReadableViewSet):
    selector = staticmethod(grids_for)
    serializer_class = s.GridSerializer
    filters = s.GridFilterSerializer

    def get_serializer_class(self):
        # Boundaries are large; only one grid at a time carries its own.
        return s.GridDetailSerializer if self.action == "retrieve" else s.GridSerializer


@extend_schema_view(list=extend_schema(parameters=[s.CompoundFilterSerializer]))
class CompoundViewSet(ReadableViewSet):
    selector = staticmethod(compounds_for)
    serializer_class = s.CompoundSerializer
    filters = s.CompoundFilterSerializer


class DispatchRuleViewSet(ReadableViewSet, mixins.CreateModelMixin, mixins.UpdateModelMixin):
    """Dispatch rules (派单规则): read by administrators and routing roles, written by administrators."""

    selector = staticmethod(dispatch_rules_for)
    serializer_class = s.DispatchRuleSerializer
    write_scopes = {"create": ApiScope.ADMIN, "update": ApiScope.ADMIN, "partial_update": ApiScope.ADMIN}
    http_method_names = ["get", "post", "put", "head", "options"]

    @extend_schema(request=s.DispatchRuleWriteSerializer, responses={201: s.DispatchRuleSerializer})
    def create(self, request):
        rule = appeal_services.save_dispatch_rule(
            actor=request.user, **validated(s.DispatchRuleWriteSerializer, request.data, request)
        )
        return Response(s.DispatchRuleSerializer(rule).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.DispatchRuleWriteSerializer, responses=s.DispatchRuleSerializer)
    def update(self, request, pk=None):
        rule = appeal_services.save_dispatch_rule(
            actor=request.user,
            rule=self.get_object(),
            **validated(s.DispatchRuleWriteSerializer, request.data, request),
        )
        return Response(s.DispatchRuleSerializer(rule).data)


# --- appeals -------------------------------------------------------------------------------------------


def decide_pending_extension(appeal: Appeal, *, actor, approve: bool, note: str):
    extension = pending_extension_of(appeal)
    if extension is None:
        raise WorkflowError("no_pending_extension", "该诉求没有待审批的延期申请。")
    return appeal_services.decide_extension(extension, actor=actor, approve=approve, note=note)


def report_arrival_of_callers_unit(appeal: Appeal, *, actor, action_taken: str):
    summons = summons_awaiting(appeal, actor)
    if summons is None:
        raise WorkflowError("not_summoned", "您的单位没有该诉求待报到的吹哨召集。")
    return appeal_services.report_arrival(summons, actor=actor, action_taken=action_taken)


def rate_summoned_unit(appeal: Appeal, *, actor, unit, rating: int, note: str):
    summons = latest_summons_of(appeal, unit)
    if summons is None:
        raise WorkflowError("not_summoned", f"“{unit}”未被召集处置该诉求。")
    return appeal_services.rate_whistle_response(summons, actor=actor, rating=rating, note=note)


def amend_what_is_given(appeal: Appeal, *, actor, reason: str, **given):
    """更正 with what the body names; the rest stays as the appeal has it (see AmendSerializer)."""
    given.setdefault("category", appeal.category)
    if "grid" not in given and "compound" not in given:
        given.update(grid=appeal.grid, compound=appeal.compound)
    return appeal_services.amend_appeal(appeal, actor=actor, reason=reason, **given)


# url path → (input, service). Each service is called as service(appeal, actor=..., **validated input).
WORKFLOW_ACTIONS: dict[str, tuple[type[serializers.Serializer], Callable]] = {
    "dispatch": (s.DispatchSerializer, appeal_services.dispatch_appeal),
    "redispatch": (s.RedispatchSerializer, appeal_services.redispatch_appeal),
    "amend": (s.AmendSerializer, amend_what_is_given),
    "sign": (s.NoteSerializer, appeal_services.sign_appeal),
    "return": (s.ReasonSerializer, appeal_services.return_appeal),
    "first-contact": (s.NoteSerializer, appeal_services.record_first_contact),
    "request-extension": (s.ExtensionRequestSerializer, appeal_services.request_extension),
    "decide-extension": (s.ExtensionDecisionSerializer, decide_pending_extension),
    "resolve": (s.ResolveSerializer, appeal_services.resolve_appeal),
    "callback": (s.CallbackSerializer, appeal_services.record_callback),
    "close": (s.NoteSerializer, appeal_services.close_appeal),
    "supervise": (s.ReasonSerializer, appeal_services.supervise_appeal),
    "merge": (s.MergeSerializer, appeal_services.merge_appeal),
    "whistle": (s.WhistleSerializer, appeal_services.blow_whistle),
    "report-arrival": (s.ArrivalSerializer, report_arrival_of_callers_unit),
    "rate-whistle": (s.WhistleRatingSerializer, rate_summoned_unit),
}


# Actions whose body may carry files.
WITH_FILES = {"resolve"}


def workflow_action(path: str):
    """The endpoint POST /appeals/{id}/<path>/: validate, call the service, answer the appeal as it is now."""
    input_serializer, service = WORKFLOW_ACTIONS[path]

    def perform(self, request, pk=None):
        appeal = self.get_object()
        service(appeal, actor=request.user, **validated(input_serializer, request.data, request))
        appeal.refresh_from_db()
        return Response(s.AppealDetailSerializer(appeal, context=self.get_serializer_context()).data)

    # DRF routes an action by its function's name, which must be the attribute it is bound to (see
    # AppealViewSet), so the name is set before @action reads it.
    perform.__name__ = f"{path.replace('-', '_')}_action"
    routed = action(detail=True, methods=["post"], url_path=path, url_name=path)(perform)
    return extend_schema(
        request={JSON: input_serializer, MULTIPART: input_serializer}
        if path == "resolve"
        else input_serializer,
        responses=s.AppealDetailSerializer,
        operation_id=f"appeals_{path.replace('-', '_')}",
    )(routed)


@extend_schema_view(list=extend_schema(parameters=[s.AppealFilterSerializer]))
class AppealViewSet(ReadableViewSet):
    """Appeals (诉求) in the caller's scope, their timelines, intake and every workflow action."""

    selector = staticmethod(appeals_for)
    filters = s.AppealFilterSerializer
    # Intake and 办结 may carry files (photos, evidence) in a multipart/form-data body.
    parser_classes = [BoundedJSONParser, MultiPartParser]
    write_scopes = {"create": ApiScope.SUBMIT}

    def get_serializer_class(self):
        return s.AppealSerializer if self.action == "list" else s.AppealDetailSerializer

    def narrow(self, queryset, criteria: dict):
        return filtered_appeals(queryset, criteria)

    @extend_schema(
        request={JSON: s.AppealSubmitSerializer, MULTIPART: s.AppealSubmitSerializer},
        responses={201: s.AppealDetailSerializer, 200: s.AppealDetailSerializer},
        description="登记诉求。`external_id` 或 `Idempotency-Key` 头重复时返回原诉求（200）。",
    )
    def create(self, request):
        fields = validated(s.AppealSubmitSerializer, request.data, request)
        key = request.auth if isinstance(request.auth, ApiKey) else None
        appeal, created = submit_appeal_once(
            visible=appeals_for(request.user),
            channel=key.client.channel if key else Channel.WEB,
            external_id=external_id_for(request, fields.pop("external_id")),
            actor=request.user,
            **fields,
        )
        data = s.AppealDetailSerializer(appeal, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(
        responses={(200, "*/*"): OpenApiTypes.BINARY},
        description="下载诉求的一个附件；看得到诉求的人才能下载。",
    )
    @action(detail=True, methods=["get"], url_path=r"attachments/(?P<attachment_pk>[^/]+)")
    def attachment(self, request, pk=None, attachment_pk=None):
        appeal = self.get_object()
        if not ID.fullmatch(attachment_pk):
            raise NotFound
        stored = attachment_of(appeal, int(attachment_pk))
        return FileResponse(stored.file.open("rb"), content_type=stored.content_type)

    @extend_schema(responses=s.AppealEventSerializer(many=True))
    @action(detail=True, methods=["get"], serializer_class=s.AppealEventSerializer)
    def events(self, request, pk=None):
        """The appeal's timeline, oldest first."""
        page = self.paginate_queryset(appeal_timeline(self.get_object()))
        return self.get_paginated_response(s.AppealEventSerializer(page, many=True).data)

    dispatch_action = workflow_action("dispatch")
    redispatch_action = workflow_action("redispatch")
    amend_action = workflow_action("amend")
    sign_action = workflow_action("sign")
    return_action = workflow_action("return")
    first_contact_action = workflow_action("first-contact")
    request_extension_action = workflow_action("request-extension")
    decide_extension_action = workflow_action("decide-extension")
    resolve_action = workflow_action("resolve")
    callback_action = workflow_action("callback")
    close_action = workflow_action("close")
    supervise_action = workflow_action("supervise")
    merge_action = workflow_action("merge")
    whistle_action = workflow_action("whistle")
    report_arrival_action = workflow_action("report-arrival")
    rate_whistle_action = workflow_action("rate-whistle")


# --- figures -------------------------------------------------------------------------------------------


class FigureView(ApiEndpoint, APIView):
    """Figures computed over the caller's appeals: short lists, answered whole."""

    pagination_class = None


class ScoreView(FigureView):
    """响应率, 解决率, 满意率 and the composite score for one month, per unit, grid or category, over the
    appeals in the caller's scope."""

    @extend_schema(parameters=[s.ScoreQuerySerializer], responses=s.RatesSerializer(many=True))
    def get(self, request):
        rows = scores_for(
            request.user, **validated(s.ScoreQuerySerializer, request.query_params.dict(), request)
        )
        return Response(s.RatesSerializer([asdict(row) for row in rows], many=True).data)


class WarningView(FigureView):
    """Early warnings (预警) over the caller's appeals of the last nine weeks, the most severe first."""

    @extend_schema(responses=s.EarlyWarningSerializer(many=True))
    def get(self, request):
        warnings = warnings_for(request.user)
        return Response(s.EarlyWarningSerializer([asdict(w) for w in warnings], many=True).data)
