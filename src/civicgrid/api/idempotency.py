"""Idempotent intake: a source system's own number (`external_id`) or an `Idempotency-Key` header makes a
repeated submission return the appeal first registered instead of a second one.

A header key is the caller's own: it is stored as the appeal's external id within the caller's namespace
(client application or account), so two callers' keys never meet. A source number is meant to be shared
(the 12345 system's work order number) and is stored as given.
"""

import re

from rest_framework.exceptions import ValidationError

from .models import ApiKey

HEADER_KEY_PATTERN = re.compile(r"[A-Za-z0-9._:-]{1,40}")


def external_id_for(request, supplied: str = "") -> str:
    """The external id an intake request registers its appeal under ("" for none)."""
    supplied = supplied.strip()
    if supplied:
        return supplied
    header = request.META.get("HTTP_IDEMPOTENCY_KEY", "").strip()
    if not header:
        return ""
    if not HEADER_KEY_PATTERN.fullmatch(header):
        raise ValidationError({"Idempotency-Key": ["幂等键须为 1–40 个字母、数字或 ._:- 字符。"]})
    caller = f"c{request.auth.client_id}" if isinstance(request.auth, ApiKey) else f"u{request.user.pk}"
    return f"idem-{caller}-{header}"
