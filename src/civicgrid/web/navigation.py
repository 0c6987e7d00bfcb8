"""Role-aware navigation: each entry lists the roles that see it (administrators see all)."""

from dataclasses import dataclass

from django.urls import reverse

from civicgrid.directory.models import Role
from civicgrid.directory.scope import scope_of

STAFF = (
    Role.GRID_WORKER,
    Role.COMMUNITY_SECRETARY,
    Role.DEPARTMENT_HANDLER,
    Role.DISPATCHER,
    Role.SUPERVISOR,
    Role.LEADER,
)


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: tuple[str, ...]

    @property
    def url(self) -> str:
        return reverse(self.url_name)


NAV_ITEMS = (
    NavItem("首页", "web:home", tuple(Role.values)),
    NavItem(
        "网格",
        "web:grid_list",
        (
            Role.GRID_WORKER,
            Role.COMMUNITY_SECRETARY,
            Role.DISPATCHER,
            Role.SUPERVISOR,
            Role.LEADER,
            Role.DEPARTMENT_HANDLER,
        ),
    ),
    NavItem("小区", "web:compound_list", STAFF),
    NavItem("单位", "web:unit_list", STAFF),
    NavItem("人员", "web:person_list", STAFF),
    NavItem("登录记录", "web:login_records", tuple(Role.values)),
)


def navigation_for(user) -> list[NavItem]:
    if not user.is_authenticated:
        return []
    scope = scope_of(user)
    return [item for item in NAV_ITEMS if scope.has_role(*item.roles)]
