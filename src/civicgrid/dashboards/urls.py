from django.urls import path, re_path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("hot-issues/", views.hot_issues, name="hot_issues"),
    path("units/", views.units, name="units"),
    path("units/<int:pk>/", views.unit, name="unit"),
    path("categories/", views.categories, name="categories"),
    path("region/", views.region, name="region"),
    path("region/<int:pk>/", views.region, name="region_area"),
    path("analysis/", views.analysis, name="analysis"),
    path("analysis/export/", views.analysis_export, name="analysis_export"),
    path("warnings/", views.warnings, name="warnings"),
    path("warnings/acknowledge/", views.acknowledge, name="acknowledge"),
    path("screen/", views.screen, name="screen"),
    path("reports/", views.report_index, name="reports"),
    re_path(r"^reports/(?P<period>week|month)\.(?P<fmt>pdf|xlsx|html)$", views.report, name="report"),
]
