"""A small city with one account per role, built in a test's database: shared by every test package.

District 0..8 × 0..4 (lng/lat offsets in 0.01°), two streets side by side, two communities per street, two
grids per community, one compound per grid.
"""

from dataclasses import dataclass, field

from shapely.geometry import box

from civicgrid.directory.models import Person, Role, Unit, UnitKind
from civicgrid.directory.services import assign_role, create_account
from civicgrid.grid.geometry import to_geojson
from civicgrid.grid.models import Compound, Grid

PASSWORD = "Civic#2026"


@dataclass
class SmallCity:
    """What build_small_city made, by kind."""

    district: Grid
    streets: list[Grid] = field(default_factory=list)
    communities: list[Grid] = field(default_factory=list)
    grids: list[Grid] = field(default_factory=list)
    compounds: list[Compound] = field(default_factory=list)
    units: dict[str, Unit] = field(default_factory=dict)
    accounts: dict[str, object] = field(default_factory=dict)


LNG0, LAT0, STEP = 118.70, 32.00, 0.01


def cell(x0: float, y0: float, x1: float, y1: float) -> dict:
    return to_geojson(box(LNG0 + x0 * STEP, LAT0 + y0 * STEP, LNG0 + x1 * STEP, LAT0 + y1 * STEP))


def make_account(username: str, name: str, role: str, *, grid=None, unit=None):
    person = Person.objects.create(name=name, phone="13800000000", unit=unit, home_grid=grid)
    account = create_account(person=person, username=username, password=PASSWORD, must_change_password=False)
    assign_role(account=account, role=role, grid=grid, unit=unit)
    return account


def build_small_city() -> SmallCity:
    district = Grid.objects.create(name="测试区", code="320102000000", level=0, boundary=cell(0, 0, 8, 4))
    city = SmallCity(district=district)
    for s in range(2):
        street = Grid.objects.create(
            name=f"第{s + 1}街道",
            code=f"3201020{s + 1:02d}000",
            level=1,
            parent=district,
            boundary=cell(4 * s, 0, 4 * s + 4, 4),
        )
        city.streets.append(street)
        for c in range(2):
            x = 4 * s + 2 * c
            community = Grid.objects.create(
                name=f"第{s + 1}街道{c + 1}社区",
                code=f"3201020{s + 1:02d}{c + 1:03d}",
                level=2,
                parent=street,
                boundary=cell(x, 0, x + 2, 4),
            )
            city.communities.append(community)
            for g in range(2):
                grid = Grid.objects.create(
                    name=f"{community.name}第{g + 1}网格",
                    level=3,
                    parent=community,
                    boundary=cell(x, 2 * g, x + 2, 2 * g + 2),
                )
                city.grids.append(grid)
    city.units["property"] = Unit.objects.create(name="安居物业公司", kind=UnitKind.PROPERTY_COMPANY)
    city.units["other_property"] = Unit.objects.create(name="乐家物业公司", kind=UnitKind.PROPERTY_COMPANY)
    city.units["department"] = Unit.objects.create(
        name="区城市管理局", kind=UnitKind.GOVERNMENT_DEPARTMENT, grid=district
    )
    city.units["street_office"] = Unit.objects.create(
        name="第1街道办事处", kind=UnitKind.STREET_OFFICE, grid=city.streets[0]
    )
    for i, grid in enumerate(city.grids):
        company = city.units["property"] if i % 2 == 0 else city.units["other_property"]
        lng, lat = grid.centroid_lng, grid.centroid_lat
        city.compounds.append(
            Compound.objects.create(
                name=f"幸福{i + 1}号小区",
                grid=grid,
                property_company=company,
                boundary=to_geojson(box(lng - 0.002, lat - 0.002, lng + 0.002, lat + 0.002)),
            )
        )
    accounts = city.accounts
    accounts["admin"] = make_account("admin", "管理员", Role.ADMINISTRATOR)
    accounts["leader"] = make_account("leader", "区领导", Role.LEADER, grid=district)
    accounts["supervisor"] = make_account("supervisor", "督办员", Role.SUPERVISOR, grid=district)
    accounts["dispatcher"] = make_account("dispatcher", "话务员", Role.DISPATCHER, grid=district)
    accounts["secretary"] = make_account(
        "secretary", "社区书记", Role.COMMUNITY_SECRETARY, grid=city.communities[0]
    )
    accounts["grid_worker"] = make_account("gridworker", "网格员", Role.GRID_WORKER, grid=city.grids[0])
    accounts["handler"] = make_account(
        "handler", "部门承办人", Role.DEPARTMENT_HANDLER, unit=city.units["department"]
    )
    accounts["property_handler"] = make_account(
        "property", "物业承办人", Role.DEPARTMENT_HANDLER, unit=city.units["property"]
    )
    accounts["citizen"] = make_account("citizen", "居民", Role.CITIZEN, grid=city.grids[1])
    accounts["party_member"] = make_account("partymember", "党员", Role.PARTY_MEMBER, grid=city.grids[2])
    return city
