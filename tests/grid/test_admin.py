import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from civicgrid.grid.models import Building, Compound, Grid, Household

from .geojson_files import broken_file, good_file

IMPORT_URL = reverse("admin:grid_grid_import_geojson")


@pytest.fixture
def admin_client(client, city):
    client.force_login(city.accounts["admin"])
    return client


def upload(city_file: dict, name: str = "grids.geojson") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, json.dumps(city_file, ensure_ascii=False).encode(), "application/geo+json"
    )


def test_the_grid_list_links_to_the_import_page(admin_client):
    response = admin_client.get(reverse("admin:grid_grid_changelist"))
    assert response.status_code == 200
    assert IMPORT_URL in response.content.decode()
    assert admin_client.get(IMPORT_URL).status_code == 200


def test_a_good_upload_is_imported_with_a_success_message(admin_client, city):
    response = admin_client.post(IMPORT_URL, {"file": upload(good_file(city))}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("admin:grid_grid_changelist")
    assert "新建网格 2 个" in response.content.decode()
    assert Grid.objects.filter(name="西片住户小组").exists()


def test_a_broken_upload_shows_the_report_and_saves_nothing(admin_client, city):
    before = (Grid.objects.count(), Compound.objects.count())
    response = admin_client.post(IMPORT_URL, {"file": upload(broken_file(city))})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="import-report"' in page
    for name in ("蝴蝶结网格", "重叠网格", "无主网格", "一个点"):
        assert name in page
    for code in ("self_intersection", "overlap", "unknown_parent", "bad_geometry_type", "missing_name"):
        assert f"<code>{code}</code>" in page
    assert "未导入任何数据" in page
    assert (Grid.objects.count(), Compound.objects.count()) == before


def test_an_upload_that_is_not_json_is_reported(admin_client):
    response = admin_client.post(IMPORT_URL, {"file": SimpleUploadedFile("x.geojson", b"\xff\xfe")})
    assert "不是 UTF-8 编码的 JSON" in response.content.decode()


def test_only_people_who_may_add_grids_reach_the_import(client, city):
    client.force_login(city.accounts["leader"])
    assert client.get(IMPORT_URL).status_code in (302, 403)


def test_every_grid_admin_page_renders(admin_client, city):
    compound = city.compounds[0]
    building = Building.objects.create(compound=compound, number="1")
    household = Household.objects.create(building=building, room="101")
    for model, obj in (
        (Grid, city.grids[0]),
        (Compound, compound),
        (Building, building),
        (Household, household),
    ):
        info = model._meta.app_label, model._meta.model_name
        assert admin_client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200
        assert admin_client.get(reverse("admin:{}_{}_change".format(*info), args=[obj.pk])).status_code == 200
    response = admin_client.get(reverse("admin:grid_grid_changelist"), {"q": city.grids[0].name, "level": 3})
    assert response.status_code == 200


def test_a_hand_edited_boundary_must_be_a_valid_polygon(admin_client, city):
    grid = city.grids[0]
    url = reverse("admin:grid_grid_change", args=[grid.pk])
    bow_tie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    response = admin_client.post(url, {"name": grid.name, "code": "", "boundary": json.dumps(bow_tie)})
    assert response.status_code == 200
    assert "自相交" in response.content.decode()
    grid.refresh_from_db()
    assert grid.boundary != bow_tie


def test_a_grid_added_in_the_admin_must_fit_the_levels(admin_client, city):
    url = reverse("admin:grid_grid_add")
    response = admin_client.post(
        url, {"name": "错层网格", "code": "", "level": 1, "parent": city.grids[0].pk}
    )
    assert response.status_code == 200
    assert "须低于上级" in response.content.decode()
    response = admin_client.post(
        url, {"name": "新住户小组", "code": "", "level": 4, "parent": city.grids[0].pk}
    )
    assert response.status_code == 302
    assert Grid.objects.get(name="新住户小组").parent == city.grids[0]
