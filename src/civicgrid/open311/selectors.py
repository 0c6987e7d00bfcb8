"""Reads of the Open311 endpoint. Without a key that may read, a caller sees the requests submitted through
Open311 (except 举报, whose subject is another person); with one, the key's account's scope, as in the
REST API."""

import datetime as dt

from django.db.models import QuerySet

from civicgrid.api.selectors import ID
from civicgrid.appeals.models import Appeal, Category, Channel, Kind
from civicgrid.appeals.selectors import appeals_for

from .georeport import CLOSED_STATUSES, OPEN
from .models import ServiceRequest


def service_categories() -> QuerySet[Category]:
    return (
        Category.objects.filter(
            level=3, is_active=True, parent__is_active=True, parent__parent__is_active=True
        )
        .select_related("parent__parent")
        .order_by("path")
    )


def service_category(code: str) -> Category | None:
    return service_categories().filter(pk=int(code)).first() if ID.fullmatch(code) else None


def requests_for(reader) -> QuerySet[Appeal]:
    """`reader` is the account of a key that may read, or None for the public."""
    if reader is None:
        appeals = Appeal.objects.filter(channel=Channel.OPEN311).exclude(kind=Kind.REPORT)
    else:
        appeals = appeals_for(reader)
    return appeals.select_related("category", "main_unit", "open311_request").order_by("-received_at", "-pk")


def requests_with_ids(appeals: QuerySet[Appeal], ids: list[int]) -> QuerySet[Appeal]:
    return appeals.filter(pk__in=ids)


def requests_matching(
    appeals: QuerySet[Appeal],
    *,
    start: dt.datetime,
    end: dt.datetime,
    service_codes: list[int],
    statuses: list[str],
) -> QuerySet[Appeal]:
    appeals = appeals.filter(received_at__gte=start, received_at__lte=end)
    if service_codes:
        appeals = appeals.filter(category_id__in=service_codes)
    if statuses == [OPEN]:
        appeals = appeals.exclude(status__in=CLOSED_STATUSES)
    elif statuses and OPEN not in statuses:
        appeals = appeals.filter(status__in=CLOSED_STATUSES)
    return appeals


def request_with_token(token: str) -> ServiceRequest | None:
    return ServiceRequest.objects.filter(token=token).first()
