"""What Open311 callers send, validated; messages in Chinese, as everywhere on the platform."""

import datetime as dt
import re

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework import serializers

from civicgrid.api.selectors import ID
from civicgrid.appeals.models import Kind

from .georeport import CLOSED, OPEN, YES_NO
from .selectors import service_category

ATTRIBUTE_KEY = re.compile(r"attribute\[(\w+)\](\[\])?")
MAX_RANGE = dt.timedelta(days=90)
MAX_IDS = 100
# The definition's attributes (georeport.ATTRIBUTES) as fields, which also refuse NUL and lone surrogates.
ATTRIBUTE_FIELDS = {
    "kind": serializers.ChoiceField(choices=Kind.choices),
    "title": serializers.CharField(max_length=200),
    "anonymous": serializers.ChoiceField(choices=[v["key"] for v in YES_NO]),
}


def attributes_in(data) -> dict[str, str]:
    """attribute[code]=value form fields (or a JSON object under "attribute") as {code: value}."""
    if isinstance(data.get("attribute"), dict):
        return {str(k): str(v) for k, v in data["attribute"].items()}
    found = {}
    for name in data:
        match = ATTRIBUTE_KEY.fullmatch(name)
        if match:
            found[match.group(1)] = str(data.get(name))
    return found


class ServiceRequestSerializer(serializers.Serializer):
    service_code = serializers.CharField(max_length=20)
    jurisdiction_id = serializers.CharField(max_length=100, required=False, allow_blank=True)
    lat = serializers.FloatField(min_value=-90, max_value=90, required=False)
    long = serializers.FloatField(min_value=-180, max_value=180, required=False)
    address_string = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    address_id = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    description = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    media_url = serializers.URLField(max_length=500, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    first_name = serializers.CharField(max_length=25, required=False, allow_blank=True, default="")
    last_name = serializers.CharField(max_length=25, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    device_id = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    account_id = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    external_id = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")

    def validate_service_code(self, code: str):
        service = service_category(code.strip())
        if service is None:
            raise serializers.ValidationError(f"服务代码“{code}”不存在。")
        return service

    def validate(self, attrs):
        has_point = "lat" in attrs or "long" in attrs
        if has_point and not ("lat" in attrs and "long" in attrs):
            raise serializers.ValidationError("lat 与 long 须同时提供。")
        if not has_point and not attrs["address_string"].strip():
            message = "不支持 address_id，" if attrs["address_id"] else ""
            raise serializers.ValidationError(f"{message}请提供位置：lat 与 long，或 address_string。")
        attributes = attributes_in(self.initial_data)
        for code, value in attributes.items():
            field = ATTRIBUTE_FIELDS.get(code)
            if field is None:
                named = f" attribute[{code}]" if code.isascii() and code.isidentifier() else ""
                raise serializers.ValidationError(f"未知属性{named}。")
            try:
                attributes[code] = field.run_validation(value)
            except serializers.ValidationError as error:
                raise serializers.ValidationError(f"属性 attribute[{code}]：{error.detail[0]}") from error
        attrs["attributes"] = attributes
        return attrs


def _datetime(name: str, value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = parse_datetime(value.strip())
    except ValueError:
        parsed = None
    if parsed is None:
        raise serializers.ValidationError({name: f"{name} 须为 W3C 日期时间，如 2026-01-01T00:00:00Z。"})
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def _listed(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


class RequestQuerySerializer(serializers.Serializer):
    service_request_id = serializers.CharField(required=False, max_length=2000)
    service_code = serializers.CharField(required=False, max_length=2000)
    start_date = serializers.CharField(required=False, max_length=40)
    end_date = serializers.CharField(required=False, max_length=40)
    status = serializers.CharField(required=False, max_length=20)
    jurisdiction_id = serializers.CharField(required=False, max_length=100)
    page = serializers.IntegerField(required=False, min_value=1, default=1)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=1000, default=100)

    def validate(self, attrs):
        ids = _listed(attrs.get("service_request_id", ""))
        codes = _listed(attrs.get("service_code", ""))
        statuses = _listed(attrs.get("status", ""))
        if len(ids) > MAX_IDS or not all(ID.fullmatch(i) for i in ids):
            raise serializers.ValidationError(f"service_request_id 须为至多 {MAX_IDS} 个以逗号分隔的数字。")
        if not all(ID.fullmatch(c) for c in codes):
            raise serializers.ValidationError("service_code 须为以逗号分隔的服务代码。")
        if not set(statuses) <= {OPEN, CLOSED}:
            raise serializers.ValidationError("status 只能为 open 或 closed。")
        start = _datetime("start_date", attrs.get("start_date"))
        end = _datetime("end_date", attrs.get("end_date"))
        if start and end and end - start > MAX_RANGE:
            raise serializers.ValidationError("start_date 与 end_date 相隔不能超过 90 天。")
        if start and end and end < start:
            raise serializers.ValidationError("end_date 不能早于 start_date。")
        # The specification's default: the 90 days before end_date (or now), or after start_date.
        end = end or (start + MAX_RANGE if start else timezone.now())
        start = start or end - MAX_RANGE
        return {
            "ids": [int(i) for i in ids],
            "service_codes": [int(c) for c in codes],
            "statuses": statuses,
            "start": start,
            "end": end,
            "page": attrs["page"],
            "page_size": attrs["page_size"],
        }
