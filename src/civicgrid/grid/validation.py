"""Checks on one grid or compound at a time, shared by `create_grid` and the GeoJSON import.

Each check returns a Problem (a stable code for programs, a Chinese message for people) or None.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from .geometry import POLYGONAL_TYPES, UnreadableGeometry, read_shape

DIVISION_CODE = re.compile(r"\d{12}")
# Borders drawn separately never coincide exactly; overlaps or overhangs narrower than about 2 m
# (twice this, in degrees) are taken for such noise, not for a mistake.
BORDER_TOLERANCE_DEGREES = 1e-5
# What GEOS says is wrong, in the words of a person who draws maps.
VALIDITY_REASONS = {
    "Self-intersection": "边界自相交",
    "Ring Self-intersection": "边界环自相交",
    "Too few points": "顶点太少",
    "Hole lies outside shell": "内环（洞）位于外环之外",
    "Holes are nested": "内环相互嵌套",
    "Interior is disconnected": "内部不连通",
    "Nested shells": "多个外环相互嵌套",
    "Duplicate Rings": "存在重复的环",
    "Invalid Coordinate": "坐标无效",
    "Ring is not closed": "环未闭合",
}
SELF_INTERSECTION_REASONS = {"Self-intersection", "Ring Self-intersection"}


@dataclass(frozen=True)
class Problem:
    code: str
    message: str


def level_name(level: int) -> str:
    return settings.CIVICGRID_GRID_LEVELS[level]["name"]


def parse_level(value) -> int | None:
    """A level given as its key ("community"), Chinese name ("社区") or index (2, "2"); None if unknown."""
    levels = settings.CIVICGRID_GRID_LEVELS
    for index, level in enumerate(levels):
        if value in (level["key"], level["name"]):
            return index
    if isinstance(value, int | str) and not isinstance(value, bool) and str(value).isdigit():
        index = int(value)
        return index if index < len(levels) else None
    return None


def level_problem(level: int, parent_level: int | None, parent_name: str = "") -> Problem | None:
    levels = settings.CIVICGRID_GRID_LEVELS
    if not 0 <= level < len(levels):
        return Problem(
            "bad_level",
            f"没有第 {level} 级：层级为 0（{levels[0]['name']}）至 {len(levels) - 1}（{levels[-1]['name']}）",
        )
    if parent_level is None and level > 0:
        return Problem("missing_parent", f"「{level_name(level)}」须有上级网格")
    if parent_level is not None and level <= parent_level:
        return Problem(
            "bad_level",
            f"层级「{level_name(level)}」须低于上级「{parent_name}」的层级「{level_name(parent_level)}」",
        )
    return None


def code_problem(code: str, level: int) -> Problem | None:
    if not code:
        return None
    if settings.CIVICGRID_GRID_LEVELS[level]["code_length"] is None:
        return Problem("code_not_allowed", f"「{level_name(level)}」层级没有国家区划代码，请去掉 code")
    if not DIVISION_CODE.fullmatch(code):
        return Problem("bad_code", f"区划代码「{code}」格式错误：须为 12 位数字")
    return None


def read_polygon(geojson) -> tuple[BaseGeometry | None, Problem | None]:
    """The polygon of a GeoJSON geometry, or the problem that keeps it from being a usable grid boundary."""
    if not geojson:
        return None, Problem("missing_geometry", "缺少几何（geometry）")
    kind = geojson.get("type") if isinstance(geojson, dict) else None
    if kind not in POLYGONAL_TYPES:
        return None, Problem(
            "bad_geometry_type", f"几何类型须为 Polygon 或 MultiPolygon，实为 {kind or '未知'}"
        )
    try:
        geometry = read_shape(geojson)
    except UnreadableGeometry:
        return None, Problem("unreadable_geometry", "几何坐标无法解析（coordinates 格式错误）")
    if geometry.is_empty:
        return None, Problem("empty_geometry", "多边形为空")
    min_lng, min_lat, max_lng, max_lat = geometry.bounds
    if min_lng < -180 or max_lng > 180 or min_lat < -90 or max_lat > 90:
        return None, Problem("bad_coordinates", "坐标超出经纬度范围：应为 WGS-84 的 [经度, 纬度]")
    if not geometry.is_valid:
        return None, _validity_problem(explain_validity(geometry))
    return geometry, None


def _validity_problem(explanation: str) -> Problem:
    match = re.fullmatch(r"(.*?)\s*\[(\S+) (\S+)\]", explanation)
    reason, where = (
        (match.group(1), f"（位置 {match.group(2)}, {match.group(3)}）") if match else (explanation, "")
    )
    code = "self_intersection" if reason in SELF_INTERSECTION_REASONS else "invalid_polygon"
    return Problem(code, f"多边形无效：{VALIDITY_REASONS.get(reason, reason)}{where}")


def beyond_tolerance(geometry: BaseGeometry) -> bool:
    """Whether an overlap or overhang is more than border noise (see BORDER_TOLERANCE_DEGREES)."""
    return not geometry.is_empty and not geometry.buffer(-BORDER_TOLERANCE_DEGREES).is_empty


def outside_parent_problem(geometry: BaseGeometry, parent: BaseGeometry, parent_name: str) -> Problem | None:
    outside = geometry.difference(parent)
    if beyond_tolerance(outside):
        share = outside.area / geometry.area
        return Problem("outside_parent", f"超出上级「{parent_name}」的范围（约 {share:.1%} 的面积在外）")
    return None


def overlap_problem(geometry: BaseGeometry, sibling: BaseGeometry, sibling_label: str) -> Problem | None:
    overlap = geometry.intersection(sibling)
    if beyond_tolerance(overlap):
        share = overlap.area / min(geometry.area, sibling.area)
        return Problem("overlap", f"与同级的{sibling_label}重叠（重叠面积约占较小者的 {share:.1%}）")
    return None
