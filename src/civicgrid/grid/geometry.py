"""GeoJSON ⇄ shapely helpers shared by the locate index, the importers and the demo generator."""

from shapely.errors import ShapelyError
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

POLYGONAL_TYPES = {"Polygon", "MultiPolygon"}


class UnreadableGeometry(ValueError):
    """GeoJSON that shapely cannot turn into a geometry (missing or malformed coordinates)."""


def to_shape(geojson: dict | None) -> BaseGeometry | None:
    return shape(geojson) if geojson else None


def read_shape(geojson: dict | None) -> BaseGeometry | None:
    """`to_shape` for untrusted input: any malformation becomes one exception type."""
    try:
        return to_shape(geojson)
    except (KeyError, TypeError, ValueError, AttributeError, ShapelyError) as error:
        raise UnreadableGeometry(str(error)) from error


def to_geojson(geometry: BaseGeometry, precision: int = 6) -> dict:
    """GeoJSON geometry with coordinates rounded to ~0.1 m, which keeps rows small."""
    from shapely import set_precision

    return mapping(set_precision(geometry, 10**-precision))


def geometry_centroid(geojson: dict | None) -> tuple[float | None, float | None]:
    """(lat, lng) of a representative point inside the geometry, or (None, None) without one."""
    geometry = to_shape(geojson)
    if geometry is None or geometry.is_empty:
        return None, None
    point = geometry.representative_point()
    return point.y, point.x
