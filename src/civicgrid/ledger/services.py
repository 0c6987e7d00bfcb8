"""Appending to the 留痕 ledger."""

import json
import threading

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from .models import SYSTEM_ACTOR_LABEL, LedgerEntry, LedgerHead, Target, canonical_json, target_key


def _stored_number(text: str) -> float | int:
    # jsonb keeps numbers as exact decimals and gives 1e+16 back as 10000000000000000 and -0.0 as 0.0;
    # such floats are stored in that form from the start, or PostgreSQL would change what was hashed.
    number = float(text)
    if number.is_integer() and "e" in text:
        return int(number)
    return number if number else 0.0


def _stored_payload(payload: dict) -> dict:
    """The payload exactly as every supported database will give it back, so that its hash verifies."""
    return json.loads(canonical_json(payload), parse_float=_stored_number)


# The head this thread last wrote: usually still the head at its next append, which then needs no separate
# read. Only a hint: _advance() checks it against the database, so a stale one costs one wasted statement.
_last_head = threading.local()


def entry(
    action: str,
    *,
    target: Target,
    actor: AbstractBaseUser | None = None,
    payload: dict | None = None,
) -> LedgerEntry:
    """An entry not yet chained: give it to append() (with others recorded by the same action)."""
    target_type, target_id = target_key(target)
    return LedgerEntry(
        actor=actor,
        actor_label=str(actor) if actor is not None else SYSTEM_ACTOR_LABEL,
        action=action,
        target_type=target_type,
        target_id=target_id,
        payload=_stored_payload(payload or {}),
    )


def record(
    action: str,
    *,
    target: Target,
    actor: AbstractBaseUser | None = None,
    payload: dict | None = None,
) -> LedgerEntry:
    """Append one entry to the ledger inside the caller's transaction (see append())."""
    return append([entry(action, target=target, actor=actor, payload=payload)])[0]


def append(entries: list[LedgerEntry]) -> list[LedgerEntry]:
    """Chain `entries`, in order, onto the ledger inside the caller's transaction: they are kept or rolled
    back with the change they record. Costs two statements (advance the head, insert the entries) when this
    thread made the last append; otherwise the head is locked and read first, after one wasted UPDATE if the
    guess was stale."""
    # savepoint=False: joining the caller's transaction costs nothing, and a failed append fails it anyway.
    with transaction.atomic(savepoint=False):
        head = getattr(_last_head, "value", None)
        if head is None or not _advance(head, entries):
            locked = LedgerHead.objects.select_for_update().get_or_create(pk=1)[0]
            _advance((locked.last_sequence, locked.last_hash), entries)  # cannot miss: the head is locked
        LedgerEntry.objects.bulk_create(entries)
    _last_head.value = (entries[-1].sequence, entries[-1].hash)
    return entries


def _advance(head: tuple[int, str], entries: list[LedgerEntry]) -> bool:
    """Chain `entries` onto `head` and move the head on to the last, if the head is still `head`. The UPDATE
    also locks the head row until the transaction ends, so no other append can chain onto the same entry."""
    last_sequence, last_hash = head
    now = timezone.now()
    for sequence, item in enumerate(entries, start=last_sequence + 1):
        item.sequence, item.prev_hash, item.recorded_at = sequence, last_hash, now
        item.hash = last_hash = item.compute_hash()
    moved = LedgerHead.objects.filter(pk=1, last_sequence=head[0], last_hash=head[1]).update(
        last_sequence=entries[-1].sequence, last_hash=last_hash
    )
    return moved == 1
