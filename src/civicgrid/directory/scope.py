"""Data scope: what an acting account may see, decided here and nowhere else.

Every selector that serves a person starts from `scope_of(actor)`. A role assignment contributes
- for area roles (grid worker, community secretary, dispatcher, supervisor, leader): its grid subtree;
- for unit roles (department handler): its unit, the unit's staff and the compounds the unit manages, and,
  for a street office or community committee, the area it governs;
- for personal roles (citizen, party member): the person alone.
An administrator sees everything. Objects outside the scope do not exist for the actor: views answer 404.
"""

from dataclasses import dataclass

from django.db.models import Q

from .models import Role, UnitKind

AREA_ROLES = frozenset(
    {Role.GRID_WORKER, Role.COMMUNITY_SECRETARY, Role.DISPATCHER, Role.SUPERVISOR, Role.LEADER}
)
UNIT_ROLES = frozenset({Role.DEPARTMENT_HANDLER})
# Units that govern an area: their staff see that area as area roles do.
GOVERNING_UNIT_KINDS = frozenset({UnitKind.STREET_OFFICE, UnitKind.COMMUNITY_COMMITTEE})


@dataclass(frozen=True)
class Scope:
    everything: bool
    grid_paths: tuple[str, ...]
    unit_ids: frozenset[int]
    person_id: int | None
    roles: frozenset[str]

    def grid_q(self, path_field: str = "path") -> Q:
        """Rows whose grid path lies in one of the scope's subtrees (an always-false Q when there is none).
        For everything it is an always-true condition rather than Q(), which would vanish when OR-ed."""
        if self.everything:
            return Q(pk__isnull=False)
        q = Q(pk__in=[])
        for path in self.grid_paths:
            q |= Q(**{f"{path_field}__startswith": path})
        return q

    def covers_grid_path(self, path: str) -> bool:
        return self.everything or any(path.startswith(p) for p in self.grid_paths)

    def has_role(self, *roles: str) -> bool:
        return self.everything or bool(self.roles.intersection(roles))


NOTHING = Scope(everything=False, grid_paths=(), unit_ids=frozenset(), person_id=None, roles=frozenset())


def scope_of(actor) -> Scope:
    """The scope of an account, computed once per request (cached on the account object)."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return NOTHING
    cached = getattr(actor, "_civicgrid_scope", None)
    if cached is not None:
        return cached
    assignments = list(actor.roles.select_related("grid", "unit__grid"))
    roles = frozenset(a.role for a in assignments)
    everything = actor.is_superuser or Role.ADMINISTRATOR in roles
    paths: set[str] = set()
    units: set[int] = set()
    for assignment in assignments:
        if assignment.role in AREA_ROLES and assignment.grid_id:
            paths.add(assignment.grid.path)
        if assignment.role in UNIT_ROLES and assignment.unit_id:
            units.add(assignment.unit_id)
            if assignment.unit.kind in GOVERNING_UNIT_KINDS and assignment.unit.grid_id:
                paths.add(assignment.unit.grid.path)
    scope = Scope(
        everything=everything,
        grid_paths=_outermost(paths),
        unit_ids=frozenset(units),
        person_id=actor.person_id,
        roles=roles,
    )
    actor._civicgrid_scope = scope
    return scope


def _outermost(paths: set[str]) -> tuple[str, ...]:
    """Drop subtrees already inside another one, so queries carry no redundant conditions."""
    kept: list[str] = []
    for path in sorted(paths, key=len):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return tuple(kept)
