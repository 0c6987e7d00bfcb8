from django.apps import AppConfig


class InsightConfig(AppConfig):
    name = "civicgrid.insight"
    label = "insight"
    verbose_name = "问政分析"
    default_auto_field = "django.db.models.BigAutoField"
