import time
from concurrent.futures import ThreadPoolExecutor

import hypothesis
from django.core.cache import cache
from hypothesis import HealthCheck, given
from hypothesis import strategies as st
from shapely import Point
from shapely.geometry import shape
from smallcity import LAT0, LNG0, STEP, cell

from civicgrid.grid import locate as locate_module
from civicgrid.grid.locate import (
    NOWHERE,
    VERSION_CACHE_KEY,
    LocateIndex,
    Location,
    bump_version,
    current_index,
    locate,
    locate_many,
)
from civicgrid.grid.models import Compound, Grid


def at(x: float, y: float) -> tuple[float, float]:
    """(lat, lng) of a point given in the small city's cell units."""
    return LAT0 + y * STEP, LNG0 + x * STEP


def test_locate_returns_the_deepest_grid_and_the_compound(city):
    grid, compound = city.grids[0], city.compounds[0]
    location = locate(compound.centroid_lat, compound.centroid_lng)
    assert location == Location(grid_id=grid.pk, grid_path=grid.path, compound_id=compound.pk)


def test_a_point_outside_every_compound_still_has_its_grid(city):
    location = locate(*at(0.1, 0.1))
    assert (location.grid_id, location.compound_id) == (city.grids[0].pk, None)


def test_a_point_outside_the_district_is_nowhere(city):
    assert locate(*at(9, 5)) == NOWHERE
    assert locate(*at(-1, 2)).grid_id is None


def test_a_point_on_a_shared_border_goes_to_the_deepest_level_then_the_lowest_id(city):
    # x = 2 separates community 1 from community 2, y = 2 separates their grids: four grids meet here.
    lower_left = min(city.grids[:4], key=lambda g: g.pk)
    assert locate(*at(2, 2)).grid_id == lower_left.pk
    assert locate(*at(1, 2)).grid_id == min(city.grids[0].pk, city.grids[1].pk)


def test_locate_many_agrees_with_locate(city):
    points = [at(0.5, 0.5), at(3.5, 3.5), at(7.9, 0.1), at(20, 20), at(2, 2)]
    assert locate_many(points) == [locate(lat, lng) for lat, lng in points]
    assert locate_many([]) == []


def test_a_saved_polygon_is_seen_at_once_in_this_process(city):
    grid, community = city.grids[0], city.communities[0]
    point = at(1.5, 1.5)
    assert locate(*point).grid_id == grid.pk
    grid.boundary = cell(0, 0, 1, 2)
    grid.save()
    assert locate(*point).grid_id == community.pk


def test_a_deleted_compound_is_forgotten(city):
    compound = city.compounds[0]
    assert locate(compound.centroid_lat, compound.centroid_lng).compound_id == compound.pk
    compound.delete()
    assert locate(compound.centroid_lat, compound.centroid_lng).compound_id is None


def test_saving_other_fields_keeps_the_index(city):
    index = current_index()
    compound = city.compounds[0]
    compound.households_count = 120
    compound.save(update_fields=["households_count"])
    assert current_index() is index


def test_another_process_change_is_noticed_through_the_cache_version(city, settings):
    settings.CIVICGRID_LOCATE_REFRESH_SECONDS = 3600
    grid, community = city.grids[0], city.communities[0]
    point = at(1.5, 1.5)
    assert locate(*point).grid_id == grid.pk
    # Another process shrinks the grid: this process gets no signal, only the version it bumps after commit.
    Grid.objects.filter(pk=grid.pk).update(boundary=cell(0, 0, 1, 2))
    bump_version()
    assert locate(*point).grid_id == grid.pk, "versions are compared only every REFRESH_SECONDS"
    settings.CIVICGRID_LOCATE_REFRESH_SECONDS = 0
    assert locate(*point).grid_id == community.pk


def test_a_committed_change_bumps_the_version_once(city, django_capture_on_commit_callbacks):
    cache.set(VERSION_CACHE_KEY, 7, timeout=None)
    with django_capture_on_commit_callbacks(execute=True):
        city.grids[0].save()
        city.compounds[0].delete()
    assert cache.get(VERSION_CACHE_KEY) == 9


def test_an_unreadable_boundary_is_skipped_not_fatal(city):
    Compound.objects.filter(pk=city.compounds[1].pk).update(boundary={"type": "Polygon"})
    compound = city.compounds[0]
    assert locate(compound.centroid_lat, compound.centroid_lng).compound_id == compound.pk


def brute_force(lat: float, lng: float) -> tuple[int | None, int | None]:
    point = Point(lng, lat)
    grids = [g for g in Grid.objects.all() if shape(g.boundary).covers(point)]
    compounds = [c.pk for c in Compound.objects.all() if shape(c.boundary).covers(point)]
    grid = min(grids, key=lambda g: (-g.level, g.pk), default=None)
    return (grid.pk if grid else None), min(compounds, default=None)


# Half of the coordinates fall on the cell lines, where neighbouring polygons touch.
coordinate = st.one_of(st.floats(-1, 9), st.integers(-1, 9).map(float))


@hypothesis.settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(x=coordinate, y=coordinate)
def test_locate_agrees_with_brute_force(city, x, y):
    location = locate(*at(x, y))
    assert (location.grid_id, location.compound_id) == brute_force(*at(x, y))


def test_threads_asking_at_once_share_one_build(monkeypatch):
    builds = []

    def slow_build() -> LocateIndex:
        builds.append(1)
        time.sleep(0.05)
        return LocateIndex([], [])

    monkeypatch.setattr(locate_module, "build_index", slow_build)
    with ThreadPoolExecutor(max_workers=8) as pool:
        indexes = list(pool.map(lambda _: current_index(), range(8)))
    assert len(builds) == 1
    assert all(index is indexes[0] for index in indexes)


def test_a_lost_version_starts_again_from_the_clock(db):
    cache.delete(VERSION_CACHE_KEY)
    bump_version()
    assert cache.get(VERSION_CACHE_KEY) > 1_000_000_000
