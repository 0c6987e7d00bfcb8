import json

import pytest
from django.core.management import CommandError, call_command
from smallcity import LAT0, LNG0, STEP, cell

from civicgrid.directory.models import Unit, UnitKind
from civicgrid.grid.locate import locate
from civicgrid.grid.models import Compound, Grid
from civicgrid.grid.services import import_geojson

from .geojson_files import broken_file, collection, feature, good_file, ring


def row_counts() -> tuple[int, int, int]:
    return Grid.objects.count(), Compound.objects.count(), Unit.objects.count()


def test_a_good_file_is_imported(city):
    report = import_geojson(good_file(city))
    assert report.ok, report.errors
    assert (report.grids_created, report.compounds_created) == (2, 1)
    west = Grid.objects.get(name="西片住户小组")
    assert (west.level, west.parent, west.path) == (4, city.grids[0], f"{city.grids[0].path}{west.pk}/")
    compound = Compound.objects.get(name="新建小区")
    assert compound.grid == west
    assert compound.property_company.kind == UnitKind.PROPERTY_COMPANY
    location = locate(LAT0 + 0.5 * STEP, LNG0 + 1.5 * STEP)
    assert (location.grid_id, location.compound_id) == (west.pk, compound.pk)


def test_importing_the_same_file_again_updates_instead_of_duplicating(city):
    import_geojson(good_file(city))
    before = row_counts()
    report = import_geojson(good_file(city))
    assert (report.grids_created, report.grids_updated, report.compounds_updated) == (0, 2, 1)
    assert row_counts() == before


def test_an_existing_code_is_updated_in_place(city):
    community = city.communities[0]
    data = collection(
        feature(cell(0, 0, 2, 3.5), name="改名社区", code=community.code, parent_code=city.streets[0].code)
    )
    report = import_geojson(data)
    assert (report.ok, report.grids_updated) == (True, 1)
    community.refresh_from_db()
    assert (community.name, community.level, community.centroid_lat < LAT0 + 3.5 * STEP) == (
        "改名社区",
        2,
        True,
    )


def test_a_broken_file_is_rejected_feature_by_feature_and_nothing_is_saved(city):
    before = row_counts()
    report = import_geojson(broken_file(city))
    assert not report.ok
    assert [(e.feature_index, e.code) for e in report.errors] == [
        (1, "self_intersection"),
        (2, "overlap"),
        (3, "unknown_parent"),
        (4, "bad_geometry_type"),
        (5, "missing_name"),
    ]
    assert report.errors[0].name == "蝴蝶结网格" and "自相交" in report.errors[0].message
    assert city.grids[0].name in report.errors[1].message
    assert row_counts() == before
    assert not Grid.objects.filter(name="好的住户小组").exists()


def test_the_report_is_structured_for_programs(city):
    report = import_geojson(broken_file(city))
    data = report.as_dict()
    assert data["ok"] is False and data["features"] == 6
    assert set(data["errors"][0]) == {"feature_index", "name", "code", "message"}
    json.dumps(data, ensure_ascii=False)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"{not json", "not_json"),
        ({"type": "Feature"}, "not_feature_collection"),
        ({"type": "FeatureCollection", "features": []}, "no_features"),
    ],
)
def test_a_file_that_is_no_feature_collection_is_one_error(db, data, code):
    report = import_geojson(data)
    assert [(e.feature_index, e.code) for e in report.errors] == [(None, code)]


def rejected(city, *features: dict) -> list[tuple[int, str]]:
    report = import_geojson(collection(*features))
    return [(e.feature_index, e.code) for e in report.errors]


def test_codes_are_checked(city):
    street, community = city.streets[0], city.communities[0]
    assert rejected(
        city,
        feature(cell(0, 0, 2, 4), name="甲社区", code="32010200100A", parent_code=street.code),
        feature(cell(0, 0, 2, 4), name="乙社区", code=community.code, parent_code=street.code),
        feature(cell(0, 0, 2, 4), name="丙社区", code=community.code, parent_code=street.code),
        feature(cell(0, 0, 1, 1), name="小组", code="320102001556", level=4, parent=city.grids[0].name),
    ) == [(0, "bad_code"), (2, "duplicate_code"), (3, "code_not_allowed")]


def test_a_polygon_beyond_its_parent_is_rejected(city):
    grid = city.grids[0]  # x 0..2, y 0..2
    assert rejected(city, feature(cell(1, 1, 3, 3), name="出界", level=4, parent=grid.name)) == [
        (0, "outside_parent")
    ]


def test_siblings_in_the_same_file_must_not_overlap(city):
    grid = city.grids[0].name
    assert rejected(
        city,
        feature(cell(0, 0, 1.5, 2), name="甲组", level=4, parent=grid),
        feature(cell(1, 0, 2, 2), name="乙组", level=4, parent=grid),
    ) == [(1, "overlap")]


def test_borders_that_differ_by_rounding_are_not_overlaps(city):
    grid = city.grids[0].name
    jitter = 2e-6 / STEP  # 2e-6 degrees, about 0.2 m
    report = import_geojson(
        collection(
            feature(cell(0, 0, 1 + jitter, 2), name="甲组", level=4, parent=grid),
            feature(cell(1 - jitter, 0, 2, 2), name="乙组", level=4, parent=grid),
        )
    )
    assert report.ok, report.errors


def test_parents_may_come_later_in_the_file_and_levels_follow_them(db):
    features = [
        feature(cell(10.2, 0.2, 10.4, 0.4), name="新小区", kind="compound", parent="新社区"),
        feature(cell(10, 0, 11, 2), name="新社区", parent="新街道"),
        feature(cell(10, 0, 12, 4), name="新街道", parent="新区"),
        feature(cell(10, 0, 14, 4), name="新区"),
    ]
    report = import_geojson(collection(*features))
    assert report.ok, report.errors
    assert [Grid.objects.get(name=name).level for name in ("新区", "新街道", "新社区")] == [0, 1, 2]
    assert Compound.objects.get(name="新小区").grid.path.startswith(Grid.objects.get(name="新区").path)


def test_children_of_a_rejected_parent_say_so(db):
    report = import_geojson(
        collection(
            feature(cell(10, 0, 11, 2), name="新社区", parent="新街道"),
            feature(cell(10, 0, 12, 4), name="新街道", parent_code="320102099000"),
        )
    )
    assert [(e.feature_index, e.code) for e in report.errors] == [
        (0, "parent_rejected"),
        (1, "unknown_parent"),
    ]


def test_levels_are_derived_from_the_parent_when_not_given(city):
    report = import_geojson(collection(feature(cell(0, 0, 1, 1), name="自动层级", parent=city.grids[0].name)))
    assert report.ok
    assert Grid.objects.get(name="自动层级").level == city.grids[0].level + 1


@pytest.mark.parametrize(
    ("properties", "code"),
    [
        ({"name": "无上级", "level": 3}, "missing_parent"),
        ({"name": "高于上级", "level": 1, "parent": "第1街道1社区"}, "bad_level"),
        ({"name": "怪层级", "level": "village"}, "bad_level"),
        ({"name": "怪类型", "kind": "park", "parent": "第1街道1社区"}, "bad_kind"),
        ({"name": "小区", "kind": "compound"}, "missing_parent"),
    ],
)
def test_properties_are_checked(city, properties, code):
    assert rejected(city, feature(cell(0, 0, 1, 1), **properties)) == [(0, code)]


def test_an_ambiguous_parent_name_asks_for_a_code(city):
    Grid.objects.create(name="第1街道1社区", level=2, parent=city.streets[1])
    assert rejected(city, feature(cell(0, 0, 1, 1), name="小组", parent="第1街道1社区")) == [
        (0, "ambiguous_parent")
    ]


def test_geometry_problems_have_their_own_codes(city):
    parent = city.grids[0].name
    shell = ring((0, 0), (1, 0), (1, 1))["coordinates"][0]
    hole_outside = ring((1.5, 1.5), (1.8, 1.5), (1.8, 1.8))["coordinates"][0]
    assert rejected(
        city,
        feature(None, name="无几何", parent=parent),
        feature({"type": "Polygon", "coordinates": [[1, 2]]}, name="坏坐标", parent=parent),
        feature(
            {"type": "Polygon", "coordinates": [[[32.0, 118.7], [32.1, 118.7], [32.1, 118.8]]]}, name="颠倒"
        ),
        feature({"type": "Polygon", "coordinates": [shell, hole_outside]}, name="洞在外", parent=parent),
    ) == [(0, "missing_geometry"), (1, "unreadable_geometry"), (2, "bad_coordinates"), (3, "invalid_polygon")]


def test_a_unit_of_another_kind_cannot_become_the_property_company(city):
    data = collection(
        feature(
            cell(0.2, 0.2, 0.4, 0.4),
            name="小区",
            kind="compound",
            parent=city.grids[0].name,
            property_company=city.units["department"].name,
        )
    )
    assert [e.code for e in import_geojson(data).errors] == ["property_company_conflict"]


def test_the_command_imports_a_file(city, tmp_path, capsys):
    path = tmp_path / "good.geojson"
    path.write_text(json.dumps(good_file(city), ensure_ascii=False), encoding="utf-8")
    call_command("import_geojson", str(path))
    assert "新建网格 2 个" in capsys.readouterr().out


def test_the_command_rejects_a_broken_file_with_a_chinese_report(city, tmp_path, capsys):
    path = tmp_path / "broken.geojson"
    path.write_text(json.dumps(broken_file(city), ensure_ascii=False), encoding="utf-8")
    before = row_counts()
    with pytest.raises(CommandError, match="未导入任何数据"):
        call_command("import_geojson", str(path))
    out = capsys.readouterr().out
    assert "第 2 个要素「蝴蝶结网格」" in out and "自相交" in out
    with pytest.raises(CommandError):
        call_command("import_geojson", str(path), "--json")
    assert json.loads(capsys.readouterr().out)["errors"][4]["code"] == "missing_name"
    assert row_counts() == before


def test_the_command_reports_a_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match="无法读取文件"):
        call_command("import_geojson", str(tmp_path / "missing.geojson"))
