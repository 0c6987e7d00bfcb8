"""ECharts option builders shared by every module, the big screen and the reports: plain dicts, sent to the
page as JSON and drawn by static/dashboards/charts.js. No functions inside options, so they stay JSON."""

from collections.abc import Sequence

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


def bar(labels: Sequence[str], series: dict[str, Sequence[float]], *, horizontal: bool = False) -> dict:
    categories = {"type": "category", "data": list(labels), "inverse": horizontal}
    values = {"type": "value", "minInterval": 1}
    return _base(
        legend={"show": len(series) > 1, "top": 0},
        xAxis=values if horizontal else categories | {"axisLabel": {"interval": 0, "rotate": 30}},
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


def choropleth(
    collection: dict,
    values: dict[str, float],
    urls: dict[str, str],
    points: Sequence[dict] = (),
    *,
    label: str,
) -> dict:
    """Areas coloured by value, drawn from GeoJSON (features named by their `name` property), with optional
    points (e.g. compounds) as {name, lng, lat}. `geojson` and `mapName` are taken out by charts.js, which
    registers the map before drawing."""
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
            "label": {
                "show": True,
                "fontSize": 12,
                "color": "#1d2430",
                "backgroundColor": "rgba(255, 255, 255, 0.85)",
                "padding": [2, 4],
                "borderRadius": 3,
            },
            "itemStyle": {"borderColor": "#ffffff", "borderWidth": 1.2},
            "emphasis": {"itemStyle": {"areaColor": "#f2a65a"}},
        },
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
                "symbolSize": 7,
                "itemStyle": {"color": "#e07b1a", "borderColor": "#fff", "borderWidth": 1},
                "tooltip": {"formatter": "小区：{b}"},
                "data": [{"name": p["name"], "value": [p["lng"], p["lat"]]} for p in points],
            },
        ],
    }
