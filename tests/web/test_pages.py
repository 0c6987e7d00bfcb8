"""What each role finds on its pages: home panels, navigation, the grid map, masked phones, htmx lists."""

import json

import pytest
from django.urls import reverse

from civicgrid.web import views

HOME_TITLES = {
    "admin": "全平台 · 辖区概况",
    "leader": "测试区 · 辖区概况",
    "supervisor": "测试区 · 辖区概况",
    "dispatcher": "测试区 · 辖区概况",
    "secretary": "我的社区 · 第1街道1社区",
    "grid_worker": "我的网格 · 第1街道1社区第1网格",
    "handler": "我的单位 · 区城市管理局",
    "property_handler": "我的单位 · 安居物业公司",
    "citizen": "我的信息",
    "party_member": "我的信息",
}
AREA_PAGES = ["网格", "小区", "单位", "人员", "问政分析"]
NAVIGATION = {
    "admin": [
        "首页",
        "派单台",
        "待办",
        "巡查上报",
        "督办",
        "诉求",
        *AREA_PAGES,
        "智慧党建",
        "书记信箱",
        "登录记录",
    ],
    "leader": ["首页", "督办", "诉求", *AREA_PAGES, "智慧党建", "登录记录"],
    "secretary": ["首页", "诉求", *AREA_PAGES, "智慧党建", "登录记录"],
    "grid_worker": ["首页", "巡查上报", "诉求", *AREA_PAGES, "登录记录"],
    # A department's scope is its unit, not an area: no grid list or area-wide appeal list to offer.
    # A government department manages no compounds either; a property company does.
    "handler": ["首页", "待办", "单位", "人员", "问政分析", "登录记录"],
    "property_handler": ["首页", "待办", "小区", "单位", "人员", "问政分析", "登录记录"],
    "citizen": ["首页", "我要反映", "我的诉求", "书记信箱", "登录记录"],
    "party_member": ["首页", "智慧党建", "我要反映", "我的诉求", "书记信箱", "登录记录"],
}


def page_of(client, account, url_name, *args, **params):
    client.force_login(account)
    return client.get(reverse(url_name, args=args), params)


@pytest.mark.parametrize(("account_key", "title"), HOME_TITLES.items())
def test_home_has_a_panel_for_the_role(client, city, account_key, title):
    response = page_of(client, city.accounts[account_key], "web:home")
    assert [panel.title for panel in response.context["panels"]] == [title]


@pytest.mark.parametrize(
    ("account_key", "chip"),
    [
        ("handler", "部门承办人 · 区城市管理局"),
        # Same role, but the unit is a property company: its staff are 物业承办人 to everyone.
        ("property_handler", "物业承办人 · 安居物业公司"),
        ("grid_worker", "网格员 · 第1街道1社区第1网格"),
    ],
)
def test_role_chip_names_the_role_as_the_unit_calls_it(client, city, account_key, chip):
    html = page_of(client, city.accounts[account_key], "web:home").content.decode()
    assert f"<li>{chip}</li>" in html
    person = city.accounts[account_key].person
    html = page_of(client, city.accounts["admin"], "web:person_detail", person.pk).content.decode()
    assert f"<li>{chip}</li>" in html


def test_district_totals_count_every_level(client, city):
    response = page_of(client, city.accounts["leader"], "web:home")
    totals = dict(response.context["panels"][0].context["totals"])
    assert (totals["区"], totals["街道"], totals["社区"], totals["居民小组"]) == (1, 2, 4, 8)
    assert totals["小区"] == 8


@pytest.mark.parametrize(("account_key", "labels"), NAVIGATION.items())
def test_navigation_depends_on_the_role(client, city, account_key, labels):
    response = page_of(client, city.accounts[account_key], "web:home")
    assert [item.label for item in response.context["nav_items"]] == labels


def test_back_office_link_only_for_administrators(client, city):
    admin_link = reverse("admin:index")
    assert admin_link in page_of(client, city.accounts["admin"], "web:home").content.decode()
    assert admin_link not in page_of(client, city.accounts["leader"], "web:home").content.decode()


def test_grid_map_holds_the_grid_its_children_and_compounds(client, city):
    community = city.communities[0]
    response = page_of(client, city.accounts["secretary"], "web:grid_detail", community.pk)
    html = response.content.decode()
    assert 'id="grid-map"' in html
    assert "vendor/echarts/echarts.min.js" in html
    start = html.index('<script id="grid-map-data" type="application/json">') + len(
        '<script id="grid-map-data" type="application/json">'
    )
    collection = json.loads(html[start : html.index("</script>", start)])
    keys = [feature["properties"]["key"] for feature in collection["features"]]
    grids, compounds = city.grids[:2], city.compounds[:2]
    assert keys == [
        f"grid-{community.pk}",
        *(f"child-{g.pk}" for g in grids),
        *(f"compound-{c.pk}" for c in compounds),
    ]
    assert all(feature["geometry"]["type"] == "Polygon" for feature in collection["features"])


def test_a_grid_with_many_compounds_maps_its_children_alone(client, city, monkeypatch):
    monkeypatch.setattr(views, "MAP_COMPOUND_LIMIT", 1)
    response = page_of(client, city.accounts["secretary"], "web:grid_detail", city.communities[0].pk)
    kinds = {feature["properties"]["kind"] for feature in response.context["map"]["features"]}
    assert kinds == {"grid", "child"}
    assert "地图只画出下级网格" in response.content.decode()


def test_grid_page_names_its_grid_workers(client, city):
    response = page_of(client, city.accounts["secretary"], "web:grid_detail", city.grids[0].pk)
    assert [person.name for person in response.context["grid_workers"]] == ["网格员"]


@pytest.mark.parametrize(("account_key", "whole"), [("admin", True), ("leader", False)])
def test_phones_are_masked_except_for_administrators(client, city, account_key, whole):
    citizen = city.accounts["citizen"].person
    html = page_of(client, city.accounts[account_key], "web:person_detail", citizen.pk).content.decode()
    assert ("13800000000" in html) is whole
    assert ("138****0000" in html) is not whole


def test_search_narrows_the_list_and_htmx_gets_the_results_alone(client, city):
    client.force_login(city.accounts["leader"])
    response = client.get(reverse("web:grid_list"), {"q": "2社区"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert {g.name for g in response.context["page"].object_list} == {
        "第1街道2社区",
        "第1街道2社区第1网格",
        "第1街道2社区第2网格",
        "第2街道2社区",
        "第2街道2社区第1网格",
        "第2街道2社区第2网格",
    }
    assert "HX-Request" in response["Vary"]


def test_lists_are_paginated(client, city, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 4)
    response = page_of(client, city.accounts["leader"], "web:grid_list", page=2)
    assert response.context["page"].number == 2
    assert 'page=3"' in response.content.decode()


def test_compound_list_of_one_grid(client, city):
    response = page_of(client, city.accounts["leader"], "web:compound_list", grid=city.communities[0].pk)
    assert set(response.context["page"].object_list) == set(city.compounds[:2])


def test_unit_list_of_one_grid(client, city):
    response = page_of(client, city.accounts["leader"], "web:unit_list", grid=city.streets[0].pk)
    assert list(response.context["page"].object_list) == [city.units["street_office"]]


def test_compound_page_shows_company_buildings_and_households(client, city):
    compound = city.compounds[0]
    compound.households_count = 120
    compound.save()
    compound.buildings.create(number="1", floors=6)
    html = page_of(client, city.accounts["grid_worker"], "web:compound_detail", compound.pk).content.decode()
    assert "安居物业公司" in html
    assert "1 栋" in html
    assert "120 户" in html


def test_favicon_for_pages_that_name_none(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response.url.endswith("web/favicon.svg")


def test_health_check(client, db):
    assert client.get(reverse("web:healthz")).content == b"ok"
