from datetime import timedelta

from django import template

from civicgrid.directory.privacy import phone_for

register = template.Library()


@register.filter
def phone_seen_by(person, viewer) -> str:
    """{{ person|phone_seen_by:user }}: the phone, masked unless the viewer may see it whole."""
    return phone_for(viewer, person)


@register.filter
def minutes(duration: timedelta) -> int:
    return round(duration.total_seconds() / 60)


@register.filter
def indent(level: int, top: int) -> int:
    """Depth of a grid row below the top level on the page, for the tree-like grid list."""
    return max(level - top, 0)


@register.filter
def is_current(nav_item, path: str) -> bool:
    return nav_item.is_current(path)
