from dataclasses import dataclass

from django import template

from .. import selectors

register = template.Library()


@dataclass(frozen=True)
class PartyMenu:
    """Which 智慧党建 pages lead somewhere for this account: a link that can only bounce is not offered."""

    branches: int  # branches managed: one → 我的支部, several → 各支部总览
    communities: bool  # 双报到 of the communities run
    member: bool  # 我的: a party member's own record
    mailbox: bool  # 书记信箱: the organisation of the community one lives in


@register.simple_tag
def party_menu(user) -> PartyMenu:
    if not user.is_authenticated:
        return PartyMenu(0, False, False, False)
    return PartyMenu(
        branches=selectors.branches_for(user).count(),
        communities=selectors.communities_for(user).exists(),
        member=selectors.own_member(user) is not None,
        mailbox=selectors.home_organisation(user.person) is not None,
    )
