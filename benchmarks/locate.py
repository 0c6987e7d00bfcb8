"""How many points per second `locate` and `locate_many` place among 1,000 grid polygons.

A throwaway SQLite database receives, through the GeoJSON importer, one district and 1,000 irregular grids
(the Voronoi cells of seeded random points, clipped to the district) with one compound in each; then random
points inside the district are located one by one and in batches. Target: ≥ 20,000 points/s.

    .venv/bin/python benchmarks/locate.py [--grids 1000] [--points 50000]
"""

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

TARGET_PER_SECOND = 20_000
DISTRICT = (118.70, 32.00, 119.00, 32.20)  # lng/lat box of about 28 km × 22 km


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grids", type=int, default=1000)
    parser.add_argument("--points", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=20261123)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="civicgrid-bench-") as workdir:
        _setup_django(Path(workdir))
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        run(args.grids, args.points, random.Random(args.seed))


def _setup_django(workdir: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["CIVICGRID_DATA_DIR"] = str(workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicgrid.settings")
    import django

    django.setup()


def synthetic_city(grids: int, rng: random.Random) -> dict:
    import shapely
    from shapely.geometry import box, mapping

    district = box(*DISTRICT)
    min_lng, min_lat, max_lng, max_lat = DISTRICT
    seeds = shapely.multipoints(
        [(rng.uniform(min_lng, max_lng), rng.uniform(min_lat, max_lat)) for _ in range(grids)]
    )
    voronoi = shapely.voronoi_polygons(seeds, extend_to=district)
    cells = [cell.intersection(district) for cell in voronoi.geoms]
    features = [_feature(mapping(district), name="基准区", level=0)]
    for number, cell in enumerate(cells, start=1):
        name = f"网格{number:04d}"
        features.append(_feature(mapping(cell), name=name, level=3, parent="基准区"))
        # A compound of about 100 m around a point well inside the cell.
        compound = cell.representative_point().buffer(0.001, quad_segs=4).intersection(cell)
        features.append(_feature(mapping(compound), name=f"{name}小区", kind="compound", parent=name))
    return {"type": "FeatureCollection", "features": features}


def _feature(geometry: dict, **properties) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def run(grids: int, points: int, rng: random.Random) -> None:
    from civicgrid.grid.locate import current_index, locate, locate_many
    from civicgrid.grid.services import import_geojson

    started = time.perf_counter()
    report = import_geojson(synthetic_city(grids, rng))
    if not report.ok:
        sys.exit(f"synthetic city rejected: {report.errors[:3]}")
    print(f"import: {report.summary} in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    current_index()
    print(f"index build: {len(current_index())} polygons in {(time.perf_counter() - started) * 1000:.0f} ms")

    min_lng, min_lat, max_lng, max_lat = DISTRICT
    sample = [(rng.uniform(min_lat, max_lat), rng.uniform(min_lng, max_lng)) for _ in range(points)]

    started = time.perf_counter()
    single = [locate(lat, lng) for lat, lng in sample]
    single_rate = points / (time.perf_counter() - started)

    started = time.perf_counter()
    batched = [location for i in range(0, points, 10_000) for location in locate_many(sample[i : i + 10_000])]
    batch_rate = points / (time.perf_counter() - started)

    if single != batched or any(location.grid_id is None for location in single):
        sys.exit("locate and locate_many disagree, or a point inside the district found no grid")
    in_compound = sum(location.compound_id is not None for location in single)
    print(f"{points} random points, {in_compound} of them in a compound")
    for label, rate in (("locate", single_rate), ("locate_many", batch_rate)):
        verdict = "ok" if rate >= TARGET_PER_SECOND else "BELOW TARGET"
        print(
            f"FIGURE {label}: {rate:,.0f} points/s against {grids} grid polygons "
            f"(target {TARGET_PER_SECOND:,}/s: {verdict})"
        )


if __name__ == "__main__":
    main()
