"""Reads of grids and compounds, always through the actor's scope."""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from civicgrid.directory.scope import scope_of

from .models import Compound, Grid


def grids_for(actor) -> QuerySet[Grid]:
    return Grid.objects.filter(scope_of(actor).grid_q()).select_related("parent")


def grid_for(actor, pk: int) -> Grid:
    return get_object_or_404(grids_for(actor), pk=pk)


def compounds_for(actor) -> QuerySet[Compound]:
    scope = scope_of(actor)
    visible = scope.grid_q("grid__path") | Q(property_company_id__in=scope.unit_ids)
    return Compound.objects.filter(visible).select_related("grid", "property_company")


def compound_for(actor, pk: int) -> Compound:
    return get_object_or_404(compounds_for(actor), pk=pk)


def grid_children(grid: Grid) -> QuerySet[Grid]:
    return grid.children.order_by("code", "name")
