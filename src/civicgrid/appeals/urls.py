from django.urls import path

from . import views

app_name = "appeals"

urlpatterns = [
    # Not at the prefix itself: the navigation marks the entry whose address starts the current path.
    path("list/", views.appeal_list, name="list"),
    path("<int:pk>/", views.appeal_detail, name="detail"),
    path("<int:pk>/act/<slug:action>/", views.appeal_action, name="act"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment, name="attachment"),
    path("workbench/", views.workbench, name="workbench"),
    path("workbench/intake/", views.intake, name="intake"),
    path("inbox/", views.inbox, name="inbox"),
    path("patrol/", views.patrol, name="patrol"),
    path("patrol/locate/", views.locate_preview, name="locate"),
    path("supervision/", views.supervision, name="supervision"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/<int:pk>/", views.open_notification, name="open_notification"),
    path("notifications/read-all/", views.read_all_notifications, name="read_all_notifications"),
    path("categories/", views.category_options, name="categories"),
    path("locations/", views.location_options, name="locations"),
    # The public citizen portal: no login.
    path("portal/", views.portal, name="portal"),
    path("portal/track/", views.track, name="track"),
    path("portal/rate/", views.rate, name="rate"),
]
