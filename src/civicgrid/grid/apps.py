from django.apps import AppConfig


class GridConfig(AppConfig):
    name = "civicgrid.grid"
    label = "grid"
    verbose_name = "网格"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the locate-index refresh)
