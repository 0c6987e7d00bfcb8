from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("appeals", views.AppealViewSet, basename="appeal")
router.register("categories", views.CategoryViewSet, basename="category")
router.register("units", views.UnitViewSet, basename="unit")
router.register("grids", views.GridViewSet, basename="grid")
router.register("compounds", views.CompoundViewSet, basename="compound")
router.register("dispatch-rules", views.DispatchRuleViewSet, basename="dispatch-rule")
router.register("notifications", views.NotificationViewSet, basename="notification")

app_name = "api"
urlpatterns = [
    path("v1/", include(router.urls)),
    path("v1/scores/", views.ScoreView.as_view(), name="scores"),
    path("v1/warnings/", views.WarningView.as_view(), name="warnings"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]
