"""Appeals created per second through the service layer: `submit_appeal(route=True)` as every intake screen
and API calls it — point location on the grid, urgency check, contact, dispatch rules, deadlines on the
holiday calendar, assignment, `submit` and `dispatch` events, ledger entries and dashboard rollups, in one
transaction — by one process per core. On SQLite and on PostgreSQL, each in a throwaway database with the
small test city. Target: ≥ 200 appeals/s on PostgreSQL on 2 cores.

    .venv/bin/python benchmarks/appeals_create.py [--appeals 2000] [--workers 2]

The baseline figure (one-row write transactions per second) shows what a durable commit costs on this disk.

PostgreSQL is reached at $CIVICGRID_BENCH_POSTGRES (default postgresql://postgres@127.0.0.1:5432); it is
skipped when it cannot be reached. Each database is measured in its own process (Django reads settings once).
"""

import argparse
import multiprocessing
import os
import random
import sys
import time
from pathlib import Path

from ledger_append import commit_ceiling
from scratch_databases import on_postgres, on_sqlite, run_child

TESTS_DIR = Path(__file__).resolve().parent.parent / "tests"
WARM_UP = 10  # appeals per worker before the clock starts


def measure(count: int, workers: int) -> None:
    """Runs in the child process, against the database in $DATABASE_URL: bootstraps the city, then forks
    `workers` processes that create `count` appeals between them, started together."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicgrid.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, connections

    from civicgrid.appeals.models import Appeal, Category, Status
    from civicgrid.appeals.services import save_dispatch_rule
    from civicgrid.ledger.selectors import verify_chain

    sys.path.insert(0, str(TESTS_DIR))
    from smallcity import build_small_city

    call_command("migrate", verbosity=0)
    # The city's accounts are set up, not measured: a cheap hasher keeps the bootstrap short.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    city = build_small_city()
    admin = city.accounts["admin"]
    for community in city.communities[:2]:
        save_dispatch_rule(actor=admin, unit=city.units["street_office"], grid=community)
    save_dispatch_rule(actor=admin, unit=city.units["department"], grid=city.district)
    categories = list(Category.objects.filter(level=3))
    property_matter = Category.objects.get(name="物业服务")
    connections.close_all()  # each forked worker opens its own connection

    context = multiprocessing.get_context("fork")
    start, spent = context.Barrier(workers + 1), context.SimpleQueue()
    processes = [
        context.Process(target=work, args=(k, count // workers, categories, property_matter, start, spent))
        for k in range(workers)
    ]
    for process in processes:
        process.start()
    start.wait()
    started = time.perf_counter()
    for process in processes:
        process.join()
        assert process.exitcode == 0, process.exitcode
    elapsed = time.perf_counter() - started
    made = workers * (count // workers)
    # CPU the workers spent on the measured appeals: on a loaded machine the one figure that waits for no one.
    cpu_ms = 1000 * sum(spent.get() for _ in processes) / made
    measured = Appeal.objects.filter(external_id__startswith="BENCH-")
    located = measured.filter(grid__isnull=False).count()
    dispatched = measured.filter(status=Status.DISPATCHED).count()
    assert verify_chain().ok
    print(
        f"appeals create · {connection.vendor:<10} · {made} appeals by {workers} process(es), "
        "(submit_appeal, routed: located, dispatched, ledgered): "
        f"{made / elapsed:,.0f} appeals/s, {1000 * elapsed * workers / made:.1f} ms each per process, "
        f"{cpu_ms:.1f} ms Python CPU each; "
        f"{located} located, {dispatched} dispatched; baseline {commit_ceiling(200):,.0f} one-row write "
        f"transactions/s; load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )


def work(worker: int, count: int, categories: list, property_matter, start, spent) -> None:
    from civicgrid.appeals.services import submit_appeal

    sys.path.insert(0, str(TESTS_DIR))
    from smallcity import LAT0, LNG0, STEP

    rng = random.Random(worker)

    def one(external_id: str, n: int) -> None:
        submit_appeal(
            channel="hotline",
            kind="complaint",
            title=f"诉求 {external_id}",
            text="小区门口道路破损，雨天积水严重，请尽快修复。",
            category=property_matter if n % 10 == 0 else rng.choice(categories),
            lat=LAT0 + rng.uniform(0.1, 3.9) * STEP,
            lng=LNG0 + rng.uniform(0.1, 7.9) * STEP,
            contact_name="市民",
            contact_phone=f"139{n:08d}",
            external_id=external_id,
            route=True,
        )

    try:
        for n in range(WARM_UP):  # the locate index, the calendar cache, the connection
            one(f"WARM-{worker}-{n}", n)
    except BaseException:
        start.abort()  # the others must not wait for a worker that is gone
        raise
    start.wait()
    cpu = time.process_time()
    for n in range(count):
        one(f"BENCH-{worker}-{n}", n)
    spent.put(time.process_time() - cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--appeals", type=int, default=2000)
    parser.add_argument(
        "--workers", type=int, default=2, help="processes creating appeals at once (one per core)"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        measure(args.appeals, args.workers)
        return

    def run(database_url: str) -> None:
        run_child(__file__, database_url, f"--appeals={args.appeals}", f"--workers={args.workers}")

    on_sqlite("appeals", run)
    on_postgres("appeals", "appeals create", run)


if __name__ == "__main__":
    main()
