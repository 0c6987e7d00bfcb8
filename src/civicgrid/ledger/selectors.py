"""Reads of the 留痕 ledger, and the check that the chain is whole."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.db import models
from django.db.models import QuerySet

from .models import GENESIS_HASH, LedgerEntry, LedgerHead, Target, target_key

VERIFY_CHUNK_SIZE = 2000


def entries_for_target(target: Target) -> QuerySet[LedgerEntry]:
    target_type, target_id = target_key(target)
    return LedgerEntry.objects.filter(target_type=target_type, target_id=target_id).select_related("actor")


def chain_head() -> tuple[int, str] | None:
    """(sequence, hash) of the last entry as the head records it, the pair to publish as an anchor; None
    before the first append."""
    return LedgerHead.objects.filter(pk=1).values_list("last_sequence", "last_hash").first()


class BreakKind(models.TextChoices):
    HASH_MISMATCH = "hash_mismatch", "内容与哈希不符：该条记录被改动过"
    PREV_HASH_MISMATCH = (
        "prev_hash_mismatch",
        "与前一条的哈希衔接不上：前一条被改写后重算过哈希，或本条被改接",
    )
    MISSING_SEQUENCE = "missing_sequence", "序号缺失：该条记录被删除"
    HEAD_MISMATCH = "head_mismatch", "最后一条记录与链头不符：链尾或链头被改动过"
    ANCHOR_MISMATCH = "anchor_mismatch", "与已公布的锚点不符：此前的记录被整体改写或截断过"


@dataclass(frozen=True)
class VerifyResult:
    """Entries 1..`checked` are whole and `last_hash` is the last one's hash; `broken_at` is the sequence
    of the first broken link, None when the whole chain is."""

    checked: int
    last_hash: str
    broken_at: int | None = None
    kind: BreakKind | None = None

    @property
    def ok(self) -> bool:
        return self.broken_at is None

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "checked": self.checked,
            "last_hash": self.last_hash,
            "broken_at": self.broken_at,
            "code": self.kind.value if self.kind else None,
            "message": self.kind.label if self.kind else None,
        }


def verify_chain(
    progress: Callable[[int], None] | None = None, anchors: Mapping[int, str] | None = None
) -> VerifyResult:
    """Recompute every hash in sequence order and report the first broken link. `progress` is called with
    the number of entries checked since its last call; `anchors` are published (sequence, hash) pairs the
    chain must still pass through."""
    anchors = anchors or {}
    # The head is read first and the entries up to it only, so appends committed meanwhile are not
    # mistaken for a broken tail.
    head = chain_head()
    head_sequence, head_hash = head or (0, GENESIS_HASH)
    entries = LedgerEntry.objects.order_by("sequence")
    if head:
        entries = entries.filter(sequence__lte=head_sequence)
    checked, last_hash = 0, GENESIS_HASH  # the chain is whole up to and including entry `checked`

    def broken(sequence: int, kind: BreakKind) -> VerifyResult:
        return VerifyResult(checked, last_hash, sequence, kind)

    for entry in entries.iterator(chunk_size=VERIFY_CHUNK_SIZE):
        if entry.sequence != checked + 1:
            return broken(checked + 1, BreakKind.MISSING_SEQUENCE)
        if entry.prev_hash != last_hash:
            return broken(entry.sequence, BreakKind.PREV_HASH_MISMATCH)
        if entry.hash != entry.compute_hash():
            return broken(entry.sequence, BreakKind.HASH_MISMATCH)
        if anchors.get(entry.sequence, entry.hash) != entry.hash:
            return broken(entry.sequence, BreakKind.ANCHOR_MISMATCH)
        checked, last_hash = entry.sequence, entry.hash
        if progress and checked % VERIFY_CHUNK_SIZE == 0:
            progress(VERIFY_CHUNK_SIZE)
    if progress:
        progress(checked % VERIFY_CHUNK_SIZE)
    if checked < head_sequence:
        return broken(checked + 1, BreakKind.MISSING_SEQUENCE)
    if (checked, last_hash) != (head_sequence, head_hash):
        return broken(checked, BreakKind.HEAD_MISMATCH)
    if beyond := [sequence for sequence in anchors if sequence > checked]:
        return broken(min(beyond), BreakKind.ANCHOR_MISMATCH)
    return VerifyResult(checked, last_hash)
