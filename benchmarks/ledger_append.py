"""Ledger appends per second through `record()`, on SQLite and on PostgreSQL, each in a throwaway database.

    .venv/bin/python benchmarks/ledger_append.py [--appends 4000] [--per-transaction 4]

Appends are grouped in transactions as an appeal's service calls make them (several per call). PostgreSQL is
reached at $CIVICGRID_BENCH_POSTGRES (default postgresql://postgres@127.0.0.1:5432); it is skipped when it
cannot be reached. Each database is measured in its own process, because Django reads its settings once.
"""

import argparse
import os
import time

from scratch_databases import on_postgres, on_sqlite, run_child


def measure(appends: int, per_transaction: int) -> None:
    """Runs in the child process, against the database in $DATABASE_URL."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicgrid.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from civicgrid.ledger.selectors import verify_chain
    from civicgrid.ledger.services import record

    # Only the ledger and what it depends on: other apps' tables play no part in an append.
    call_command("migrate", "ledger", verbosity=0)
    change = {"before": {"unit_id": None}, "after": {"unit_id": 7, "note": "转派至区城市管理局"}}
    started = time.perf_counter()
    for first in range(0, appends, per_transaction):
        with transaction.atomic():
            for n in range(first, min(first + per_transaction, appends)):
                record("appeal.dispatch", target=("appeals.appeal", first), payload={**change, "n": n})
    appended = time.perf_counter() - started
    started = time.perf_counter()
    result = verify_chain()
    verified = time.perf_counter() - started
    assert result.ok and result.checked == appends, result
    transactions = appends // per_transaction
    print(
        f"ledger append · {connection.vendor:<10} · {appends} appends, {per_transaction} per transaction: "
        f"{appends / appended:,.0f} appends/s ({transactions / appended:,.0f} transactions/s); "
        f"verify {appends / verified:,.0f} entries/s; "
        f"baseline {commit_ceiling(transactions):,.0f} one-row write transactions/s",
        flush=True,
    )


def commit_ceiling(transactions: int) -> float:
    """Write transactions per second with nothing in them but one tiny row: what the disk and the database
    allow anyway, so the ledger's own cost can be told apart from the cost of committing."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_commit (n integer)")
    started = time.perf_counter()
    for n in range(transactions):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("INSERT INTO bench_commit (n) VALUES (%s)", [n])
    return transactions / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--appends", type=int, default=4000)
    parser.add_argument("--per-transaction", type=int, default=4)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        measure(args.appends, args.per_transaction)
        return

    def run(database_url: str) -> None:
        run_child(
            __file__, database_url, f"--appends={args.appends}", f"--per-transaction={args.per_transaction}"
        )

    on_sqlite("ledger", run)
    on_postgres("ledger", "ledger append", run)


if __name__ == "__main__":
    main()
