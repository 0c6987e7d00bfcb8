"""Shapes of the REST API: output serializers read model rows, input serializers only validate what a
service or selector is then called with. Related ids are looked up within the caller's scope."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.utils import html

from civicgrid.appeals.models import (
    Appeal,
    AppealAttachment,
    AppealEvent,
    CallbackVia,
    Category,
    Channel,
    DispatchRule,
    DueState,
    Kind,
    Notification,
    Resolution,
    Satisfaction,
    Status,
    Urgency,
)
from civicgrid.appeals.scoring import GROUP_FIELDS
from civicgrid.appeals.selectors import allowed_actions, appeal_contact_for, appeals_for
from civicgrid.directory.models import Unit
from civicgrid.directory.selectors import units_for
from civicgrid.grid.models import Compound, Grid
from civicgrid.grid.selectors import compounds_for, grids_for

from .selectors import categories

NOTE_MAX = 4000
MAX_FILES = 9  # per request, as many photos as a phone's picker sends at once
MAX_ID = 2**63 - 1
# No appeal predates the 12345 hotlines; far older times are typing errors (and, before 1901, Shanghai's
# local mean time, which no client could parse back).
EARLIEST_RECEIPT = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


class ApiErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="稳定的错误代码，供程序判断")
    detail = serializers.CharField(help_text="中文说明，供人阅读")
    fields = serializers.DictField(required=False, help_text="逐字段的校验错误")


class JsonTyped:
    """A body field that takes only its own JSON type: DRF would read "12" as 12 and 1 as "1" or True,
    which hides a client's mistake."""

    json_types: tuple[type, ...]

    def to_internal_value(self, data):
        # A multipart form (a body with files) carries every value as text; there DRF's parsing applies.
        if html.is_html_input(self.root.initial_data):
            return super().to_internal_value(data)
        if not isinstance(data, self.json_types) or (isinstance(data, bool) and bool not in self.json_types):
            self.fail("invalid")
        return super().to_internal_value(data)


def uploads(help_text: str) -> serializers.ListField:
    """Files sent as repeated parts of a multipart/form-data body; their type and size are checked by the
    service (appeals/attachments.py)."""
    return serializers.ListField(
        child=serializers.FileField(allow_empty_file=False),
        required=False,
        default=list,
        max_length=MAX_FILES,
        help_text=help_text,
    )


class Text(JsonTyped, serializers.CharField):
    json_types = (str,)


class Number(JsonTyped, serializers.FloatField):
    json_types = (int, float)


class WholeNumber(JsonTyped, serializers.IntegerField):
    json_types = (int,)


class Flag(JsonTyped, serializers.BooleanField):
    json_types = (bool,)


class ScopedPrimaryKeyField(JsonTyped, serializers.PrimaryKeyRelatedField):
    """An id resolved among the objects the caller may see (`selector(actor)`); others do not exist."""

    json_types = (int,)
    default_error_messages = {"invalid": "须为整数 id。"}

    def __init__(self, selector, model, **kwargs):
        self.selector = selector
        super().__init__(queryset=model.objects.none(), **kwargs)

    def get_queryset(self):
        return self.selector(self.context["request"].user)


def _public_categories(_actor):
    return categories()


# --- output ------------------------------------------------------------------------------------------


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name", "level", "parent", "sort_order"]


class NotificationSerializer(serializers.ModelSerializer):
    unread = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "text", "link", "created_at", "read_at", "unread"]

    def get_unread(self, notification) -> bool:
        return notification.read_at is None


class NotificationFilterSerializer(serializers.Serializer):
    unread = serializers.BooleanField(required=False, allow_null=True, default=None, help_text="只看未读")


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="标为已读的条数")


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "name", "kind", "grid", "phone", "is_active"]


class GridSerializer(serializers.ModelSerializer):
    # A plain number: the levels are configured per locality (CIVICGRID_GRID_LEVELS), named by level_name.
    level = serializers.IntegerField(read_only=True)
    level_name = serializers.CharField(read_only=True)

    class Meta:
        model = Grid
        fields = ["id", "name", "code", "level", "level_name", "parent", "centroid_lat", "centroid_lng"]


class GridDetailSerializer(GridSerializer):
    class Meta(GridSerializer.Meta):
        fields = [*GridSerializer.Meta.fields, "boundary"]


class CompoundSerializer(serializers.ModelSerializer):
    class Meta:
        model = Compound
        fields = [
            "id",
            "name",
            "grid",
            "address",
            "property_company",
            "centroid_lat",
            "centroid_lng",
            "households_count",
        ]


class DispatchRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = DispatchRule
        fields = ["id", "category", "grid", "compound", "unit", "is_active", "version", "updated_at"]


class AppealSerializer(serializers.ModelSerializer):
    category_name = serializers.CharField(source="category.name", default="", read_only=True)
    grid_name = serializers.CharField(source="grid.name", default="", read_only=True)
    main_unit_name = serializers.CharField(source="main_unit.name", default="", read_only=True)

    class Meta:
        model = Appeal
        fields = [
            "id",
            "channel",
            "external_id",
            "kind",
            "category",
            "category_name",
            "title",
            "status",
            "urgency",
            "due_state",
            "grid",
            "grid_name",
            "compound",
            "main_unit",
            "main_unit_name",
            "received_at",
            "resolve_due",
            "is_supervised",
            "reopen_count",
            "merged_into",
            "updated_at",
        ]


class ContactSerializer(serializers.Serializer):
    name = serializers.CharField()
    phone = serializers.CharField()
    address_detail = serializers.CharField()
    masked = serializers.BooleanField(help_text="是否已按角色脱敏")


class AttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="下载地址（同样的权限）")

    class Meta:
        model = AppealAttachment
        fields = ["id", "kind", "content_type", "size", "uploaded_at", "url"]

    def get_url(self, attachment: AppealAttachment) -> str:
        return reverse("api:appeal-attachment", args=[attachment.appeal_id, attachment.pk])


class AppealDetailSerializer(AppealSerializer):
    contact = serializers.SerializerMethodField()
    attachments = AttachmentSerializer(many=True, read_only=True)
    allowed_actions = serializers.SerializerMethodField()

    class Meta(AppealSerializer.Meta):
        fields = [
            *AppealSerializer.Meta.fields,
            "tracking_code",
            "text",
            "lat",
            "lng",
            "address",
            "is_anonymous",
            "reply",
            "dispatched_at",
            "signed_at",
            "first_contact_at",
            "resolved_at",
            "called_back_at",
            "closed_at",
            "sign_due",
            "contact_due",
            "contact",
            "attachments",
            "allowed_actions",
        ]

    @extend_schema_field(ContactSerializer(allow_null=True))
    def get_contact(self, appeal: Appeal):
        contact = appeal_contact_for(self.context["request"].user, appeal)
        return None if contact is None else ContactSerializer(contact).data

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_actions(self, appeal: Appeal) -> list[str]:
        return allowed_actions(self.context["request"].user, appeal)


class AppealEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.__str__", default="", read_only=True)

    class Meta:
        model = AppealEvent
        fields = ["id", "action", "actor", "at", "note", "from_status", "to_status", "data"]


class RatesSerializer(serializers.Serializer):
    key = serializers.IntegerField(help_text="单位、网格或分类的 id")
    name = serializers.CharField()
    response = serializers.FloatField(allow_null=True, help_text="响应率")
    resolution = serializers.FloatField(allow_null=True, help_text="解决率")
    satisfaction = serializers.FloatField(allow_null=True, help_text="满意率")
    composite = serializers.FloatField(allow_null=True, help_text="综合得分（百分制）")


class EarlyWarningSerializer(serializers.Serializer):
    kind = serializers.CharField()
    severity = serializers.CharField()
    subject = serializers.CharField()
    appeal_ids = serializers.ListField(child=serializers.CharField())
    explanation = serializers.CharField()


# --- query parameters --------------------------------------------------------------------------------


def id_filter(help_text: str = "") -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, help_text=help_text)


class AppealFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
    due_state = serializers.ChoiceField(choices=[c for c in DueState.choices if c[0]], required=False)
    category = id_filter("分类 id（含下级）")
    grid = id_filter("网格 id（含下级）")
    main_unit = id_filter()
    is_supervised = serializers.BooleanField(required=False, allow_null=True, default=None)
    received_after = serializers.DateTimeField(required=False)
    received_before = serializers.DateTimeField(required=False)
    search = serializers.CharField(required=False, max_length=100, help_text="标题或内容包含")
    external_id = serializers.CharField(required=False, max_length=64)


class CategoryFilterSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=[1, 2, 3], required=False)
    parent = id_filter()


class UnitFilterSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Unit._meta.get_field("kind").choices, required=False)


class GridFilterSerializer(serializers.Serializer):
    level = serializers.IntegerField(min_value=0, max_value=9, required=False)
    parent = id_filter()


class CompoundFilterSerializer(serializers.Serializer):
    grid = id_filter("网格 id（含下级）")


class ScoreQuerySerializer(serializers.Serializer):
    group = serializers.ChoiceField(choices=list(GROUP_FIELDS), default="unit")
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)
    month = serializers.IntegerField(min_value=1, max_value=12, required=False)

    def validate(self, attrs):
        today = timezone.localdate()
        attrs.setdefault("year", today.year)
        attrs.setdefault("month", today.month)
        return attrs


# --- input ---------------------------------------------------------------------------------------------


class AppealSubmitSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices)
    title = Text(max_length=200)
    text = Text(max_length=NOTE_MAX)
    category = ScopedPrimaryKeyField(_public_categories, Category, required=False, allow_null=True)
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    lat = Number(min_value=-90, max_value=90, required=False, allow_null=True)
    lng = Number(min_value=-180, max_value=180, required=False, allow_null=True)
    address = Text(max_length=200, required=False, allow_blank=True, default="")
    is_anonymous = Flag(default=False)
    contact_name = Text(max_length=50, required=False, allow_blank=True, default="")
    contact_phone = Text(max_length=30, required=False, allow_blank=True, default="")
    contact_address = Text(max_length=200, required=False, allow_blank=True, default="")
    external_id = Text(
        max_length=64,
        required=False,
        allow_blank=True,
        default="",
        help_text="来源系统工单号；重复提交返回原诉求",
    )
    received_at = serializers.DateTimeField(required=False, help_text="来源系统的受理时间，缺省为现在")
    attachments = uploads("照片等附件，以 multipart/form-data 提交")

    def validate_received_at(self, value: dt.datetime) -> dt.datetime:
        if value > timezone.now() + dt.timedelta(minutes=5):
            raise serializers.ValidationError("受理时间不能晚于现在。")
        if value < EARLIEST_RECEIPT:
            raise serializers.ValidationError("受理时间不能早于 2000 年。")
        return value

    def validate(self, attrs):
        if (attrs.get("lat") is None) != (attrs.get("lng") is None):
            raise serializers.ValidationError("经纬度须同时提供。")
        return attrs


class NoteSerializer(serializers.Serializer):
    note = Text(max_length=NOTE_MAX, required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer):
    reason = Text(max_length=NOTE_MAX)


class UnitsSerializer(serializers.Serializer):
    unit = ScopedPrimaryKeyField(units_for, Unit)
    assisting_units = ScopedPrimaryKeyField(units_for, Unit, many=True, required=False, default=list)


class DispatchSerializer(NoteSerializer, UnitsSerializer):
    """派单: the 主办 unit and its 协办, with an optional note."""


class RedispatchSerializer(ReasonSerializer, UnitsSerializer):
    """改派: the new 主办 (not the one holding the appeal) and its 协办, with the reason."""


class ResolveSerializer(serializers.Serializer):
    reply = Text(max_length=NOTE_MAX)
    evidence = uploads("办理佐证（照片、文件），以 multipart/form-data 提交")


class CallbackSerializer(NoteSerializer):
    resolution = serializers.ChoiceField(choices=Resolution.choices)
    satisfaction = serializers.ChoiceField(choices=Satisfaction.choices)
    via = serializers.ChoiceField(choices=CallbackVia.choices, default=CallbackVia.PHONE)


class MergeSerializer(NoteSerializer):
    into = ScopedPrimaryKeyField(appeals_for, Appeal, help_text="合并到的诉求 id")


class ExtensionRequestSerializer(ReasonSerializer):
    working_days = WholeNumber(min_value=1, max_value=60)


class ExtensionDecisionSerializer(NoteSerializer):
    approve = Flag()


class WhistleSerializer(ReasonSerializer):
    units = ScopedPrimaryKeyField(units_for, Unit, many=True, allow_empty=False)


class AmendSerializer(ReasonSerializer):
    """更正: `category` left out stays as it is; the place is `grid` and `compound` together (a compound
    places the appeal on its own grid), and stays as it is when both are left out."""

    category = ScopedPrimaryKeyField(_public_categories, Category, required=False, allow_null=True)
    grid = ScopedPrimaryKeyField(grids_for, Grid, required=False, allow_null=True)
    compound = ScopedPrimaryKeyField(compounds_for, Compound, required=False, allow_null=True)


class ArrivalSerializer(serializers.Serializer):
    action_taken = Text(max_length=NOTE_MAX, required=False, allow_blank=True, default="")


class WhistleRatingSerializer(NoteSerializer):
    unit = ScopedPrimaryKeyField(units_for, Unit, help_text="被评价的报到单位")
    rating = WholeNumber(min_value=1, max_value=5)


class DispatchRuleWriteSerializer(serializers.Serializer):
    category = ScopedPrimaryKeyField(_public_categories, Category, required=False, allow_null=True)
    grid = ScopedPrimaryKeyField(grids_for, Grid, required=False, allow_null=True)
    compound = ScopedPrimaryKeyField(compounds_for, Compound, required=False, allow_null=True)
    unit = ScopedPrimaryKeyField(units_for, Unit)
    is_active = Flag(default=True)
