"""The chart options: bars turn horizontal when their labels would crowd, and the map's area names are drawn
above the compound dots, at the point where ECharts would have put them."""

import pytest

from civicgrid.dashboards import charts

DEPARTMENTS = ["玄武区城市管理局", "玄武区人力资源和社会保障局", "玄武区民政局", "玄武区交通运输局"]


def square(x: float, y: float, side: float) -> list[list[float]]:
    return [[x, y], [x + side, y], [x + side, y + side], [x, y + side], [x, y]]


def test_labels_are_crowded_by_their_number_times_the_longest():
    assert not charts.crowded(["本期", "上期"])
    assert not charts.crowded(["12345热线", "微信", "网站", "App"])  # ASCII counts half
    assert charts.crowded(DEPARTMENTS)
    assert charts.crowded(["民政"] * 13)
    assert not charts.crowded([])


def test_crowded_bars_turn_horizontal_with_the_first_on_top():
    option = charts.bar(DEPARTMENTS, {"响应率": [70, 60, 64, 70], "解决率": [83, 80, 79, 82]})
    assert option["xAxis"]["type"] == "value"
    categories = option["yAxis"]
    assert categories["type"] == "category" and categories["inverse"] is True
    # Every name shown, cut short with an ellipsis; the axis tooltip gives it whole.
    assert categories["axisLabel"] == {"interval": 0, "width": charts.LABEL_WIDTH_PX, "overflow": "truncate"}
    assert option["tooltip"]["trigger"] == "axis"


@pytest.mark.parametrize(("horizontal", "vertical"), [(None, True), (False, True), (True, False)])
def test_short_labels_stay_vertical_and_unrotated_unless_told(horizontal, vertical):
    option = charts.bar(["本期", "上期"], {"诉求量": [3, 4]}, horizontal=horizontal)
    assert (option["xAxis"]["type"] == "category") is vertical
    assert "rotate" not in option["xAxis"].get("axisLabel", {})


def test_explicit_vertical_bars_keep_long_labels_below_them():
    option = charts.bar(DEPARTMENTS, {"受理量": [1, 2, 3, 4]}, horizontal=False)
    assert option["xAxis"]["data"] == DEPARTMENTS
    assert option["xAxis"]["axisLabel"]["hideOverlap"] is True


def test_the_label_point_is_the_centroid_of_the_largest_ring():
    assert charts.label_point({"type": "Polygon", "coordinates": [square(0, 0, 2)]}) == [1, 1]
    # The largest ring by points, as ECharts counts it: the second polygon has a vertex more.
    pentagon = [[10, 10], [12, 10], [12, 11], [12, 12], [10, 12], [10, 10]]
    multi = {"type": "MultiPolygon", "coordinates": [[square(0, 0, 9)], [pentagon]]}
    assert charts.label_point(multi) == pytest.approx([11, 11])
    # A ring without area still gets a point.
    assert charts.label_point({"type": "Polygon", "coordinates": [[[1, 1], [3, 3], [1, 1]]]}) == [
        pytest.approx(5 / 3),
        pytest.approx(5 / 3),
    ]


def test_area_names_are_drawn_above_the_compound_dots_without_their_parent():
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": name},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
            for name, ring in (("梅园社区第1居民小组", square(0, 0, 1)), ("梅园社区", square(2, 0, 1)))
        ],
    }
    points = [{"name": "香樟苑", "lng": 0.5, "lat": 0.5}]
    option = charts.choropleth(
        collection, {"梅园社区第1居民小组": 3}, {}, points, label="诉求量", parent="梅园社区"
    )
    assert option["geo"]["label"]["show"] is False
    dots, names = option["series"][1], option["series"][2]
    assert names["z"] > dots.get("z", 2) and names["silent"] is True
    assert names["data"] == [
        {"name": "第1居民小组", "value": [0.5, 0.5]},
        {"name": "梅园社区", "value": [2.5, 0.5]},
    ]
