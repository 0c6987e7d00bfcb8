"""Appeals imported from a hotline export on PostgreSQL: a synthetic CSV written from the demo's own appeal
templates (1,000,000 rows by default, in /tmp), imported with `import_appeals` and the saved `hotline-12345`
mapping — every row validated first, then written in one transaction by COPY, located on the grid, with a
contact, a `submit` event and one ledger entry for the file. Target: 1,000,000 rows in ≤ 5 min on 2 cores,
for a migration, which skips the urgent-case check; `--urgent-check` times the import as the CLI runs it by
default, every open row read by the urgent-case model (docs/imports.md).

    .venv/bin/python benchmarks/appeals_import.py [--rows 1000000] [--reimport] [--urgent-check]

Runs in a throwaway database (created and dropped here) on $CIVICGRID_BENCH_POSTGRES (default
postgresql://postgres@127.0.0.1:5432), with the small test city's grids and compounds. `--reimport` imports
the same file again and times the idempotent pass (every row found and skipped).
"""

import argparse
import csv
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

from scratch_databases import on_postgres, run_child

TESTS_DIR = Path(__file__).resolve().parent.parent / "tests"
HEADER = [
    "工单编号",
    "受理时间",
    "诉求类型",
    "问题分类",
    "工单标题",
    "诉求内容",
    "事发地址",
    "纬度",
    "经度",
    "来电人",
    "联系电话",
]
ADDRESS_SHARE = 0.1  # rows placed by the compound named in their address rather than by a point


def write_export(path: Path, rows: int, compounds: list[str]) -> None:
    """A 12345 export as an operator would download it, from our templates, in UTF-8 with BOM."""
    from civicgrid.appeals.models import Kind
    from civicgrid.demo.appeals import appeal_templates

    sys.path.insert(0, str(TESTS_DIR))
    from smallcity import LAT0, LNG0, STEP

    rng = random.Random(rows)
    templates = appeal_templates()
    kinds = dict(Kind.choices)
    start = dt.datetime(2025, 1, 1)
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADER)
        for n in range(rows):
            template = rng.choice(templates)
            compound = rng.choice(compounds)
            title, text = template.fill(rng, compound=compound, road="中山路")
            by_address = rng.random() < ADDRESS_SHARE
            lat = "" if by_address else f"{LAT0 + rng.uniform(0.05, 3.95) * STEP:.6f}"
            lng = "" if by_address else f"{LNG0 + rng.uniform(0.05, 7.95) * STEP:.6f}"
            writer.writerow(
                [
                    f"BENCH{n:08d}",
                    f"{start + dt.timedelta(minutes=rng.randrange(600_000)):%Y-%m-%d %H:%M:%S}",
                    kinds[template.kind],
                    template.category,
                    title,
                    text,
                    f"测试区{compound}{rng.randint(1, 30)}栋" if by_address else "",
                    lat,
                    lng,
                    f"市民{n % 1000}",
                    f"139{n:08d}",
                ]
            )


def measure(rows: int, reimport: bool, urgent_check: bool) -> None:
    """Runs in the child process, against the throwaway database in $DATABASE_URL."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicgrid.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from civicgrid.appeals.imports import import_appeals, load_mapping
    from civicgrid.appeals.models import Appeal, AppealEvent
    from civicgrid.ledger.selectors import verify_chain

    sys.path.insert(0, str(TESTS_DIR))
    from smallcity import build_small_city

    call_command("migrate", verbosity=0)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    city = build_small_city()
    path = Path("/tmp") / f"civicgrid-bench-appeals-{rows}.csv"
    started = time.perf_counter()
    write_export(path, rows, [compound.name for compound in city.compounds])
    size = path.stat().st_size
    print(
        f"wrote {rows:,} rows ({size / 2**20:,.0f} MiB) in {time.perf_counter() - started:.0f} s", flush=True
    )

    try:
        mapping = load_mapping("hotline-12345")
        started = time.perf_counter()
        report = import_appeals(path, mapping, progress=True, check_urgency=urgent_check)
        elapsed = time.perf_counter() - started
        assert report.ok and report.imported == rows, report.summary
        located = Appeal.objects.filter(grid__isnull=False).count()
        checked = (
            f"urgent-case check on, {report.urgent_flagged:,} flagged" if urgent_check else "no urgent check"
        )
        print(
            f"appeals import · {connection.vendor} · {rows:,} rows ({report.encoding}), {checked}: "
            f"{elapsed:,.1f} s, {rows / elapsed:,.0f} rows/s; {located:,} located; "
            f"{AppealEvent.objects.count():,} events; load average {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        if reimport:
            started = time.perf_counter()
            again = import_appeals(path, mapping, progress=True)
            elapsed = time.perf_counter() - started
            assert again.ok and again.imported == 0 and again.skipped_existing == rows, again.summary
            print(
                f"re-import (all {rows:,} skipped): {elapsed:,.1f} s, {rows / elapsed:,.0f} rows/s",
                flush=True,
            )
        assert verify_chain().broken_at is None
    finally:
        path.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--reimport", action="store_true", help="time a second, idempotent import too")
    parser.add_argument("--urgent-check", action="store_true", help="read open rows for urgent cases too")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        measure(args.rows, args.reimport, args.urgent_check)
        return
    arguments = [f"--rows={args.rows}"] + [
        flag for flag, on in (("--reimport", args.reimport), ("--urgent-check", args.urgent_check)) if on
    ]
    on_postgres("import", "appeals import", lambda url: run_child(__file__, url, *arguments))


if __name__ == "__main__":
    main()
