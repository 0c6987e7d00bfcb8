"""Catalogue resources, dispatch rules and figures, scoped as in the UI; the schema and an offline docs
page."""

import re

import pytest
from django.contrib.staticfiles import finders

from civicgrid.appeals import services
from civicgrid.appeals.models import DispatchRule


def listed(api, key, path) -> list[dict]:
    response = api.get(path, **key.headers)
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.mark.parametrize(
    ("path", "admin_count", "dashboard_count"),
    [
        (
            "/api/v1/grids/",
            15,
            3,
        ),  # district, 2 streets, 4 communities, 8 grids; one community and its 2 grids
        ("/api/v1/compounds/", 8, 2),
        ("/api/v1/units/", 4, 3),  # its community's compound companies and every government department
    ],
)
def test_catalogues_follow_the_scope(api, keys, path, admin_count, dashboard_count):
    assert len(listed(api, keys["admin"], path)) == admin_count
    assert len(listed(api, keys["dashboard"], path)) == dashboard_count


def test_an_object_outside_the_scope_is_a_404(api, keys, city):
    other = city.grids[-1].pk
    assert api.get(f"/api/v1/grids/{other}/", **keys["dashboard"].headers).status_code == 404
    inside = api.get(f"/api/v1/grids/{city.grids[0].pk}/", **keys["dashboard"].headers).json()
    assert inside["boundary"]["type"] == "Polygon"


def test_categories_are_the_catalogue_filtered_by_level_and_parent(api, keys):
    first_levels = api.get("/api/v1/categories/?level=1", **keys["dashboard"].headers).json()
    assert first_levels["count"] == 15
    parent = first_levels["results"][0]["id"]
    children = listed(api, keys["dashboard"], f"/api/v1/categories/?parent={parent}")
    assert children and {row["parent"] for row in children} == {parent}
    assert {row["level"] for row in children} == {2}


def test_compounds_filter_by_grid_subtree(api, keys, city):
    rows = listed(api, keys["admin"], f"/api/v1/compounds/?grid={city.streets[0].pk}")
    assert {r["name"] for r in rows} == {f"幸福{i}号小区" for i in range(1, 5)}


def test_dispatch_rules_are_written_by_administrators_only(api, keys, city):
    body = {"grid": city.streets[0].pk, "unit": city.units["street_office"].pk}
    created = api.post("/api/v1/dispatch-rules/", body, format="json", **keys["admin"].headers)
    assert created.status_code == 201 and created.json()["version"] == 1
    rule = created.json()["id"]
    changed = api.put(
        f"/api/v1/dispatch-rules/{rule}/", body | {"is_active": False}, format="json", **keys["admin"].headers
    )
    assert changed.json()["version"] == 2 and DispatchRule.objects.get(pk=rule).is_active is False
    assert [r["id"] for r in listed(api, keys["hotline"], "/api/v1/dispatch-rules/")] == [rule]
    assert listed(api, keys["dashboard"], "/api/v1/dispatch-rules/") == []


def test_scores_and_warnings_cover_the_callers_appeals(api, keys, dispatched):
    services.sign_appeal(dispatched, actor=keys["department"].client.account)
    rows = api.get("/api/v1/scores/?group=unit", **keys["hotline"].headers).json()
    assert rows == [
        {
            "key": dispatched.main_unit_id,
            "name": "区城市管理局",
            "response": 1.0,
            "resolution": None,
            "satisfaction": None,
            "composite": 100.0,
        }
    ]
    assert (
        api.get("/api/v1/scores/?group=unit", **keys["dashboard"].headers).json()[0]["key"] == rows[0]["key"]
    )
    assert isinstance(api.get("/api/v1/warnings/", **keys["hotline"].headers).json(), list)


def test_warnings_name_the_caller_masked_as_the_dashboards_do(api, keys, city, report):
    for title in ("路灯不亮", "楼道堆物", "噪音扰民"):
        report(title=title, text=f"{title}，请处理。")
    warnings = api.get("/api/v1/warnings/", **keys["dashboard"].headers).json()
    repeat = next(w for w in warnings if w["kind"] == "repeat_reporter")
    assert repeat["subject"] == "139****5678" and "13912345678" not in str(warnings)
    assert len(repeat["appeal_ids"]) == 3


def test_the_schema_and_an_offline_docs_page(api):
    schema = api.get("/api/schema/?format=json").json()
    assert "/api/v1/appeals/{id}/dispatch/" in schema["paths"]
    assert schema["components"]["securitySchemes"]["ApiKey"]["name"] == "X-Api-Key"
    html = api.get("/api/docs/").content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets and not [a for a in assets if a.startswith(("http:", "https:", "//"))]
    local = [a.removeprefix("/static/") for a in assets if a.startswith("/static/")]
    assert local and all(finders.find(a) for a in local), local


def test_a_department_reads_its_notifications_and_marks_them_read(api, keys, city, dispatched):
    services.supervise_appeal(dispatched, actor=city.accounts["supervisor"], reason="群众反映强烈")
    services.notify(account=city.accounts["secretary"], text="别人的通知")
    department = keys["department"].headers
    rows = listed(api, keys["department"], "/api/v1/notifications/?unread=true")
    assert [row["unread"] for row in rows] == [True] and "被督办" in rows[0]["text"]
    read = api.post(f"/api/v1/notifications/{rows[0]['id']}/read/", **department)
    assert read.status_code == 200 and read.json()["read_at"] and not read.json()["unread"]
    assert listed(api, keys["department"], "/api/v1/notifications/?unread=true") == []
    assert api.post("/api/v1/notifications/read-all/", **department).json() == {"marked": 0}
    # A read-only key may mark read; another's notification is not there to mark.
    others = api.post(f"/api/v1/notifications/{rows[0]['id']}/read/", **keys["dashboard"].headers)
    assert others.status_code == 404
