import pytest
from django.core.exceptions import ValidationError
from smallcity import cell, make_account

from civicgrid.directory.models import Role
from civicgrid.grid.selectors import compounds_for, grids_for
from civicgrid.grid.services import assign_grid_worker, create_grid


def test_create_grid_under_a_parent(city):
    grid = create_grid(name="新住户小组", level=4, parent=city.grids[0], boundary=cell(0, 0, 1, 1))
    assert grid.path == f"{city.grids[0].path}{grid.pk}/"
    assert grid.centroid_lat is not None


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"level": 2}, "bad_level"),
        ({"level": 9}, "bad_level"),
        ({"level": 4, "code": "12345"}, "code_not_allowed"),
        ({"level": 4, "boundary": {"type": "Point", "coordinates": [0, 0]}}, "bad_geometry_type"),
    ],
)
def test_create_grid_refuses_what_does_not_fit(city, kwargs, code):
    with pytest.raises(ValidationError) as error:
        create_grid(name="坏网格", parent=city.grids[0], **kwargs)
    assert error.value.code == code


def test_create_grid_refuses_a_duplicate_code_and_a_parentless_lower_level(city):
    with pytest.raises(ValidationError, match="已存在"):
        create_grid(name="重复", level=2, parent=city.streets[0], code=city.communities[0].code)
    with pytest.raises(ValidationError, match="须有上级"):
        create_grid(name="孤儿", level=3)


def test_a_grid_worker_sees_the_grid_assigned(city):
    account = make_account("worker2", "新网格员", Role.CITIZEN, grid=city.grids[3])
    assignment = assign_grid_worker(account=account, grid=city.grids[3])
    assert (assignment.role, assignment.grid) == (Role.GRID_WORKER, city.grids[3])
    assert assign_grid_worker(account=account, grid=city.grids[3]) == assignment
    account.refresh_from_db()
    assert list(grids_for(account)) == [city.grids[3]]


def test_an_administrator_sees_every_compound(city):
    assert set(compounds_for(city.accounts["admin"])) == set(city.compounds)
