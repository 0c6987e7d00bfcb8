from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "civicgrid 网格化基层治理平台 · 后台管理"
admin.site.site_title = "civicgrid 后台"
admin.site.index_title = "后台数据管理"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("party/", include("civicgrid.party.urls")),
    path("api/", include("civicgrid.api.urls")),
    path("open311/", include("civicgrid.open311.urls")),
    path("appeals/", include("civicgrid.appeals.urls")),
    path("dashboards/", include("civicgrid.dashboards.urls")),
    path("", include("civicgrid.web.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
