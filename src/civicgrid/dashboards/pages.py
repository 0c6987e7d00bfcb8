"""What each module shows: selector results put together with their charts. Shared by the module pages,
the big screen and the reports, so a figure reads the same everywhere."""

import datetime as dt
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from civicgrid.appeals.models import Category

from . import charts, selectors
from .selectors import Filters


def _rate_pairs(rates) -> list[tuple[str, float | None]]:
    return [("响应率", rates.response), ("解决率", rates.resolution), ("满意率", rates.satisfaction)]


def unlocated_list_url(filters: Filters) -> str:
    """The appeals list holding exactly the appeals a 未定位 row counts under `filters`; "" when the list
    cannot narrow by one of them (the 承办单位)."""
    if filters.unit_id:
        return ""
    conditions = {
        "unlocated": "on",
        "received_from": filters.start.isoformat(),
        "received_to": (filters.end - dt.timedelta(days=1)).isoformat(),
        "channel": filters.channel,
        "kind": filters.kind,
        "status": filters.status,
    }
    if filters.category_id and (category := Category.objects.filter(pk=filters.category_id).first()):
        conditions |= {f"category_{level}": pk for level, pk in enumerate(category.ancestor_ids, start=1)}
    return f"{reverse('appeals:list')}?{urlencode({k: v for k, v in conditions.items() if v})}"


def region_context(actor, filters: Filters, node) -> dict:
    region = selectors.region(actor, filters, node)
    values = {f.name: f.count for f in region.areas if f.grid is not None}
    urls = {f.name: reverse("dashboards:region_area", args=[f.grid.pk]) for f in region.areas if f.grid}
    points = [
        {"name": c.name, "lng": c.centroid_lng, "lat": c.centroid_lat}
        for c in region.compounds
        if c.centroid_lng is not None
    ]
    return {
        "region": region,
        "unlocated_url": unlocated_list_url(filters),
        "map_chart": charts.choropleth(
            region.collection, values, urls, points, label="诉求量", parent=node.name if node else ""
        ),
        "area_chart": charts.bar(
            [f.name for f in region.areas[:15]],
            {"诉求量": [f.count for f in region.areas[:15]]},
            horizontal=True,
        ),
    }


def overview_context(actor, filters: Filters) -> dict:
    overview = selectors.overview(actor, filters)
    node = filters.area or selectors.area_node(actor, None)
    return {
        "overview": overview,
        "rate_pairs": _rate_pairs(overview.rates),
        "trend_chart": charts.line(
            [f"{d:%m-%d}" for d, _ in overview.trend], {"受理量": [n for _, n in overview.trend]}, area=True
        ),
        "channel_chart": charts.pie(overview.channels),
        "status_chart": charts.pie(overview.statuses),
        **region_context(actor, filters, node),
    }


def units_context(actor, filters: Filters) -> dict:
    ranking = selectors.unit_ranking(actor, filters)
    top = ranking[:15]
    return {
        "ranking": ranking,
        "volume_chart": charts.bar(
            [u.name for u in top], {"受理量": [u.count for u in top]}, horizontal=True
        ),
        "rate_chart": charts.bar(
            [u.name for u in top],
            {
                label: [round(100 * r, 1) if r is not None else None for r in values]
                for label, values in (
                    ("响应率", [u.rates.response for u in top]),
                    ("解决率", [u.rates.resolution for u in top]),
                    ("满意率", [u.rates.satisfaction for u in top]),
                )
            },
        ),
    }


def unit_context(actor, filters: Filters, pk: int) -> dict:
    detail = selectors.unit_detail(actor, filters, pk)
    return {
        "detail": detail,
        "rate_pairs": _rate_pairs(detail.rates),
        "trend_chart": charts.line(
            [f"{d:%m-%d}" for d, _ in detail.trend], {"受理量": [n for _, n in detail.trend]}
        ),
    }


def categories_context(actor, filters: Filters) -> dict:
    tree = selectors.category_tree(actor, filters)
    top = tree[:6]
    return {
        "tree": tree,
        "rising": selectors.rising_categories(tree),
        "volume_chart": charts.bar(
            [c.name for c in tree], {"本期": [c.count for c in tree], "上期": [c.previous for c in tree]}
        ),
        "trend_chart": charts.line([f"{d:%m-%d}" for d in filters.days], {c.name: c.trend for c in top}),
    }


def analysis_context(actor, filters: Filters, rows: str, columns: str) -> dict:
    table = selectors.cross_tab(actor, filters, rows, columns)
    series = selectors.time_series(actor, filters)
    top_rows = table.rows[:10]
    return {
        "table": table,
        "series_chart": charts.line(
            [label for label, _ in series], {"受理量": [n for _, n in series]}, area=True
        ),
        "cross_chart": charts.bar(
            top_rows, {c: [table.cells.get((r, c), 0) for r in top_rows] for c in table.columns[:8]}
        ),
    }


SCREEN_REFRESH_SECONDS = 60


def screen_context(actor) -> dict:
    filters = Filters.last_days()
    ranking = selectors.unit_ranking(actor, filters)[:10]
    return overview_context(actor, filters) | {
        "refresh_seconds": SCREEN_REFRESH_SECONDS,
        "now": timezone.localtime(),
        "unit_chart": charts.bar(
            [u.name for u in ranking], {"受理量": [u.count for u in ranking]}, horizontal=True
        ),
        "warnings": selectors.early_warnings(actor)[:8],
    }
