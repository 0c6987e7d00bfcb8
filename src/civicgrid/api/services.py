"""Writes of the open API: client applications, their keys, and the record of every key use.

Creating a client, issuing and revoking a key are exercises of power and go to the 留痕 ledger; so does
every use of a key that changed something. A plain read is only counted in ApiKeyUse.
"""

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from civicgrid.appeals.errors import WorkflowError
from civicgrid.appeals.models import Appeal, Channel
from civicgrid.appeals.services import register_appeal
from civicgrid.ledger.services import record

from .keys import new_token, token_digest
from .models import ApiClient, ApiKey, ApiKeyUse, ApiScope

# last_used_at is for people deciding which keys are dead, so minute precision saves an UPDATE per request.
LAST_USED_PRECISION = dt.timedelta(minutes=1)
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class ApiClientError(ValueError):
    """A client or key request the platform refuses; the message is for people."""


def _checked(scopes: Iterable[str], channel: str, rate_limit_per_minute: int) -> list[str]:
    scopes = sorted(set(scopes))
    unknown = [s for s in scopes if s not in ApiScope.values]
    if unknown or not scopes:
        raise ApiClientError(
            f"权限无效：{'、'.join(unknown) or '至少选择一项'}（可选 read、submit、handle、admin）。"
        )
    if channel not in Channel.values:
        raise ApiClientError(f"诉求渠道“{channel}”无效。")
    if rate_limit_per_minute < 1:
        raise ApiClientError("每分钟请求上限须为正整数。")
    return scopes


@transaction.atomic
def create_api_client(
    *,
    name: str,
    owner,
    account,
    scopes: Iterable[str],
    actor=None,
    channel: str = Channel.APP,
    rate_limit_per_minute: int = 120,
) -> ApiClient:
    scopes = sorted(set(scopes))
    unknown = [s for s in scopes if s not in ApiScope.values]
    if unknown or not scopes:
        raise ApiClientError(
            f"权限无效：{'、'.join(unknown) or '至少选择一项'}（可选 read、submit、handle、admin）。"
        )
    if channel not in Channel.values:
        raise ApiClientError(f"诉求渠道“{channel}”无效。")
    if rate_limit_per_minute < 1:
        raise ApiClientError("每分钟请求上限须为正整数。")
    client = ApiClient.objects.create(
        name=name.strip(),
        owner=owner,
        account=account,
        scopes=scopes,
        channel=channel,
        rate_limit_per_minute=rate_limit_per_minute,
    )
    record(
        "api_client.create",
        target=client,
        actor=actor,
        payload={"name": client.name, "account": account.pk, "scopes": scopes, "channel": channel},
    )
    return client


@transaction.atomic
def update_api_client(
    client: ApiClient,
    *,
    actor=None,
    scopes: Iterable[str],
    channel: str,
    rate_limit_per_minute: int,
    is_active: bool,
) -> ApiClient:
    """Change what a client may do; its keys keep working under the new terms (or stop, when inactive)."""
    client.scopes = _checked(scopes, channel, rate_limit_per_minute)
    client.channel, client.rate_limit_per_minute, client.is_active = channel, rate_limit_per_minute, is_active
    client.save(update_fields=["scopes", "channel", "rate_limit_per_minute", "is_active"])
    record(
        "api_client.update",
        target=client,
        actor=actor,
        payload={
            "scopes": client.scopes,
            "channel": channel,
            "rate": rate_limit_per_minute,
            "active": is_active,
        },
    )
    return client


@transaction.atomic
def issue_api_key(*, client: ApiClient, actor=None) -> tuple[ApiKey, str]:
    """A new key for the client and its token, which exists nowhere else: show it once."""
    prefix, token = new_token()
    key = ApiKey.objects.create(client=client, prefix=prefix, digest=token_digest(token), created_by=actor)
    record("api_key.issue", target=key, actor=actor, payload={"client": client.pk, "prefix": prefix})
    return key, token


@transaction.atomic
def revoke_api_key(*, key: ApiKey, actor=None) -> ApiKey:
    key = ApiKey.objects.select_for_update().get(pk=key.pk)
    if key.revoked_at is not None:
        raise ApiClientError(f"密钥 {key.prefix} 已于此前吊销。")
    key.revoked_at = timezone.now()
    key.save(update_fields=["revoked_at"])
    record("api_key.revoke", target=key, actor=actor, payload={"client": key.client_id, "prefix": key.prefix})
    return key


def record_key_use(*, key: ApiKey, method: str, path: str, status: int, ip: str | None) -> None:
    """One row per request; a stale last_used_at is moved on; a change made with the key is also traced."""
    now = timezone.now()
    # A request line is the caller's to write: a NUL or an invented long method must not fail the record.
    method, path = method[:8], path.replace("\x00", "\ufffd")[:300]
    ApiKeyUse.objects.create(key=key, at=now, method=method, path=path, status=status, ip=ip)
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_PRECISION:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    if method in UNSAFE_METHODS and status < 400:
        record(
            "api_key.use",
            target=key,
            actor=key.client.account,
            payload={"method": method, "path": path, "status": status, "ip": ip},
        )


def submit_appeal_once(
    *, visible: QuerySet[Appeal], channel: str, external_id: str, **fields
) -> tuple[Appeal, bool]:
    """(appeal, created): a new appeal, or the one already registered under (channel, external_id), which
    must be among `visible` (the caller's own scope): an id someone else registered is refused."""
    appeal, created = register_appeal(channel=channel, external_id=external_id, route=True, **fields)
    if not created and not visible.filter(pk=appeal.pk).exists():
        raise WorkflowError("external_id_taken", "该来源编号已被其他诉求使用。")
    return appeal, created
