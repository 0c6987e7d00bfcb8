"""Role-aware navigation: each entry lists the roles that see it (administrators see all)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from civicgrid.directory.models import Role
from civicgrid.directory.scope import AREA_ROLES, Scope, scope_of
from civicgrid.grid.models import Compound

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
    # Beyond the role, whether the page would show this account anything: a department handler's scope is
    # his unit, so he would find the grid list empty.
    shown_to: Callable[[Scope], bool] = lambda scope: True
    # A resident's own pages: administrators, who see every appeal under 诉求, are not offered them.
    personal: bool = False

    @property
    def url(self) -> str:
        return reverse(self.url_name)

    def is_current(self, path: str) -> bool:
        return path == self.url if self.url == "/" else path.startswith(self.url)

    def visible_in(self, scope: Scope) -> bool:
        if not scope.has_role(*self.roles) or (self.personal and scope.everything):
            return False
        return self.shown_to(scope)


def _has_area(scope: Scope) -> bool:
    return scope.everything or bool(scope.grid_paths)


def _has_compounds(scope: Scope) -> bool:
    """An area, or a property company's compounds."""
    return _has_area(scope) or Compound.objects.filter(property_company_id__in=scope.unit_ids).exists()


NAV_ITEMS = (
    NavItem("首页", "web:home", tuple(Role.values)),
    NavItem("派单台", "appeals:workbench", (Role.DISPATCHER,)),
    NavItem("待办", "appeals:inbox", (Role.DEPARTMENT_HANDLER,)),
    NavItem("巡查上报", "appeals:patrol", (Role.GRID_WORKER,)),
    NavItem("督办", "appeals:supervision", (Role.SUPERVISOR, Role.LEADER)),
    NavItem("诉求", "appeals:list", tuple(AREA_ROLES), shown_to=_has_area),
    NavItem("网格", "web:grid_list", STAFF, shown_to=_has_area),
    NavItem("小区", "web:compound_list", STAFF, shown_to=_has_compounds),
    NavItem("单位", "web:unit_list", STAFF),
    NavItem("人员", "web:person_list", STAFF),
    NavItem("问政分析", "dashboards:overview", STAFF),
    NavItem("智慧党建", "party:home", (Role.PARTY_MEMBER, Role.COMMUNITY_SECRETARY, Role.LEADER)),
    NavItem("我要反映", "appeals:portal", (Role.CITIZEN, Role.PARTY_MEMBER), personal=True),
    NavItem("我的诉求", "appeals:list", (Role.CITIZEN, Role.PARTY_MEMBER), personal=True),
    NavItem("书记信箱", "party:my_mailbox", (Role.CITIZEN, Role.PARTY_MEMBER)),
    NavItem("登录记录", "web:login_records", tuple(Role.values)),
)


def navigation_for(user) -> list[NavItem]:
    if not user.is_authenticated:
        return []
    scope = scope_of(user)
    return [item for item in NAV_ITEMS if item.visible_in(scope)]
