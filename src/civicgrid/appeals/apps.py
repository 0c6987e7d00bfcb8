from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate


class AppealsConfig(AppConfig):
    name = "civicgrid.appeals"
    label = "appeals"
    verbose_name = "接诉即办"

    def ready(self) -> None:
        from . import signals

        signals.connect()
        post_migrate.connect(_restore_catalogue, sender=self)


def _restore_catalogue(sender, apps=global_apps, **kwargs) -> None:
    # `flush` sends post_migrate without `apps`; `migrate` sends the migrated state's.
    try:
        apps.get_model("appeals", "RoutingStamp")  # the last of the tables used below
    except LookupError:  # `migrate <another app>` on a new database: appeals' tables do not exist yet
        return
    from .catalogue import load_default_catalogue
    from .models import Category
    from .routing import routing_changed

    load_default_catalogue(Category)
    # A flushed database (transactional tests) has lost its routing stamp along with everything else.
    routing_changed()
