"""Receivers that keep the rollups exact. Each reads the row's stored state before the write (pre_save, inside
the writer's transaction, under the services' row lock) and after it, so an instance loaded long ago cannot
leave a stale "before" behind; only a row just inserted is taken from its instance, which holds what the row
does. Writes that bypass signals (QuerySet.update, bulk_create) are not seen:
rebuild_rollups() repairs after them."""

from django.db.models.signals import post_save, pre_delete, pre_save
from django.dispatch import receiver

from civicgrid.appeals.models import Appeal, Callback

from . import services
from .rollups import AppealFacts


@receiver(pre_save, sender=Appeal, dispatch_uid="dashboards_appeal_before")
def appeal_before(sender, instance: Appeal, **kwargs) -> None:
    instance._rollup_before = services.appeal_facts(instance.pk)


@receiver(post_save, sender=Appeal, dispatch_uid="dashboards_appeal_after")
def appeal_after(sender, instance: Appeal, created: bool, **kwargs) -> None:
    services.record_appeal_change(
        instance.pk,
        instance.__dict__.pop("_rollup_before", None),
        AppealFacts.of_new(instance) if created else None,
    )


@receiver(pre_delete, sender=Appeal, dispatch_uid="dashboards_appeal_deleted")
def appeal_deleted(sender, instance: Appeal, **kwargs) -> None:
    services.record_appeal_removal(instance.pk)


@receiver(pre_save, sender=Callback, dispatch_uid="dashboards_callback_before")
def callback_before(sender, instance: Callback, **kwargs) -> None:
    instance._rollup_before = services.callback_facts(instance.pk)


@receiver(post_save, sender=Callback, dispatch_uid="dashboards_callback_after")
def callback_after(sender, instance: Callback, **kwargs) -> None:
    services.record_callback_change(instance.pk, instance.__dict__.pop("_rollup_before", None))


@receiver(pre_delete, sender=Callback, dispatch_uid="dashboards_callback_deleted")
def callback_deleted(sender, instance: Callback, **kwargs) -> None:
    services.record_callback_change(instance.pk, services.callback_facts(instance.pk), removed=True)
