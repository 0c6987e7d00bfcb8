from civicgrid.directory.selectors import people_for, units_for
from civicgrid.grid.selectors import compounds_for, grids_for


def test_community_secretary_sees_her_community_subtree(city):
    secretary = city.accounts["secretary"]
    community = city.communities[0]
    visible = set(grids_for(secretary))
    assert visible == {community, *community.children.all()}
    assert set(compounds_for(secretary)) == {c for c in city.compounds if c.grid.parent_id == community.pk}


def test_leader_sees_the_district(city):
    assert grids_for(city.accounts["leader"]).count() == 1 + 2 + 4 + 8


def test_property_handler_sees_managed_compounds_only(city):
    handler = city.accounts["property_handler"]
    assert not grids_for(handler).exists()
    assert set(compounds_for(handler)) == {
        c for c in city.compounds if c.property_company == city.units["property"]
    }
    assert city.units["other_property"] not in units_for(handler)


def test_citizen_sees_only_herself(city):
    citizen = city.accounts["citizen"]
    assert list(people_for(citizen)) == [citizen.person]
    assert not units_for(citizen).exists()
