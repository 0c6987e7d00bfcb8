"""Through every object view, an account reads what its scope holds and nothing else: an object outside the
scope answers 404, never 403, so its existence does not leak."""

import pytest
from django.urls import reverse
from smallcity import cell

from civicgrid.directory.models import Person, Unit, UnitKind
from civicgrid.directory.selectors import people_for, units_for
from civicgrid.grid.models import Compound, Grid
from civicgrid.grid.selectors import compounds_for, grids_for


@pytest.fixture
def elsewhere(city) -> dict:
    """A neighbouring district that none of the city's accounts but the administrator may see."""
    district = Grid.objects.create(name="邻区", code="320104000000", level=0, boundary=cell(10, 0, 14, 4))
    street = Grid.objects.create(name="邻区街道", level=1, parent=district, boundary=cell(10, 0, 12, 4))
    company = Unit.objects.create(name="邻区物业公司", kind=UnitKind.PROPERTY_COMPANY)
    return {
        "grid": street,
        "compound": Compound.objects.create(name="邻区小区", grid=street, property_company=company),
        "unit": Unit.objects.create(name="邻区街道办事处", kind=UnitKind.STREET_OFFICE, grid=street),
        "person": Person.objects.create(name="邻区居民", phone="13900000000", home_grid=street),
    }


# For each account of the small city and each kind of object: one it may read and one it may not, named as
# paths into the city ("grids.0", "units.property", "accounts.citizen" for that account's person) or into
# `elsewhere`. None: the account sees no object of that kind at all (or, for the administrator, every one).
DISTRICT_WIDE = {
    "grid": ("grids.0", "elsewhere.grid"),
    "compound": ("compounds.0", "elsewhere.compound"),
    "unit": ("units.street_office", "elsewhere.unit"),
    "person": ("accounts.citizen", "elsewhere.person"),
}
EXPECTED = {
    "admin": {
        "grid": ("elsewhere.grid", None),
        "compound": ("elsewhere.compound", None),
        "unit": ("elsewhere.unit", None),
        "person": ("elsewhere.person", None),
    },
    "leader": DISTRICT_WIDE,
    "supervisor": DISTRICT_WIDE,
    "dispatcher": DISTRICT_WIDE,
    "secretary": {
        "grid": ("grids.1", "grids.2"),
        "compound": ("compounds.1", "compounds.2"),
        "unit": ("units.other_property", "units.street_office"),
        "person": ("accounts.grid_worker", "accounts.party_member"),
    },
    "grid_worker": {
        "grid": ("grids.0", "grids.1"),
        "compound": ("compounds.0", "compounds.1"),
        "unit": ("units.property", "units.other_property"),
        "person": ("accounts.grid_worker", "accounts.citizen"),
    },
    "handler": {
        "grid": (None, "grids.0"),
        "compound": (None, "compounds.0"),
        "unit": ("units.department", "units.property"),
        "person": ("accounts.handler", "accounts.citizen"),
    },
    "property_handler": {
        "grid": (None, "grids.0"),
        "compound": ("compounds.0", "compounds.1"),
        "unit": ("units.property", "units.other_property"),
        "person": ("accounts.property_handler", "accounts.citizen"),
    },
    "citizen": {
        "grid": (None, "grids.1"),
        "compound": (None, "compounds.1"),
        "unit": (None, "units.department"),
        "person": ("accounts.citizen", "accounts.grid_worker"),
    },
    "party_member": {
        "grid": (None, "grids.2"),
        "compound": (None, "compounds.2"),
        "unit": (None, "units.department"),
        "person": ("accounts.party_member", "accounts.citizen"),
    },
}
VIEWS = {
    "grid": ("web:grid_detail", "web:grid_list", grids_for),
    "compound": ("web:compound_detail", "web:compound_list", compounds_for),
    "unit": ("web:unit_detail", "web:unit_list", units_for),
    "person": ("web:person_detail", "web:person_list", people_for),
}
CASES = [(account, kind) for account, kinds in EXPECTED.items() for kind in kinds]


def resolve(ref, city, elsewhere):
    if ref is None:
        return None
    where, key = ref.split(".")
    if where == "elsewhere":
        return elsewhere[key]
    if where == "accounts":
        return city.accounts[key].person
    collection = getattr(city, where)
    return collection[int(key)] if isinstance(collection, list) else collection[key]


@pytest.fixture
def as_account(client, city):
    def log_in(key):
        account = city.accounts[key]
        client.force_login(account)
        return account

    return log_in


@pytest.mark.parametrize(("account_key", "kind"), CASES)
def test_object_view_answers_404_outside_scope(client, city, elsewhere, as_account, account_key, kind):
    as_account(account_key)
    detail, _, _ = VIEWS[kind]
    inside, outside = (resolve(ref, city, elsewhere) for ref in EXPECTED[account_key][kind])
    if inside is not None:
        assert client.get(reverse(detail, args=[inside.pk])).status_code == 200
    if outside is not None:
        assert client.get(reverse(detail, args=[outside.pk])).status_code == 404


@pytest.mark.parametrize(("account_key", "kind"), CASES)
def test_list_shows_only_rows_in_scope(client, city, elsewhere, as_account, account_key, kind):
    account = as_account(account_key)
    _, list_view, selector = VIEWS[kind]
    inside, outside = (resolve(ref, city, elsewhere) for ref in EXPECTED[account_key][kind])
    response = client.get(reverse(list_view))
    assert response.status_code == 200
    rows = set(response.context["page"].object_list)
    assert rows == set(selector(account))
    assert inside is None or inside in rows
    assert outside not in rows


@pytest.mark.parametrize("list_view", ["web:compound_list", "web:unit_list"])
@pytest.mark.parametrize("account_key", [key for key, kinds in EXPECTED.items() if kinds["grid"][1]])
def test_lists_of_a_grid_outside_scope_answer_404(
    client, city, elsewhere, as_account, account_key, list_view
):
    as_account(account_key)
    outside = resolve(EXPECTED[account_key]["grid"][1], city, elsewhere)
    assert client.get(reverse(list_view), {"grid": outside.pk}).status_code == 404


def test_grid_breadcrumb_names_only_ancestors_in_scope(client, city, as_account):
    as_account("secretary")
    response = client.get(reverse("web:grid_detail", args=[city.grids[0].pk]))
    assert list(response.context["ancestors"]) == [city.communities[0]]
    assert reverse("web:grid_detail", args=[city.streets[0].pk]) not in response.content.decode()
