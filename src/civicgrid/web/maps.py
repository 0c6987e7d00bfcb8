"""GeoJSON for the in-page maps. ECharts draws the polygons themselves: no tiles, no network."""

from django.urls import reverse

# Drawing order is paint order: the grid underneath, its children over it, compounds on top.
GRID, CHILD, COMPOUND = "grid", "child", "compound"


def _feature(kind: str, obj, url_name: str | None) -> dict:
    return {
        "type": "Feature",
        "properties": {
            # ECharts matches regions by this key; names alone may repeat across levels.
            "key": f"{kind}-{obj.pk}",
            "name": obj.name,
            "kind": kind,
            "url": reverse(url_name, args=[obj.pk]) if url_name else "",
        },
        "geometry": obj.boundary,
    }


def grid_map(grid, children, compounds) -> dict:
    """A FeatureCollection of the grid, its child grids and the compounds in it (those with a polygon)."""
    features = [_feature(GRID, grid, None)]
    features += [_feature(CHILD, child, "web:grid_detail") for child in children]
    features += [_feature(COMPOUND, compound, "web:compound_detail") for compound in compounds]
    return {"type": "FeatureCollection", "features": [f for f in features if f["geometry"]]}
