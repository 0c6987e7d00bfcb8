"""ECharts option builders shared by every module, the big screen and the reports: plain dicts, sent to the
page as JSON and drawn by static/dashboards/charts.js. No functions inside options, so they stay JSON."""

from collections.abc import Sequence

from civicgrid.grid.models import name_under

PALETTE = ["#1f4e8c", "#e07b1a", "#2e8b57", "#b3261e", "#7b5ea7", "#3a9bd5", "#c9a227", "#5b6575"]
# Low to high, for the choropleth: quiet areas pale, busy ones hot; readable on light and dark pages.
HEAT = ["#fff3d6", "#fdd08a", "#f7a14a", "#e4642d", "#b3261e"]
FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, sans-serif"


def _base(**option) -> dict:
    return {
        "color": PALETTE,
        "textStyle": {"fontFamily": FONT},
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 48, "right": 24, "top": 32, "bottom": 36, "containLabel": True},
        **option,
    }


def line(labels: Sequence[str], series: dict[str, Sequence[float]], *, area: bool = False) -> dict:
    return _base(
        legend={"show": len(series) > 1, "top": 0},
        xAxis={"type": "category", "data": list(labels), "boundaryGap": False},
        yAxis={"type": "value", "minInterval": 1},
        series=[
            # Straight segments: smoothing would draw counts below zero between quiet days.
            {"type": "line", "name": name, "data": list(values), "showSymbol": False}
            | ({"areaStyle": {"opacity": 0.15}} if area else {})
            for name, values in series.items()
        ],
    )


# Under vertical bars each category label gets the chart's width divided by their number: on a phone, room
# for about 24 Chinese characters in all before the labels collide (rotated ones overlap all the same).
CROWDED_LABEL_WIDTH = 24
# Category labels of horizontal bars stop at thirteen characters (a district department's name); the tooltip
# gives the whole name.
LABEL_WIDTH_PX = 160


def text_width(text: str) -> float:
    """Width in Chinese characters: an ASCII character takes half of one."""
    return sum(0.5 if ord(ch) < 128 else 1 for ch in text)


def crowded(labels: Sequence[str]) -> bool:
    """Whether the labels would not fit side by side under vertical bars."""
    return len(labels) * max(map(text_width, labels), default=0) > CROWDED_LABEL_WIDTH


def bar(labels: Sequence[str], series: dict[str, Sequence[float]], *, horizontal: bool | None = None) -> dict:
    """Vertical bars, or horizontal ones (the categories down the side, read in full, first on top) when
    `horizontal` says so or, left unset, when the labels are crowded."""
    if horizontal is None:
        horizontal = crowded(labels)
    categories = {"type": "category", "data": list(labels), "inverse": horizontal}
    # A narrow chart would otherwise print its value ticks into one another ("80100120").
    values = {"type": "value", "minInterval": 1, "axisLabel": {"hideOverlap": True}}
    if horizontal:
        categories["axisLabel"] = {"interval": 0, "width": LABEL_WIDTH_PX, "overflow": "truncate"}
        # What width the names leave the values is narrow: few ticks, evenly spaced, none hidden.
        values["splitNumber"] = 3
    else:
        categories["axisLabel"] = {"interval": 0, "hideOverlap": True}
    return _base(
        legend={"show": len(series) > 1, "top": 0, "type": "scroll"},
        tooltip={"trigger": "axis", "axisPointer": {"type": "shadow"}},
        xAxis=values if horizontal else categories,
        yAxis=categories if horizontal else values,
        series=[
            {"type": "bar", "name": name, "data": list(v), "barMaxWidth": 28} for name, v in series.items()
        ],
    )


def pie(pairs: Sequence[tuple[str, float]]) -> dict:
    return _base(
        tooltip={"trigger": "item", "formatter": "{b}：{c}（{d}%）"},
        legend={"type": "scroll", "orient": "vertical", "right": 0, "top": "middle"},
        series=[
            {
                "type": "pie",
                "radius": ["42%", "70%"],
                "center": ["38%", "50%"],
                "label": {"show": False},
                "data": [{"name": name, "value": value} for name, value in pairs],
            }
        ],
    )


def label_point(geometry: dict) -> list[float]:
    """Where ECharts would put an area's own label: the centroid of its largest outer ring, "largest" by
    number of points as ECharts counts it."""
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    ring = max((polygon[0] for polygon in polygons), key=len)
    edges = list(zip(ring, ring[1:] + ring[:1], strict=True))
    twice_area = sum(x0 * y1 - x1 * y0 for (x0, y0, *_), (x1, y1, *_) in edges)
    if not twice_area:
        return [sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring)]
    cx = sum((x0 + x1) * (x0 * y1 - x1 * y0) for (x0, y0, *_), (x1, y1, *_) in edges)
    cy = sum((y0 + y1) * (x0 * y1 - x1 * y0) for (x0, y0, *_), (x1, y1, *_) in edges)
    return [cx / (3 * twice_area), cy / (3 * twice_area)]


def choropleth(
    collection: dict,
    values: dict[str, float],
    urls: dict[str, str],
    points: Sequence[dict] = (),
    *,
    label: str,
    parent: str = "",
) -> dict:
    """Areas coloured by value, drawn from GeoJSON (features named by their `name` property), with optional
    points (e.g. compounds) as {name, lng, lat}. `geojson` and `mapName` are taken out by charts.js, which
    registers the map before drawing. The area names are a series of their own, drawn last: the map's own
    labels lie under every series, so the compound dots would cover them. On the map they go without the
    `parent` area's name they start with (a community's groups read "第1居民小组"), or they would overlap."""
    top = max(values.values(), default=0)
    return {
        "geojson": collection,
        "mapName": "civicgrid-dashboard",
        "textStyle": {"fontFamily": FONT},
        "tooltip": {"trigger": "item"},
        "visualMap": {
            "min": 0,
            "max": max(top, 1),
            "calculable": True,
            "left": 8,
            "bottom": 8,
            "text": ["高", "低"],
            "inRange": {"color": HEAT},
            "seriesIndex": 0,
        },
        "geo": {
            "map": "civicgrid-dashboard",
            "nameProperty": "name",
            "roam": True,
            "layoutCenter": ["50%", "50%"],
            "layoutSize": "95%",
            "label": {"show": False},
            "itemStyle": {"borderColor": "#ffffff", "borderWidth": 1.2},
            "emphasis": {"label": {"show": False}, "itemStyle": {"areaColor": "#f2a65a"}},
        },
        # On a phone the map takes the whole width: the scale lies flat under it rather than over its corner.
        "media": [
            {
                "query": {"maxWidth": 480},
                "option": {
                    "visualMap": {"orient": "horizontal", "left": "center", "bottom": 4, "itemHeight": 120},
                    "geo": {"layoutCenter": ["50%", "45%"], "layoutSize": "90%"},
                    # Smaller names: fewer collide, and those that do are hidden (labelLayout).
                    "series": [{}, {}, {"label": {"fontSize": 11, "padding": [1, 2]}}],
                },
            }
        ],
        "series": [
            {
                "type": "map",
                "geoIndex": 0,
                "name": label,
                "data": [
                    {"name": name, "value": value, "url": urls.get(name, "")}
                    for name, value in values.items()
                ],
            },
            {
                "type": "scatter",
                "coordinateSystem": "geo",
                "name": "小区",
                # Small and half-transparent: a district has a thousand of them over the area colours.
                "symbolSize": 4,
                "itemStyle": {"color": "#1d2430", "opacity": 0.4},
                "emphasis": {"scale": 2.5, "itemStyle": {"opacity": 1}},
                "tooltip": {"formatter": "小区：{b}"},
                "data": [{"name": p["name"], "value": [p["lng"], p["lat"]]} for p in points],
            },
            {
                "type": "scatter",
                "coordinateSystem": "geo",
                "name": "区域名称",
                "symbolSize": 0,
                # Above the dots; silent, so hover and click go through to the area underneath.
                "z": 5,
                "silent": True,
                "tooltip": {"show": False},
                "label": {
                    "show": True,
                    "formatter": "{b}",
                    "fontSize": 12,
                    "color": "#1d2430",
                    "backgroundColor": "rgba(255, 255, 255, 0.85)",
                    "padding": [2, 4],
                    "borderRadius": 3,
                },
                "labelLayout": {"hideOverlap": True},
                "data": [
                    {
                        "name": name_under(f["properties"]["name"], parent),
                        "value": label_point(f["geometry"]),
                    }
                    for f in collection["features"]
                ],
            },
        ],
    }
