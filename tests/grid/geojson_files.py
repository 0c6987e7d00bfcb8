"""GeoJSON files for the import tests, drawn on the small city of tests/conftest.py (cell units of 0.01°)."""

from smallcity import LAT0, LNG0, STEP, cell


def feature(geometry: dict | None, **properties) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def collection(*features: dict) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def ring(*points: tuple[float, float]) -> dict:
    coordinates = [[LNG0 + x * STEP, LAT0 + y * STEP] for x, y in points]
    return {"type": "Polygon", "coordinates": [[*coordinates, coordinates[0]]]}


def good_file(city) -> dict:
    """Grid 1 of community 1 split into two household groups, one holding a new compound."""
    grid = city.grids[0].name
    return collection(
        feature(cell(0, 0, 1, 2), name="东片住户小组", level="household_group", parent=grid),
        feature(cell(1, 0, 2, 2), name="西片住户小组", level=4, parent=grid),
        feature(
            cell(1.2, 0.2, 1.8, 0.8),
            name="新建小区",
            kind="compound",
            parent="西片住户小组",
            property_company="新物业公司",
        ),
    )


def broken_file(city) -> dict:
    """One good feature and five bad ones, in this order: bow-tie, overlap, unknown parent, point, no name."""
    community = city.communities[0].name
    return collection(
        feature(cell(0, 0, 1, 1), name="好的住户小组", level=4, parent=city.grids[0].name),
        feature(ring((0, 0), (1, 1), (1, 0), (0, 1)), name="蝴蝶结网格", level=3, parent=community),
        feature(cell(1, 1, 2, 3), name="重叠网格", level=3, parent=community),
        feature(cell(0, 0, 1, 1), name="无主网格", level=3, parent_code="320102099000"),
        feature({"type": "Point", "coordinates": [LNG0, LAT0]}, name="一个点", parent=community),
        feature(cell(0, 0, 1, 1), level=3, parent=community),
    )
