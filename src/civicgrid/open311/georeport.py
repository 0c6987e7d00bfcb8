"""The platform seen as an Open311 GeoReport v2 endpoint (http://wiki.open311.org/GeoReport_v2): categories
as services, the service definition's attributes, internal states as open/closed, and the citizen-safe view
of an appeal that every read of requests gives.

Services are the level-3 categories; `service_code` is the category id (stable: the catalogue is loaded
by a migration and categories are deactivated, never deleted), `group` the level-1 category.
"""

import re

from civicgrid.appeals.models import Appeal, Category, Kind, Status

OPEN, CLOSED = "open", "closed"
CLOSED_STATUSES = frozenset({Status.RESOLVED, Status.CALLED_BACK, Status.CLOSED, Status.MERGED})
# Public coordinates are rounded to about 100 m: enough to see the place, not the door.
PUBLIC_COORDINATE_DIGITS = 3
# Digit runs long enough to be phone or ID numbers are masked in anything published.
LONG_NUMBER = re.compile(r"\d{7,}")

TITLE_FROM_DESCRIPTION = 30
YES_NO = [{"key": "true", "name": "是"}, {"key": "false", "name": "否"}]
ATTRIBUTES = [
    {
        "variable": True,
        "code": "kind",
        "datatype": "singlevaluelist",
        "required": False,
        "datatype_description": "缺省为“投诉”",
        "order": 1,
        "description": "诉求类型",
        "values": [{"key": key, "name": name} for key, name in Kind.choices],
    },
    {
        "variable": True,
        "code": "title",
        "datatype": "string",
        "required": False,
        "datatype_description": "不超过 200 字；缺省取描述的开头",
        "order": 2,
        "description": "诉求标题",
    },
    {
        "variable": True,
        "code": "anonymous",
        "datatype": "singlevaluelist",
        "required": False,
        "datatype_description": "匿名时承办单位看不到诉求人身份",
        "order": 3,
        "description": "是否匿名",
        "values": YES_NO,
    },
]


def service_entry(category: Category) -> dict:
    """One entry of GET services: a level-3 category, its parent and grandparent already loaded."""
    second, first = category.parent, category.parent.parent
    return {
        "service_code": str(category.pk),
        "service_name": category.name,
        "description": f"{first.name} › {second.name} › {category.name}",
        "metadata": True,
        "type": "realtime",
        "keywords": second.name,
        "group": first.name,
    }


def service_definition(category: Category) -> dict:
    return {"service_code": str(category.pk), "attributes": ATTRIBUTES}


def open311_status(status: str) -> str:
    return CLOSED if status in CLOSED_STATUSES else OPEN


def status_notes(appeal: Appeal) -> str:
    label = Status(appeal.status).label
    if appeal.status == Status.MERGED and appeal.merged_into_id:
        return f"{label}：与请求 {appeal.merged_into_id} 合并办理。"
    if appeal.status in {Status.RESOLVED, Status.CALLED_BACK, Status.CLOSED} and appeal.reply:
        return f"{label}：{citizen_safe(appeal.reply)}"
    return f"{label}。"


def citizen_safe(text: str) -> str:
    return LONG_NUMBER.sub(lambda m: m.group()[:3] + "*" * (len(m.group()) - 3), text)


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, PUBLIC_COORDINATE_DIGITS)


def public_request(appeal: Appeal) -> dict:
    """An appeal as anyone may read it: no contact, no text beyond its title, no staff names."""
    submission = getattr(appeal, "open311_request", None)
    return {
        "service_request_id": str(appeal.pk),
        "status": open311_status(appeal.status),
        "status_notes": status_notes(appeal),
        "service_name": appeal.category.name if appeal.category_id else "",
        "service_code": str(appeal.category_id or ""),
        "description": citizen_safe(appeal.title),
        "agency_responsible": appeal.main_unit.name if appeal.main_unit_id else "",
        "service_notice": "",
        "requested_datetime": appeal.received_at.isoformat(),
        "updated_datetime": appeal.updated_at.isoformat(),
        "expected_datetime": appeal.resolve_due.isoformat() if appeal.resolve_due else None,
        "address": citizen_safe(appeal.address),
        "address_id": "",
        "zipcode": "",
        "lat": _rounded(appeal.lat),
        "long": _rounded(appeal.lng),
        "media_url": submission.media_url if submission else "",
    }


def title_for(attributes: dict, description: str, service_name: str) -> str:
    title = (attributes.get("title") or "").strip()
    if title:
        return title
    description = " ".join(description.split())
    return description[:TITLE_FROM_DESCRIPTION] or service_name


def contact_name(first_name: str, last_name: str) -> str:
    """Chinese names are written family name first and without a space; others as given."""
    first, last = first_name.strip(), last_name.strip()
    if re.fullmatch(r"[\u4e00-\u9fff·]*", first + last):
        return last + first
    return " ".join(part for part in (first, last) if part)
