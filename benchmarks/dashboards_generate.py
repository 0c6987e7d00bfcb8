"""A large synthetic appeal history for the dashboards benchmark, in a throwaway PostgreSQL database.

Creates (dropping any previous one) the database, migrates it, builds a district of 10 streets × 8
communities × 6 grids with box polygons, 60 units and two accounts (a leader for the district, a secretary
for one community), then COPYs `--appeals` appeals spread over `--years` years straight into the appeal table
(the older ones mostly closed, the recent ones at every stage, some overdue), derives their 主办 assignments
and callbacks in SQL, and builds the rollups with `rebuild_rollups()` (SQL aggregation, a month at a time).

    .venv/bin/python benchmarks/dashboards_generate.py [--appeals 1000000] [--years 3] [--database NAME]
    .venv/bin/python benchmarks/dashboards_queries.py [--database NAME] [--drop]

The issue's scale is `--appeals 10000000`. PostgreSQL is reached at $CIVICGRID_BENCH_POSTGRES (default
postgresql://postgres@127.0.0.1:5432).
"""

import argparse
import datetime as dt
import os
import sys
import time

import numpy as np
import psycopg
from scratch_databases import POSTGRES
from tqdm import tqdm

DEFAULT_DATABASE = "civicgrid_dash_bench"
STREETS, COMMUNITIES, GRIDS = 10, 8, 6
DEPARTMENTS, PROPERTY_COMPANIES = 40, 20
CHUNK = 200_000
CHANNELS = ["hotline", "web", "app", "wechat", "mailbox", "patrol", "open311", "import"]
CHANNEL_WEIGHTS = [0.55, 0.12, 0.10, 0.10, 0.03, 0.08, 0.01, 0.01]
KINDS = ["complaint", "consultation", "suggestion", "report", "help", "praise"]
KIND_WEIGHTS = [0.45, 0.25, 0.10, 0.08, 0.10, 0.02]
# Appeals older than a month are finished; recent ones are spread over the whole life.
OLD_STATUSES = ["closed", "called_back", "merged", "returned"]
OLD_WEIGHTS = [0.92, 0.03, 0.03, 0.02]
RECENT_STATUSES = ["received", "dispatched", "signed", "in_progress", "resolved", "called_back", "closed"]
RECENT_WEIGHTS = [0.05, 0.10, 0.10, 0.20, 0.15, 0.10, 0.30]
DISPATCHED = {"dispatched", "signed", "in_progress", "resolved", "called_back", "closed"}
COLUMNS = (
    "tracking_code", "channel", "external_id", "kind", "category_id", "title", "text", "address", "grid_id",
    "urgency", "is_anonymous", "status", "main_unit_id", "reply", "received_at", "dispatched_at", "sign_due",
    "signed_at", "resolved_at", "called_back_at", "closed_at", "resolve_due", "due_state", "reopen_count",
    "is_supervised", "created_at", "updated_at",
)  # fmt: skip


def database_url(name: str) -> str:
    return f"{POSTGRES}/{name}"


def recreate(name: str) -> None:
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def setup_django(name: str) -> None:
    os.environ["DATABASE_URL"] = database_url(name)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicgrid.settings")
    import django

    django.setup()


def build_city() -> tuple[list[int], list[int], dict[int, int]]:
    """The district; returns leaf grid ids, unit ids and each level-3 category's root."""
    from django.conf import settings
    from shapely.geometry import box

    from civicgrid.appeals.models import Category
    from civicgrid.directory.models import Person, Role, Unit, UnitKind
    from civicgrid.directory.services import assign_role, create_account
    from civicgrid.grid.geometry import to_geojson
    from civicgrid.grid.models import Grid

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    lng0, lat0, step = 118.70, 32.00, 0.01

    def cell(x0, y0, x1, y1):
        return to_geojson(box(lng0 + x0 * step, lat0 + y0 * step, lng0 + x1 * step, lat0 + y1 * step))

    district = Grid.objects.create(name="基准区", level=0, boundary=cell(0, 0, 60, 48))
    leaves, first_community = [], None
    for s in range(STREETS):
        sx, sy = (s % 5) * 12, (s // 5) * 24
        street = Grid.objects.create(
            name=f"第{s + 1}街道", level=1, parent=district, boundary=cell(sx, sy, sx + 12, sy + 24)
        )
        for c in range(COMMUNITIES):
            cx, cy = sx + (c % 2) * 6, sy + (c // 2) * 6
            community = Grid.objects.create(
                name=f"{street.name}{c + 1}社区",
                level=2,
                parent=street,
                boundary=cell(cx, cy, cx + 6, cy + 6),
            )
            first_community = first_community or community
            for g in range(GRIDS):
                gx, gy = cx + (g % 3) * 2, cy + (g // 3) * 3
                grid = Grid.objects.create(
                    name=f"{community.name}第{g + 1}网格",
                    level=3,
                    parent=community,
                    boundary=cell(gx, gy, gx + 2, gy + 3),
                )
                leaves.append(grid.pk)
    units = [
        Unit.objects.create(name=f"区第{i + 1}职能部门", kind=UnitKind.GOVERNMENT_DEPARTMENT).pk
        for i in range(DEPARTMENTS)
    ] + [
        Unit.objects.create(name=f"第{i + 1}物业公司", kind=UnitKind.PROPERTY_COMPANY).pk
        for i in range(PROPERTY_COMPANIES)
    ]
    for username, role, grid in (
        ("leader", Role.LEADER, district),
        ("secretary", Role.COMMUNITY_SECRETARY, first_community),
    ):
        person = Person.objects.create(name=username, home_grid=grid)
        account = create_account(person=person, username=username, password="x", validate=False)
        assign_role(account=account, role=role, grid=grid)
    roots = {c.pk: int(c.path.strip("/").split("/")[0]) for c in Category.objects.filter(level=3)}
    return leaves, units, roots


def _timestamps(values: np.ndarray) -> np.ndarray:
    # Zone-less text: the COPY session runs in UTC, where these instants were drawn.
    text = np.datetime_as_string(values, unit="s")
    text[np.isnat(values)] = "\\N"
    return text


def appeal_chunk(start: int, size: int, rng, leaves, units, categories, roots, now, years) -> str:
    """COPY text for appeals start … start + size − 1."""
    span = int(years * 365 * 86400)
    received = np.datetime64(now, "s") - rng.integers(0, span, size).astype("timedelta64[s]")
    age_days = (np.datetime64(now, "s") - received).astype("timedelta64[D]").astype(int)
    recent = age_days < 30
    status = np.where(
        recent,
        rng.choice(RECENT_STATUSES, size, p=RECENT_WEIGHTS),
        rng.choice(OLD_STATUSES, size, p=OLD_WEIGHTS),
    )
    # Busy grids and common categories: a skewed draw, as real districts are.
    grid_index = np.minimum(rng.zipf(1.3, size) - 1, len(leaves) - 1)
    grid_index = (grid_index * 7919 + rng.integers(0, 3, size)) % len(leaves)
    category_index = (np.minimum(rng.zipf(1.2, size) - 1, len(categories) - 1) * 104729) % len(categories)
    category = np.asarray(categories)[category_index]
    root = np.asarray([roots[c] for c in categories])[category_index]
    unit = np.asarray(units)[(root * 3 + grid_index % 3) % len(units)]
    dispatched_mask = np.isin(status, list(DISPATCHED))
    nat = np.datetime64("NaT", "s")
    dispatched = np.where(
        dispatched_mask, received + rng.integers(60, 4 * 3600, size).astype("timedelta64[s]"), nat
    )
    sign_due = dispatched + np.timedelta64(2 * 3600, "s")
    signed_mask = dispatched_mask & (status != "dispatched")
    signed = np.where(
        signed_mask, dispatched + rng.integers(60, 3 * 3600, size).astype("timedelta64[s]"), nat
    )
    resolve_due = dispatched + np.timedelta64(15 * 86400, "s")
    resolved_mask = np.isin(status, ["resolved", "called_back", "closed"])
    resolved = np.where(
        resolved_mask, dispatched + rng.integers(3600, 20 * 86400, size).astype("timedelta64[s]"), nat
    )
    called_back = np.where(
        np.isin(status, ["called_back", "closed"]), resolved + np.timedelta64(86400, "s"), nat
    )
    closed = np.where(status == "closed", called_back + np.timedelta64(3600, "s"), nat)
    open_mask = np.isin(status, ["dispatched", "signed", "in_progress"])
    now64 = np.datetime64(now, "s")
    due_state = np.where(
        ~open_mask,
        "",
        np.where(
            resolve_due < now64,
            "overdue",
            np.where(resolve_due < now64 + np.timedelta64(86400, "s"), "near_due", "on_time"),
        ),
    )
    ids = np.arange(start, start + size)
    columns = [
        np.asarray([f"B{i:09d}" for i in ids.tolist()]),
        rng.choice(CHANNELS, size, p=CHANNEL_WEIGHTS),
        np.full(size, ""),
        rng.choice(KINDS, size, p=KIND_WEIGHTS),
        category.astype(str),
        np.full(size, "合成诉求"),
        np.full(size, "基准测试合成的诉求内容"),
        np.full(size, ""),
        np.asarray(leaves)[grid_index].astype(str),
        np.full(size, "normal"),
        np.full(size, "f"),
        status,
        np.where(dispatched_mask, unit.astype(str), "\\N"),
        np.full(size, ""),
        _timestamps(received),
        _timestamps(dispatched),
        _timestamps(sign_due),
        _timestamps(signed),
        _timestamps(resolved),
        _timestamps(called_back),
        _timestamps(closed),
        _timestamps(resolve_due),
        due_state,
        np.full(size, "0"),
        np.full(size, "f"),
        _timestamps(received),
        _timestamps(received),
    ]
    return "".join("\t".join(row) + "\n" for row in zip(*(c.tolist() for c in columns), strict=True))


def copy_appeals(name: str, count: int, years: float, leaves, units, roots) -> None:
    rng = np.random.default_rng(20261123)
    categories = sorted(roots)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with psycopg.connect(database_url(name)) as connection, connection.cursor() as cursor:
        cursor.execute("SET TIME ZONE 'UTC'")
        statement = f"COPY appeals_appeal ({', '.join(COLUMNS)}) FROM STDIN"
        with tqdm(total=count, desc="COPY 诉求", unit="件", file=sys.stderr) as bar:
            for start in range(0, count, CHUNK):
                size = min(CHUNK, count - start)
                block = appeal_chunk(start, size, rng, leaves, units, categories, roots, now, years)
                with cursor.copy(statement) as copy:
                    copy.write(block)
                bar.update(size)
        connection.commit()


def derive_rounds_and_callbacks(name: str) -> None:
    with psycopg.connect(database_url(name), autocommit=True) as connection:
        connection.execute(
            """INSERT INTO appeals_appealassignment
                   (appeal_id, unit_id, role, assigned_at, sign_due, signed_at, ended_at, is_active)
               SELECT id, main_unit_id, 'main', dispatched_at, sign_due, signed_at, NULL, true
               FROM appeals_appeal WHERE dispatched_at IS NOT NULL"""
        )
        connection.execute(
            """INSERT INTO appeals_callback (appeal_id, unit_id, resolution, satisfaction, via, note, at)
               SELECT id, main_unit_id,
                      (ARRAY['resolved', 'resolved', 'resolved', 'partly_resolved', 'unresolved'])
                          [1 + id % 5],
                      (ARRAY['satisfied', 'satisfied', 'basically_satisfied', 'dissatisfied', 'unrated'])
                          [1 + id % 7 % 5],
                      'phone', '', called_back_at
               FROM appeals_appeal WHERE called_back_at IS NOT NULL"""
        )
        connection.execute("ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--appeals", type=int, default=1_000_000)
    parser.add_argument("--years", type=float, default=3.0)
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    args = parser.parse_args()
    started = time.perf_counter()
    recreate(args.database)
    setup_django(args.database)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    leaves, units, roots = build_city()
    print(
        f"城市：{len(leaves)} 个网格，{len(units)} 个单位；{time.perf_counter() - started:.0f} 秒", flush=True
    )
    phase = time.perf_counter()
    copy_appeals(args.database, args.appeals, args.years, leaves, units, roots)
    print(f"COPY {args.appeals:,} 件诉求：{time.perf_counter() - phase:.0f} 秒", flush=True)
    phase = time.perf_counter()
    derive_rounds_and_callbacks(args.database)
    print(f"派单与回访：{time.perf_counter() - phase:.0f} 秒", flush=True)
    phase = time.perf_counter()
    from django.db import connection

    from civicgrid.dashboards.services import rebuild_rollups

    totals = rebuild_rollups(progress=True)
    with connection.cursor() as cursor:
        # Vacuumed, the covering indexes answer from the index alone (the visibility map is set).
        cursor.execute("VACUUM ANALYZE dashboards_appealrollup")
        cursor.execute("VACUUM ANALYZE dashboards_scorerollup")
    print(
        f"汇总表：诉求汇总 {totals['appeal_rows']:,} 行，考核汇总 {totals['score_rows']:,} 行；"
        f"{time.perf_counter() - phase:.0f} 秒",
        flush=True,
    )
    print(f"合计 {time.perf_counter() - started:.0f} 秒；数据库 {args.database}", flush=True)


if __name__ == "__main__":
    main()
