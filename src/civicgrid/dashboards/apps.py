from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "civicgrid.dashboards"
    label = "dashboards"
    verbose_name = "问政分析看板"

    def ready(self) -> None:
        # Rollups follow every write to appeals and callbacks; the receivers live with the rollups.
        from . import signals  # noqa: F401
