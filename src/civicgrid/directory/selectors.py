"""Reads of units, people and accounts, always through the actor's scope."""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from .models import Person, Unit, UnitKind
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
