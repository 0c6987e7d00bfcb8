"""The demo city: a whole district on real division codes, generated from a seed (same seed, same city).

The generator runs its steps in order, each drawing from its own random stream, so changing one step's
counts leaves what the others produce unchanged; the last step lives a few thousand appeals through the
appeals services (demo/appeals.py).

1. The district's real streets and communities (grid.services.import_divisions).
2. Their polygons: an outline round the district's real centre cut into one Lloyd-relaxed Voronoi cell per
   community; each street is the union of its communities' cells.
3. Each community divided into resident groups (居民小组, the grids grid workers patrol), each of those into
   household groups (住户小组), as deep as settings.CIVICGRID_GRID_LEVELS goes.
4. Units: district departments, enterprises, social organisations, a street office per street, a community
   committee per community, property companies.
5. Compounds with buildings in the deepest grids; households for the compounds of the demo grid.
6. People and accounts: one demo account per role, a secretary per community, a grid worker per resident
   group.

Geometry is drawn in a local plane in kilometres (so cells are not stretched east-west) and stored in WGS-84
degrees, each child clipped to its parent's stored polygon, so the tree nests on the stored 1e-6° grid.
"""

import json
import math
import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

import shapely
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from shapely import affinity
from shapely.geometry import MultiPoint, Point, Polygon
from shapely.geometry.base import BaseGeometry
from tqdm import tqdm

from civicgrid.directory.models import Account, Person, Role, Unit, UnitKind
from civicgrid.directory.services import assign_role
from civicgrid.grid.divisions import pad_code
from civicgrid.grid.geometry import to_geojson
from civicgrid.grid.locate import batched_changes
from civicgrid.grid.models import Building, Compound, Grid, Household
from civicgrid.grid.services import create_grid, import_divisions

from .accounts import DEMO_ACCOUNTS
from .appeals import AppealsStep
from .models import DemoCity

NAMES = json.loads((Path(__file__).parent / "data" / "names.json").read_text(encoding="utf-8"))

# (lat, lng) of the real centre of districts the demo knows; others need an explicit centre.
DISTRICT_CENTRES = {"320102": (32.05, 118.80)}
DISTRICT_RADIUS_KM = 4.5
KM_PER_DEGREE_LAT = 111.32
STORED_GRID_SIZE = 1e-6  # degrees, the precision to_geojson stores (~0.1 m)
COMMUNITY_LEVEL = 2
# Children of each grid below the community, by level of the children: (fewest, most).
SUBDIVISIONS = {3: (2, 3), 4: (2, 2)}
LLOYD_ITERATIONS = 8
# Road half-width kept free between a compound and its neighbours or its grid's edge, in km.
COMPOUND_INSET_KM = (0.015, 0.04)
BUILDINGS_PER_COMPOUND = (3, 20)
FLOORS = (5, 6, 6, 6, 7, 11, 18, 24)
ENTRANCES_PER_BUILDING = (1, 4)
FLATS_PER_LANDING = 2  # 一梯两户
COMMUNITY_STAFF_ROLES = frozenset({Role.COMMUNITY_SECRETARY, Role.GRID_WORKER})
RESIDENT_ROLES = frozenset({Role.CITIZEN, Role.PARTY_MEMBER})


class Plane:
    """A flat map in kilometres centred on the district, to and from WGS-84 degrees."""

    def __init__(self, lat: float, lng: float) -> None:
        self.lat, self.lng = lat, lng
        self.km_per_degree_lng = KM_PER_DEGREE_LAT * math.cos(math.radians(lat))

    def to_degrees(self, shape: BaseGeometry) -> BaseGeometry:
        matrix = [1 / self.km_per_degree_lng, 0, 0, 1 / KM_PER_DEGREE_LAT, self.lng, self.lat]
        return affinity.affine_transform(shape, matrix)

    def to_km(self, shape: BaseGeometry) -> BaseGeometry:
        matrix = [
            self.km_per_degree_lng,
            0,
            0,
            KM_PER_DEGREE_LAT,
            -self.lng * self.km_per_degree_lng,
            -self.lat * KM_PER_DEGREE_LAT,
        ]
        return affinity.affine_transform(shape, matrix)


def district_outline(rng: random.Random) -> Polygon:
    """An irregular outline round (0, 0), convex so that every Voronoi cell cut from it is in one piece."""
    corners = 20
    points = []
    for corner in range(corners):
        angle = 2 * math.pi * (corner + rng.uniform(-0.3, 0.3)) / corners
        radius = DISTRICT_RADIUS_KM * rng.uniform(0.8, 1.2)
        points.append((radius * math.cos(angle), radius * math.sin(angle)))
    return MultiPoint(points).convex_hull


def partition(area: Polygon, count: int, rng: random.Random) -> list[Polygon]:
    """`count` convex cells of similar size tiling a convex area: Voronoi cells of random points, each point
    moved to its cell's centroid a few times (Lloyd relaxation), which leaves no slivers."""
    if count == 1:
        return [area]
    shapely.prepare(area)
    minx, miny, maxx, maxy = area.bounds
    points: list[Point] = []
    while len(points) < count:
        point = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if area.contains(point):
            points.append(point)
    for _ in range(LLOYD_ITERATIONS):
        points = [cell.centroid for cell in _voronoi_cells(area, points)]
    return _voronoi_cells(area, points)


def _voronoi_cells(area: Polygon, points: Sequence[Point]) -> list[Polygon]:
    diagram = shapely.voronoi_polygons(MultiPoint(points), extend_to=area, ordered=True)
    return [cell.intersection(area) for cell in diagram.geoms]


def group_cells(cells: list[Polygon], sizes: list[int]) -> list[list[Polygon]]:
    """Contiguous groups of cells with the given sizes, in order: cut the cells across their longer extent so
    that the groups on each side add up, and recurse on both sides."""
    if len(sizes) == 1:
        return [cells]
    total = sum(sizes)
    cut = min(range(1, len(sizes)), key=lambda k: abs(2 * sum(sizes[:k]) - total))
    minx, miny, maxx, maxy = shapely.union_all(cells).bounds
    wide = maxx - minx >= maxy - miny
    ordered = sorted(cells, key=lambda cell: _position(cell.centroid, wide))
    left = sum(sizes[:cut])
    return group_cells(ordered[:left], sizes[:cut]) + group_cells(ordered[left:], sizes[cut:])


def _position(point: Point, west_to_east: bool) -> tuple[float, float]:
    return (point.x, point.y) if west_to_east else (point.y, point.x)


def apportion(total: int, weights: Sequence[float]) -> list[int]:
    """`total` split in proportion to the weights, in whole numbers (largest remainders get the rest)."""
    quotas = [total * w / sum(weights) for w in weights]
    counts = [math.floor(q) for q in quotas]
    by_remainder = sorted(range(len(quotas)), key=lambda i: counts[i] - quotas[i])
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def polygonal(shape: BaseGeometry) -> BaseGeometry:
    """The polygons of an overlay result, without the slivers of lines or points fixed precision can leave."""
    if shape.geom_type in ("Polygon", "MultiPolygon"):
        return shape
    return shapely.union_all([part for part in shape.geoms if part.geom_type in ("Polygon", "MultiPolygon")])


class DemoCityGenerator:
    """Builds the demo city once per district; a second build finds the DemoCity marker and does nothing."""

    def __init__(
        self,
        *,
        district_code: str | None = None,
        seed: int | None = None,
        compounds: int = 1000,
        property_companies: int = 40,
        centre: tuple[float, float] | None = None,
        progress: bool = False,
    ) -> None:
        self.district_code = district_code or settings.CIVICGRID_DEMO_DISTRICT
        self.seed = settings.CIVICGRID_DEMO_SEED if seed is None else seed
        self.compound_count = compounds
        self.property_company_count = property_companies
        self.centre = centre or DISTRICT_CENTRES.get(self.district_code)
        self.progress = progress
        self.steps: list[Callable[[random.Random], None]] = [
            self.load_divisions,
            self.draw_divisions,
            self.divide_communities,
            self.create_units,
            self.create_compounds,
            self.create_people,
            AppealsStep(self),
        ]
        self.shapes: dict[int, BaseGeometry] = {}  # grid pk → polygon on the plane (km)
        self.boundaries: dict[int, BaseGeometry] = {}  # grid pk → stored polygon (degrees)

    def build(self) -> tuple[DemoCity, bool]:
        """The demo city and whether it was built now; all or nothing."""
        city = DemoCity.objects.filter(district__code=pad_code(self.district_code)).first()
        if city is not None:
            return city, False
        if self.centre is None:
            raise ValidationError(f"不知道区县 {self.district_code} 的中心坐标：请指定中心（纬度,经度）。")
        self.plane = Plane(*self.centre)
        with transaction.atomic(), batched_changes():
            for step in self.steps:
                step(random.Random(f"{self.seed}:{step.__name__}"))
            city = DemoCity.objects.create(district=self.district, seed=self.seed)
        return city, True

    # --- steps ------------------------------------------------------------------------------------------

    def load_divisions(self, rng: random.Random) -> None:
        self.district = import_divisions(self.district_code)
        if self.district.boundary:
            raise ValidationError(f"{self.district.name}已有边界：演示城市只为没有边界的区生成边界与网格。")
        self.streets = list(self.district.children.order_by("code"))
        self.communities = list(Grid.objects.filter(parent__in=self.streets).order_by("code"))

    def draw_divisions(self, rng: random.Random) -> None:
        self._draw(self.district, district_outline(rng))
        members = [[c for c in self.communities if c.parent_id == street.pk] for street in self.streets]
        cells = partition(self.shapes[self.district.pk], len(self.communities), rng)
        for street, communities, street_cells in zip(
            self.streets, members, group_cells(cells, [len(m) for m in members]), strict=True
        ):
            self._draw(street, shapely.union_all(street_cells))
            for community, cell in zip(communities, street_cells, strict=True):
                self._draw(community, cell)

    def divide_communities(self, rng: random.Random) -> None:
        levels = settings.CIVICGRID_GRID_LEVELS
        self.grids_by_level: dict[int, list[Grid]] = {COMMUNITY_LEVEL: self.communities}
        parents = self.communities
        for level in (level for level in SUBDIVISIONS if level < len(levels)):
            fewest, most = SUBDIVISIONS[level]
            children = []
            for parent in self._progress(parents, f"{levels[level]['name']}网格"):
                cells = partition(self.shapes[parent.pk], rng.randint(fewest, most), rng)
                for number, cell in enumerate(cells, start=1):
                    name = f"{parent.name}第{number}{levels[level]['name']}"
                    children.append(self._create_grid(name, level, parent, cell))
            self.grids_by_level[level] = children
            parents = children
        self.leaves = parents
        self.resident_groups = self.grids_by_level[COMMUNITY_LEVEL + 1]
        # The demo accounts below the community all live and work in the first resident group.
        self.demo_resident_group = self.resident_groups[0]

    def create_units(self, rng: random.Random) -> None:
        district = self.district

        def units(templates: Iterable[str], kind: UnitKind) -> list[Unit]:
            return [self._unit(t.format(district=district.name), kind, district) for t in templates]

        self.departments = units(NAMES["government_departments"], UnitKind.GOVERNMENT_DEPARTMENT)
        units(NAMES["enterprises"], UnitKind.ENTERPRISE)
        units(NAMES["social_organisations"], UnitKind.SOCIAL_ORGANISATION)
        for street in self.streets:
            # A development zone (开发区) is run by a management committee, a street (街道) by an office.
            office = f"{street.name}办事处" if street.name.endswith("街道") else f"{street.name}管理委员会"
            self._unit(office, UnitKind.STREET_OFFICE, street)
        self.committees = {
            c.pk: self._unit(f"{c.name}居民委员会", UnitKind.COMMUNITY_COMMITTEE, c) for c in self.communities
        }
        names = [w + s for w in NAMES["property_company_words"] for s in NAMES["property_company_suffixes"]]
        self.property_companies = [
            self._unit(name, UnitKind.PROPERTY_COMPANY, None)
            for name in rng.sample(names, self.property_company_count)
        ]

    def create_compounds(self, rng: random.Random) -> None:
        names = [w + s for w in NAMES["compound_words"] for s in NAMES["compound_suffixes"]]
        compound_names = iter(rng.sample(names, self.compound_count))
        roads = [w + rng.choice(NAMES["road_suffixes"]) for w in NAMES["road_words"]]
        quotas = apportion(self.compound_count, [self.shapes[leaf.pk].area for leaf in self.leaves])
        buildings: list[tuple[Building, int]] = []  # with its number of entrances (单元)
        self.demo_compounds: list[Compound] = []
        for leaf, quota in self._progress(list(zip(self.leaves, quotas, strict=True)), "小区"):
            for cell in partition(self.shapes[leaf.pk], quota, rng) if quota else []:
                shape = cell.buffer(-rng.uniform(*COMPOUND_INSET_KM), join_style="mitre")
                layout = [
                    (rng.choice(FLOORS), rng.randint(*ENTRANCES_PER_BUILDING))
                    for _ in range(rng.randint(*BUILDINGS_PER_COMPOUND))
                ]
                flats = FLATS_PER_LANDING * sum(floors * entrances for floors, entrances in layout)
                compound = Compound.objects.create(
                    name=next(compound_names),
                    grid=leaf,
                    address=f"{self.district.name}{rng.choice(roads)}{rng.randint(1, 399)}号",
                    property_company=rng.choice(self.property_companies),
                    boundary=to_geojson(self.plane.to_degrees(shape)),
                    households_count=flats,
                )
                buildings += [
                    (Building(compound=compound, number=str(number), floors=floors), entrances)
                    for number, (floors, entrances) in enumerate(layout, start=1)
                ]
                if leaf.path.startswith(self.demo_resident_group.path):
                    self.demo_compounds.append(compound)
        Building.objects.bulk_create([building for building, _ in buildings], batch_size=2000)
        demo_compound_ids = {compound.pk for compound in self.demo_compounds}
        # Households only for the demo grid's compounds: the whole district would be ~400,000 rows.
        households = [
            Household(
                building=building,
                unit_number=str(entrance),
                room=f"{floor}{door:02d}",
                residents_count=rng.randint(1, 5),
            )
            for building, entrances in buildings
            if building.compound_id in demo_compound_ids
            for entrance in range(1, entrances + 1)
            for floor in range(1, building.floors + 1)
            for door in range(1, FLATS_PER_LANDING + 1)
        ]
        Household.objects.bulk_create(households, batch_size=2000)
        self.citizen_household = households[0] if households else None

    def create_people(self, rng: random.Random) -> None:
        validate_password(settings.CIVICGRID_DEMO_PASSWORD)
        # One hash for every demo account: hashing costs ~0.25 s, a few hundred accounts would take a minute,
        # and the password is printed for all to see anyway.
        self.password_hash = make_password(settings.CIVICGRID_DEMO_PASSWORD)
        demo_property_company = (
            self.demo_compounds[0].property_company if self.demo_compounds else self.property_companies[0]
        )
        scopes = {
            "district": {"grid": self.district},
            "community": {"grid": self.communities[0]},
            "resident_group": {"grid": self.demo_resident_group},
            "department": {"unit": self.departments[0]},
            "property_company": {"unit": demo_property_company},
        }
        for demo in DEMO_ACCOUNTS:
            self._account(rng, demo.username, demo.role, **scopes.get(demo.scope, {}))
        # The demo secretary and grid worker hold the first community and resident group.
        for community in self._progress(self.communities[1:], "社区书记"):
            self._account(rng, f"secretary-{community.code[6:]}", Role.COMMUNITY_SECRETARY, grid=community)
        for number, group in enumerate(self._progress(self.resident_groups, "网格员"), start=1):
            if group is not self.demo_resident_group:
                self._account(rng, f"gridworker-{number:03d}", Role.GRID_WORKER, grid=group)

    # --- helpers ----------------------------------------------------------------------------------------

    def _draw(self, grid: Grid, shape: BaseGeometry) -> None:
        """Give a grid imported without a boundary its polygon."""
        degrees = self._stored(shape, grid.parent_id)
        grid.boundary = to_geojson(degrees)
        grid.save()
        self._remember(grid, degrees)

    def _create_grid(self, name: str, level: int, parent: Grid, shape: BaseGeometry) -> Grid:
        degrees = self._stored(shape, parent.pk)
        grid = create_grid(name=name, level=level, parent=parent, boundary=to_geojson(degrees))
        self._remember(grid, degrees)
        return grid

    def _stored(self, shape: BaseGeometry, parent_id: int | None) -> BaseGeometry:
        """The plane polygon in degrees at the stored precision, clipped to the parent's stored polygon."""
        degrees = self.plane.to_degrees(shape)
        if parent_id is None:
            return shapely.set_precision(degrees, STORED_GRID_SIZE)
        parent = self.boundaries[parent_id]
        return polygonal(shapely.intersection(degrees, parent, grid_size=STORED_GRID_SIZE))

    def _remember(self, grid: Grid, degrees: BaseGeometry) -> None:
        # Children are cut from the stored polygon, not the one drawn, so that they cover it to the edge.
        self.shapes[grid.pk] = self.plane.to_km(degrees)
        self.boundaries[grid.pk] = degrees

    def _unit(self, name: str, kind: UnitKind, grid: Grid | None) -> Unit:
        # Reuse a unit of the same name (names are unique) rather than fail on one created by hand.
        return Unit.objects.get_or_create(name=name, defaults={"kind": kind, "grid": grid})[0]

    def _account(
        self,
        rng: random.Random,
        username: str,
        role: Role,
        *,
        grid: Grid | None = None,
        unit: Unit | None = None,
    ) -> Account:
        employer = self.committees[self._community_of(grid).pk] if role in COMMUNITY_STAFF_ROLES else unit
        person = Person.objects.create(
            name=rng.choice(NAMES["surnames"])
            + "".join(rng.choices(NAMES["given_name_characters"], k=rng.choice((1, 2, 2)))),
            phone=f"139{rng.randrange(10**8):08d}",
            unit=employer,
            home_grid=grid if role in RESIDENT_ROLES else None,
            household=self.citizen_household if role == Role.CITIZEN else None,
        )
        # Not directory.services.create_account: it hashes the password once per account (see create_people).
        account = Account.objects.create(
            username=username,
            person=person,
            password=self.password_hash,
            must_change_password=False,
            password_changed_at=timezone.now(),
        )
        assign_role(account=account, role=role, grid=grid, unit=unit)
        return account

    def _community_of(self, grid: Grid) -> Grid:
        while grid.level > COMMUNITY_LEVEL:
            grid = grid.parent
        return grid

    def _progress(self, items: Sequence, description: str) -> Iterator:
        return iter(tqdm(items, desc=description, unit="个", disable=not self.progress, leave=False))
