from django.utils.functional import SimpleLazyObject

from civicgrid.appeals.selectors import unread_notification_count

from .navigation import navigation_for


def navigation(request):
    user = request.user
    return {
        "nav_items": navigation_for(user),
        # Counted only when a page shows it (the top bar of a signed-in account).
        "unread_notifications": SimpleLazyObject(lambda: unread_notification_count(user)),
    }
