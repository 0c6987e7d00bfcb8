"""The home page is a panel per role assignment: what that role works on, from data in the account's scope."""

from dataclasses import dataclass, field

from django.db.models import Count, Sum

from civicgrid.directory import selectors as directory_selectors
from civicgrid.directory.models import Role
from civicgrid.directory.scope import GOVERNING_UNIT_KINDS, scope_of
from civicgrid.grid import selectors as grid_selectors
from civicgrid.grid.models import grid_level_choices

PANEL_ROWS = 10


@dataclass
class Panel:
    title: str
    template: str
    context: dict = field(default_factory=dict)


def area_panel(user, assignment) -> Panel:
    grid = assignment.grid
    compounds = grid_selectors.compounds_for(user).filter(grid__path__startswith=grid.path)
    title = "我的社区" if assignment.role == Role.COMMUNITY_SECRETARY else "我的网格"
    return Panel(
        f"{title} · {grid.name}",
        "web/panels/area.html",
        {
            "grid": grid,
            "children": grid_selectors.grid_children(grid),
            "compounds": compounds[:PANEL_ROWS],
            "compounds_count": compounds.count(),
            "grid_workers_count": directory_selectors.grid_workers_of(grid, subtree=True).count(),
        },
    )


def totals_panel(user, assignment) -> Panel:
    return _totals(user, assignment.grid)


def _totals(user, area) -> Panel:
    """Counts for an area, or for everything the account sees when there is none (administrators)."""
    grids = grid_selectors.grids_for(user)
    compounds = grid_selectors.compounds_for(user)
    if area is not None:
        grids = grids.filter(path__startswith=area.path)
        compounds = compounds.filter(grid__path__startswith=area.path)
    level_names = dict(grid_level_choices())
    by_level = grids.values("level").annotate(n=Count("pk")).order_by("level")
    totals = [(level_names[row["level"]], row["n"]) for row in by_level]
    households = compounds.aggregate(n=Sum("households_count"))["n"] or 0
    totals += [
        ("小区", compounds.count()),
        ("住户", households),
        ("单位", directory_selectors.units_for(user).count()),
        ("人员", directory_selectors.people_for(user).count()),
    ]
    where = area.name if area is not None else "全平台"
    return Panel(f"{where} · 辖区概况", "web/panels/totals.html", {"totals": totals})


def unit_panel(user, assignment) -> Panel:
    unit = assignment.unit
    governs = unit.kind in GOVERNING_UNIT_KINDS and unit.grid_id is not None
    return Panel(
        f"我的单位 · {unit.name}",
        "web/panels/unit.html",
        {
            "unit": unit,
            "area": unit.grid if governs else None,
            "staff_count": directory_selectors.people_for(user).filter(unit=unit).count(),
            "compounds": grid_selectors.compounds_for(user).filter(property_company=unit)[:PANEL_ROWS],
        },
    )


def self_panel(user, assignment) -> Panel:
    return Panel("我的信息", "web/panels/self.html", {"person": user.person})


BUILDERS = {
    Role.GRID_WORKER: area_panel,
    Role.COMMUNITY_SECRETARY: area_panel,
    Role.LEADER: totals_panel,
    Role.SUPERVISOR: totals_panel,
    Role.DISPATCHER: totals_panel,
    Role.ADMINISTRATOR: totals_panel,
    Role.DEPARTMENT_HANDLER: unit_panel,
    Role.CITIZEN: self_panel,
    Role.PARTY_MEMBER: self_panel,
}


def panels_for(user) -> list[Panel]:
    panels, seen = [], set()
    for assignment in directory_selectors.role_assignments_of(user):
        builder = BUILDERS[assignment.role]
        # A leader who is also supervisor of the same district gets one summary, not two.
        key = (builder, assignment.grid_id, assignment.unit_id)
        if key not in seen and (builder is not self_panel or user.person_id):
            seen.add(key)
            panels.append(builder(user, assignment))
    if not panels and scope_of(user).everything:
        # A superuser made with createsuperuser holds no role assignment.
        panels.append(_totals(user, None))
    return panels
