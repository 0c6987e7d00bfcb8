"""Keep the locate index in step with the polygons: saving or deleting a grid or compound announces it."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .locate import polygons_changed
from .models import Compound, Grid

# A save limited to other fields (e.g. a compound's household count) cannot move a polygon.
INDEXED_FIELDS = frozenset({"boundary", "level", "parent", "path"})


@receiver(post_save, sender=Grid)
@receiver(post_save, sender=Compound)
def polygon_saved(sender, update_fields=None, **kwargs) -> None:
    if update_fields is None or INDEXED_FIELDS.intersection(update_fields):
        polygons_changed()


@receiver(post_delete, sender=Grid)
@receiver(post_delete, sender=Compound)
def polygon_deleted(sender, **kwargs) -> None:
    polygons_changed()
