from django.urls import path, register_converter

from . import views


class FormatConverter:
    regex = "json|xml"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "fmt")

app_name = "open311"
urlpatterns = [
    path("v2/discovery.<fmt:fmt>", views.DiscoveryView.as_view(), name="discovery"),
    path("v2/services.<fmt:fmt>", views.ServiceListView.as_view(), name="services"),
    path("v2/services/<str:code>.<fmt:fmt>", views.ServiceDefinitionView.as_view(), name="service"),
    path("v2/requests.<fmt:fmt>", views.RequestListView.as_view(), name="requests"),
    path("v2/requests/<int:pk>.<fmt:fmt>", views.RequestView.as_view(), name="request"),
    path("v2/tokens/<str:token>.<fmt:fmt>", views.TokenView.as_view(), name="token"),
]
