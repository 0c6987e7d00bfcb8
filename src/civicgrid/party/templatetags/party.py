from django import template

from .. import selectors

register = template.Library()


@register.simple_tag
def manages_branches(user) -> bool:
    """Whether to offer the overview of branches: only to those who manage some."""
    return user.is_authenticated and selectors.branches_for(user).exists()


@register.simple_tag
def runs_communities(user) -> bool:
    return user.is_authenticated and selectors.communities_for(user).exists()
