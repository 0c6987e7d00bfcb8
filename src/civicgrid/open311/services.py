"""Writing an Open311 service request: the appeal through the shared idempotent intake, and what the
appeal has no place for (token, attributes as sent, media link, e-mail) beside it."""

import secrets

from django.db import transaction

from civicgrid.api.models import ApiKey
from civicgrid.api.services import submit_appeal_once
from civicgrid.appeals.models import Category, Channel, Kind
from civicgrid.appeals.selectors import appeals_for

from .georeport import contact_name, title_for
from .models import ServiceRequest


@transaction.atomic
def submit_service_request(
    *,
    key: ApiKey,
    service: Category,
    external_id: str,
    attributes: dict,
    description: str = "",
    lat: float | None = None,
    lng: float | None = None,
    address_string: str = "",
    media_url: str = "",
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    phone: str = "",
    device_id: str = "",
    account_id: str = "",
) -> tuple[ServiceRequest, bool]:
    """(service request, created); a repeat with the same external id returns the first one."""
    actor = key.client.account
    appeal, created = submit_appeal_once(
        visible=appeals_for(actor),
        channel=Channel.OPEN311,
        external_id=external_id,
        actor=actor,
        kind=attributes.get("kind") or Kind.COMPLAINT,
        title=title_for(attributes, description, service.name),
        text=description.strip() or service.name,
        category=service,
        lat=lat,
        lng=lng,
        address=address_string,
        is_anonymous=attributes.get("anonymous") == "true",
        contact_name=contact_name(first_name, last_name),
        contact_phone=phone,
    )
    existing = ServiceRequest.objects.filter(appeal=appeal).first()
    if existing is not None:
        return existing, False
    submission = ServiceRequest.objects.create(
        appeal=appeal,
        token=secrets.token_hex(16),
        client=key.client,
        attributes=attributes,
        media_url=media_url,
        email=email,
        device_id=device_id,
        account_id=account_id,
    )
    return submission, created
