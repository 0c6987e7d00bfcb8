"""The demo city: real division codes, polygons that nest, compounds inside their grids, one working account
per role, the same city from the same seed, and nothing done the second time.

The city is built once for the module (twice, in fact: the first build is rolled back after its digest is
taken, to compare with the second), inside a transaction rolled back when the module ends.
"""

import hashlib
import json
import math
from dataclasses import dataclass
from io import StringIO
from itertools import combinations

import pytest
import shapely
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from civicgrid.demo.accounts import DEMO_ACCOUNTS, demo_accounts_table
from civicgrid.demo.generator import DemoCityGenerator, apportion
from civicgrid.demo.management.commands.demo_city import centre
from civicgrid.demo.models import DemoCity
from civicgrid.directory.models import Account, Person, Role, RoleAssignment, Unit, UnitKind
from civicgrid.directory.scope import scope_of
from civicgrid.grid.divisions import read_county
from civicgrid.grid.geometry import to_shape
from civicgrid.grid.models import Building, Compound, Grid, Household
from civicgrid.grid.selectors import compounds_for, grids_for

DISTRICT = "320102"
PASSWORD = "Civic#2026"
COMPOUNDS = 400  # at least one per household group (302), so the demo grid has compounds
PROPERTY_COMPANIES = 12
# Stored coordinates are rounded to 1e-6°: borders may disagree by about that much (~0.1 m).
TOLERANCE = 2e-6
GRID_LEVEL_OF_SCOPE = {"district": 0, "community": 2, "resident_group": 3}
MODELS = (Grid, Compound, Building, Household, Unit, Person, Account, RoleAssignment, DemoCity)


@dataclass
class Built:
    city: DemoCity
    created: bool
    digest: str
    first_digest: str


def generator() -> DemoCityGenerator:
    return DemoCityGenerator(
        district_code=DISTRICT, seed=7, compounds=COMPOUNDS, property_companies=PROPERTY_COMPANIES
    )


def city_digest() -> str:
    """Everything the seed decides, in an order that does not depend on primary keys."""
    tables = [
        Grid.objects.order_by("level", "code", "name").values_list(
            "level", "code", "name", "parent__name", "boundary"
        ),
        Compound.objects.order_by("name").values_list(
            "name", "grid__name", "address", "property_company__name", "boundary", "households_count"
        ),
        Building.objects.order_by("compound__name", "number").values_list(
            "compound__name", "number", "floors"
        ),
        Household.objects.order_by(
            "building__compound__name", "building__number", "unit_number", "room"
        ).values_list(
            "building__compound__name", "building__number", "unit_number", "room", "residents_count"
        ),
        Unit.objects.order_by("name").values_list("name", "kind", "grid__name"),
        RoleAssignment.objects.order_by("account__username").values_list(
            "account__username",
            "account__person__name",
            "account__person__phone",
            "account__person__unit__name",
            "account__person__home_grid__name",
            "role",
            "grid__name",
            "unit__name",
        ),
    ]
    digest = hashlib.sha256()
    for table in tables:
        for row in table:
            digest.update(json.dumps(row, ensure_ascii=False, sort_keys=True).encode())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    # Fast hashing, and few appeals: tests/appeals_import checks the appeals step; here it only must run.
    quick = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"], CIVICGRID_DEMO_APPEALS=40
    )
    with django_db_blocker.unblock(), quick:
        with transaction.atomic():
            generator().build()
            first_digest = city_digest()
            transaction.set_rollback(True)
        with transaction.atomic():
            city, created = generator().build()
            yield Built(city=city, created=created, digest=city_digest(), first_digest=first_digest)
            transaction.set_rollback(True)


@pytest.fixture
def district(built, db) -> Grid:
    return built.city.district


def shapes(grids) -> dict[int, shapely.Geometry]:
    return {grid.pk: to_shape(grid.boundary) for grid in grids}


def compactness(polygon) -> float:
    """4πA/P²: 1 for a circle, 0.79 for a square, 0.26 for a 10:1 strip."""
    return 4 * math.pi * polygon.area / polygon.length**2


def test_the_tree_has_the_real_streets_and_communities_and_about_150_grids(built, district):
    county = read_county(DISTRICT)
    grids = Grid.objects.filter(path__startswith=district.path)
    assert district.code == "320102000000" and district.name == "玄武区"
    assert set(grids.filter(level=1).values_list("code", flat=True)) == {s.code for s in county.streets}
    assert set(grids.filter(level=2).values_list("code", flat=True)) == {c.code for c in county.communities}
    assert grids.filter(level=1).count() == 8
    assert grids.filter(level=2).count() == 61
    resident_groups = grids.filter(level=3).count()
    assert 2 * 61 <= resident_groups <= 3 * 61 and 130 <= resident_groups <= 170
    assert grids.filter(level=4).count() == 2 * resident_groups
    assert not grids.filter(boundary__isnull=True).exists()
    assert not grids.filter(centroid_lat__isnull=True).exists()
    assert all(g.path == f"{g.parent.path}{g.pk}/" for g in grids.exclude(level=0).select_related("parent"))


def test_the_district_lies_round_its_real_centre(district):
    outline = to_shape(district.boundary)
    assert outline.contains(shapely.Point(118.80, 32.05))
    minx, miny, maxx, maxy = outline.bounds
    assert 0.06 < maxx - minx < 0.12 and 0.06 < maxy - miny < 0.12  # 6-11 km across


def test_children_tile_their_parent_without_overlapping(district):
    grids = list(Grid.objects.filter(path__startswith=district.path))
    geometry = shapes(grids)
    children: dict[int, list[int]] = {}
    for grid in grids:
        children.setdefault(grid.parent_id, []).append(grid.pk)
    for parent, kids in children.items():
        if parent is None:
            continue
        outline = geometry[parent]
        for kid in kids:
            assert geometry[kid].is_valid
            assert outline.buffer(TOLERANCE).contains(geometry[kid])
            assert compactness(geometry[kid]) > 0.3  # no slivers
        # Vertices snapped to the stored grid leave at most a band of the rounding's width along the border.
        gaps = shapely.union_all([geometry[k] for k in kids]).symmetric_difference(outline)
        assert gaps.area < outline.length * TOLERANCE
        for a, b in combinations(kids, 2):
            assert geometry[a].intersection(geometry[b]).area < 1e-10


def test_compounds_lie_inside_their_deepest_grid_apart_from_each_other(district):
    compounds = list(Compound.objects.select_related("grid", "property_company"))
    assert len(compounds) == COMPOUNDS
    assert len({c.name for c in compounds}) == COMPOUNDS
    deepest = Grid.objects.filter(path__startswith=district.path).order_by("-level").first().level
    polygons = [to_shape(c.boundary) for c in compounds]
    for compound, polygon in zip(compounds, polygons, strict=True):
        assert compound.grid.level == deepest
        assert polygon.is_valid and to_shape(compound.grid.boundary).contains(polygon)
        assert compound.address.startswith("玄武区") and compound.address.endswith("号")
        assert compound.property_company.kind == UnitKind.PROPERTY_COMPANY
        assert 3 <= compound.buildings.count() <= 20
        assert compound.households_count > 0
    tree = shapely.STRtree(polygons)
    pairs = tree.query(polygons, predicate="intersects")
    assert (pairs[0] == pairs[1]).all()


def test_households_match_the_household_count_where_they_are_listed(district):
    listed = Compound.objects.filter(buildings__households__isnull=False).distinct()
    assert listed.exists()
    for compound in listed:
        assert Household.objects.filter(building__compound=compound).count() == compound.households_count


def test_units_cover_departments_streets_communities_and_property_companies(district):
    departments = Unit.objects.filter(kind=UnitKind.GOVERNMENT_DEPARTMENT)
    assert departments.count() >= 15
    assert set(departments.values_list("grid", flat=True)) == {district.pk}
    assert departments.filter(name="玄武区城市管理局").exists()
    assert Unit.objects.filter(kind=UnitKind.STREET_OFFICE).count() == 8
    committees = Unit.objects.filter(kind=UnitKind.COMMUNITY_COMMITTEE).select_related("grid")
    assert committees.count() == 61 and {u.grid.level for u in committees} == {2}
    assert Unit.objects.filter(kind=UnitKind.PROPERTY_COMPANY).count() == PROPERTY_COMPANIES
    assert Unit.objects.filter(kind=UnitKind.ENTERPRISE).exists()
    assert Unit.objects.filter(kind=UnitKind.SOCIAL_ORGANISATION).exists()


def test_every_community_has_a_secretary_and_every_resident_group_a_grid_worker(district):
    def holders(role: Role, level: int) -> set[int]:
        return set(RoleAssignment.objects.filter(role=role, grid__level=level).values_list("grid", flat=True))

    grids = Grid.objects.filter(path__startswith=district.path)
    assert holders(Role.COMMUNITY_SECRETARY, 2) == set(grids.filter(level=2).values_list("pk", flat=True))
    assert holders(Role.GRID_WORKER, 3) == set(grids.filter(level=3).values_list("pk", flat=True))
    assert not Account.objects.filter(must_change_password=True).exists()
    assert all(len(p.name) in (2, 3) for p in Person.objects.all())


@pytest.mark.parametrize("demo", DEMO_ACCOUNTS, ids=[d.username for d in DEMO_ACCOUNTS])
def test_each_demo_account_logs_in_with_the_demo_password_and_sees_its_scope(client, district, demo):
    response = client.post(reverse("web:login"), {"username": demo.username, "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("web:home")
    account = Account.objects.get(username=demo.username)
    scope = scope_of(account)
    assert scope.roles == {demo.role}
    assignment = account.roles.get()
    if demo.scope is None:
        assert scope.everything
    elif demo.role in (Role.CITIZEN, Role.PARTY_MEMBER):
        # Personal roles see their own affairs, not the area they live in.
        assert assignment.grid.level == 3 and account.person.home_grid == assignment.grid
        assert not scope.grid_paths and not grids_for(account).exists()
    elif demo.scope in GRID_LEVEL_OF_SCOPE:
        assert assignment.grid.level == GRID_LEVEL_OF_SCOPE[demo.scope]
        assert scope.grid_paths == (assignment.grid.path,)
        subtree = Grid.objects.filter(path__startswith=assignment.grid.path)
        assert set(grids_for(account)) == set(subtree)
    else:
        kind = UnitKind.GOVERNMENT_DEPARTMENT if demo.scope == "department" else UnitKind.PROPERTY_COMPANY
        assert scope.unit_ids == {assignment.unit.pk} and assignment.unit.kind == kind
        assert account.person.unit == assignment.unit
    if demo.scope == "property_company":
        assert compounds_for(account).exists()


def test_the_demo_grid_worker_sees_compounds_and_the_citizen_lives_in_one(district):
    worker = Account.objects.get(username="gridworker")
    citizen = Account.objects.get(username="citizen").person
    assert compounds_for(worker).exists()
    assert citizen.household is not None
    assert citizen.household.building.compound.grid.path.startswith(citizen.home_grid.path)


def test_the_same_seed_builds_the_same_city(built):
    assert built.created
    assert built.digest == built.first_digest


def test_building_again_does_nothing(built, db):
    before = {model: model.objects.count() for model in MODELS}
    city, created = generator().build()
    assert (city, created) == (built.city, False)
    assert {model: model.objects.count() for model in MODELS} == before
    assert built.digest == city_digest()


def test_the_command_on_a_built_city_only_prints_the_accounts(built, db):
    before = {model: model.objects.count() for model in MODELS}
    out = StringIO()
    call_command("demo_city", stdout=out, verbosity=0)
    assert "已存在" in out.getvalue()
    for demo in DEMO_ACCOUNTS:
        assert demo.username in out.getvalue()
    assert {model: model.objects.count() for model in MODELS} == before


def test_the_accounts_table_has_one_row_per_role(built, db):
    rows = demo_accounts_table()
    assert [row[1] for row in rows] == [d.username for d in DEMO_ACCOUNTS]
    assert {row[2] for row in rows} == {PASSWORD}
    assert dict((row[1], row[3]) for row in rows)["admin"] == "全平台"
    assert dict((row[1], row[3]) for row in rows)["handler"] == "玄武区城市管理局"


def test_a_district_with_boundaries_of_its_own_is_left_alone(built, db):
    DemoCity.objects.all().delete()
    with pytest.raises(ValidationError, match="已有边界"):
        generator().build()


def test_a_district_without_a_known_centre_needs_one(db):
    with pytest.raises(ValidationError, match="中心坐标"):
        DemoCityGenerator(district_code="440402").build()


def test_the_command_reads_a_centre_as_lat_comma_lng():
    assert centre("23.13,113.26") == (23.13, 113.26)


@pytest.mark.parametrize(("total", "weights"), [(1000, [1.0] * 302), (7, [3.0, 1.0, 1.0]), (0, [1.0, 2.0])])
def test_apportion_hands_out_exactly_the_total_in_proportion(total, weights):
    counts = apportion(total, weights)
    assert sum(counts) == total
    assert all(abs(c - total * w / sum(weights)) < 1 for c, w in zip(counts, weights, strict=True))
