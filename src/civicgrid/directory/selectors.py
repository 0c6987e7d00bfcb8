"""Reads of units, people and accounts, always through the actor's scope."""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.db.models import BooleanField, Q, QuerySet, Value
from django.shortcuts import get_object_or_404

from civicgrid.ledger.models import LedgerEntry

from .models import Person, Role, RoleAssignment, Unit, UnitKind
from .scope import scope_of


def units_for(actor) -> QuerySet[Unit]:
    """Units in the actor's area, the actor's own units, the companies managing compounds in the area, and
    every government department (the public list a dispatcher sends work to) for staff."""
    scope = scope_of(actor)
    if scope.everything:
        return Unit.objects.all()
    visible = (
        scope.grid_q("grid__path") | scope.grid_q("managed_compounds__grid__path") | Q(pk__in=scope.unit_ids)
    )
    if scope.grid_paths or scope.unit_ids:
        visible |= Q(kind=UnitKind.GOVERNMENT_DEPARTMENT)
    return Unit.objects.filter(visible).distinct()


def unit_for(actor, pk: int) -> Unit:
    return get_object_or_404(units_for(actor), pk=pk)


def people_for(actor) -> QuerySet[Person]:
    """People living or working in the actor's area, the staff of the actor's units, and the actor."""
    scope = scope_of(actor)
    if scope.everything:
        return Person.objects.all()
    visible = (
        scope.grid_q("home_grid__path")
        | scope.grid_q("unit__grid__path")
        | Q(unit_id__in=scope.unit_ids)
        | Q(pk=scope.person_id)
    )
    return Person.objects.filter(visible).select_related("unit", "home_grid")


def person_for(actor, pk: int) -> Person:
    return get_object_or_404(people_for(actor), pk=pk)


def role_assignments_of(account) -> QuerySet[RoleAssignment]:
    return account.roles.select_related("grid", "unit").order_by("role", "pk")


def grid_workers_of(grid, *, subtree: bool = False) -> QuerySet[Person]:
    """People holding the grid worker role on this grid (or, with subtree, on any grid within it)."""
    where = (
        {"account__roles__grid__path__startswith": grid.path} if subtree else {"account__roles__grid": grid}
    )
    return Person.objects.filter(account__roles__role=Role.GRID_WORKER, **where).distinct()


LOGIN_RECORD_FIELDS = ("attempt_time", "username", "ip_address", "user_agent")


def login_records_for(actor) -> QuerySet:
    """Successful and failed logins, newest first, as dicts with `succeeded`: the actor's own, or everyone's
    for an administrator."""
    successes = AccessLog.objects.values(*LOGIN_RECORD_FIELDS).annotate(
        succeeded=Value(True, output_field=BooleanField())
    )
    failures = AccessFailureLog.objects.values(*LOGIN_RECORD_FIELDS).annotate(
        succeeded=Value(False, output_field=BooleanField())
    )
    if not scope_of(actor).everything:
        successes = successes.filter(username=actor.get_username())
        failures = failures.filter(username=actor.get_username())
    return successes.union(failures, all=True).order_by("-attempt_time")


def login_attempts_for(actor) -> QuerySet[AccessAttempt]:
    """Current failure counters (what a lock-out is decided on): administrators only."""
    if not scope_of(actor).everything:
        return AccessAttempt.objects.none()
    return AccessAttempt.objects.order_by("-attempt_time")


def login_attempt_for(actor, pk: int) -> AccessAttempt:
    return get_object_or_404(login_attempts_for(actor), pk=pk)


# How many of the latest early unlocks the login records page lists.
LIFTED_LOCKOUTS_SHOWN = 20


def lifted_lockouts_for(actor) -> QuerySet[LedgerEntry]:
    """The latest lock-outs an administrator lifted early, from the ledger (administrators only)."""
    if not scope_of(actor).everything:
        return LedgerEntry.objects.none()
    return LedgerEntry.objects.filter(action="login.unlock").order_by("-sequence")[:LIFTED_LOCKOUTS_SHOWN]
