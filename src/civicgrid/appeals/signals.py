"""Keep every process's routing table (routing.py) in step: a save or delete of anything routing reads
gives the routing stamp a new token, in the writer's own transaction."""

from django.db.models.signals import post_delete, post_save

from civicgrid.directory.models import Unit
from civicgrid.grid.models import Compound, Grid

from .models import Category, DeadlineOverride, DispatchRule
from .routing import routing_changed

ROUTING_SOURCES = (Category, DispatchRule, DeadlineOverride, Unit, Grid, Compound)


def _changed(sender, **kwargs) -> None:
    routing_changed()


def connect() -> None:
    for model in ROUTING_SOURCES:
        post_save.connect(_changed, sender=model, dispatch_uid=f"routing_saved_{model._meta.label_lower}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"routing_deleted_{model._meta.label_lower}")
