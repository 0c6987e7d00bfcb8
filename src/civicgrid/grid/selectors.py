"""Reads of grids and compounds: for a person always through the actor's scope; unscoped only for the
platform's own machinery (the locate index, importers), never for what a person sees."""

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from civicgrid.directory.models import Unit
from civicgrid.directory.scope import scope_of

from .models import Compound, Grid


def grids_for(actor) -> QuerySet[Grid]:
    return Grid.objects.filter(scope_of(actor).grid_q()).select_related("parent")


def grid_for(actor, pk: int) -> Grid:
    return get_object_or_404(grids_for(actor), pk=pk)


def compounds_for(actor) -> QuerySet[Compound]:
    scope = scope_of(actor)
    compounds = Compound.objects.select_related("grid", "property_company")
    # Not folded into one Q: OR-ing the match-all Q() with another condition leaves only the other one.
    if scope.everything:
        return compounds
    return compounds.filter(scope.grid_q("grid__path") | Q(property_company_id__in=scope.unit_ids))


def compound_for(actor, pk: int) -> Compound:
    return get_object_or_404(compounds_for(actor), pk=pk)


def grid_children(grid: Grid) -> QuerySet[Grid]:
    return grid.children.order_by("code", "name")


def subtree_level_counts(grid: Grid) -> dict[int, int]:
    """How many grids of each level the subtree holds, the grid itself included, from the top level down."""
    subtree = Grid.objects.filter(path__startswith=grid.path)
    return dict(subtree.values_list("level").annotate(count=Count("id")).order_by("level"))


# --- unscoped reads for the platform's machinery -------------------------------------------------------


def grid_boundaries() -> QuerySet:
    """(id, level, path, boundary) of every grid with a polygon."""
    return Grid.objects.filter(boundary__isnull=False).values_list("id", "level", "path", "boundary")


def compound_boundaries() -> QuerySet:
    """(id, boundary) of every compound with a polygon."""
    return Compound.objects.filter(boundary__isnull=False).values_list("id", "boundary")


def grids_with_codes(codes: set[str]) -> dict[str, Grid]:
    return {g.code: g for g in Grid.objects.filter(code__in=codes - {""}).select_related("parent")}


def grids_named(names: set[str]) -> dict[str, list[Grid]]:
    named: dict[str, list[Grid]] = {}
    for grid in Grid.objects.filter(name__in=names):
        named.setdefault(grid.name, []).append(grid)
    return named


def child_grids(parent_id: int | None) -> QuerySet[Grid]:
    """The grids directly under a grid, or the top-level grids for None."""
    return Grid.objects.filter(parent_id=parent_id) if parent_id else Grid.objects.filter(parent__isnull=True)


def compounds_in(grid_id: int) -> QuerySet[Compound]:
    return Compound.objects.filter(grid_id=grid_id)


def units_named(names: set[str]) -> dict[str, Unit]:
    return {u.name: u for u in Unit.objects.filter(name__in=names)}
