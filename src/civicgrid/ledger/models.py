"""The 留痕 ledger: an append-only, hash-chained record of every exercise of power.

Each entry's hash covers its own content and the previous entry's hash, so changing, removing or
reordering any entry breaks the chain from that point on (see docs/ledger.md for the exact format).
"""

import hashlib
import json
from datetime import UTC

from django.conf import settings
from django.db import models

GENESIS_HASH = "0" * 64
SYSTEM_ACTOR_LABEL = "系统"


class ImmutableEntryError(Exception):
    """Raised on any attempt to change or remove a ledger entry through the application."""

    def __init__(self) -> None:
        super().__init__("留痕记录只能追加，不能修改或删除")


def canonical_json(value) -> str:
    # One spelling per value: sorted keys, no whitespace, UTF-8 text as is. NaN and infinity are refused
    # because PostgreSQL's jsonb cannot store them.
    return json.dumps(
        value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str, allow_nan=False
    )


Target = models.Model | tuple[str, object]


def target_key(target: Target) -> tuple[str, str]:
    """(target_type, target_id) for a model instance or an explicit ("app_label.model", id) pair."""
    if isinstance(target, models.Model):
        return target._meta.label_lower, str(target.pk)
    target_type, target_id = target
    return target_type, str(target_id)


class LedgerEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableEntryError

    def delete(self):
        raise ImmutableEntryError

    def bulk_update(self, objs, fields, batch_size=None):
        raise ImmutableEntryError


class LedgerEntry(models.Model):
    sequence = models.PositiveBigIntegerField("序号", primary_key=True)
    recorded_at = models.DateTimeField("记录时间")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人账号",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_entries",
    )
    actor_label = models.CharField(
        "操作人", max_length=150, help_text="记录时的操作人名称；系统自动操作记为“系统”"
    )
    action = models.CharField("动作", max_length=64, help_text="如 appeal.dispatch、role.assign")
    target_type = models.CharField("对象类型", max_length=100, help_text="app_label.model，如 appeals.appeal")
    target_id = models.CharField("对象编号", max_length=64)
    payload = models.JSONField("内容", default=dict, blank=True, help_text="变更内容（变更前/变更后）")
    prev_hash = models.CharField("前一条哈希", max_length=64)
    hash = models.CharField("哈希", max_length=64)

    objects = LedgerEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "留痕记录"
        verbose_name_plural = "留痕记录"
        ordering = ["sequence"]
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="ledger_entry_target"),
            models.Index(fields=["action"], name="ledger_entry_action"),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.target_type}:{self.target_id}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ImmutableEntryError
        # The sequence is the primary key, so without force_insert Django would first try an UPDATE.
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableEntryError

    def compute_hash(self) -> str:
        content = [
            self.sequence,
            self.recorded_at.astimezone(UTC).isoformat(timespec="microseconds"),
            self.actor_id,
            self.actor_label,
            self.action,
            self.target_type,
            self.target_id,
            self.payload,
            self.prev_hash,
        ]
        return hashlib.sha256(canonical_json(content).encode()).hexdigest()


class LedgerHead(models.Model):
    """The single row every append locks and advances, so that concurrent appends queue up instead of
    forking the chain. Created by the first append."""

    last_sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = "留痕链头"
        verbose_name_plural = "留痕链头"

    def __str__(self) -> str:
        return f"#{self.last_sequence} {self.last_hash}"
