"""Throwaway databases for the benchmarks: a temporary SQLite file, or a PostgreSQL database created here and
dropped afterwards at $CIVICGRID_BENCH_POSTGRES (default postgresql://postgres@127.0.0.1:5432).

A benchmark measures each database in its own process, because Django reads its settings once.
"""

import os
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path

import psycopg

POSTGRES = os.environ.get("CIVICGRID_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432")


def on_sqlite(name: str, run: Callable[[str], None]) -> None:
    """`run(database_url)` on a new SQLite file, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="civicgrid-bench-") as directory:
        run(f"sqlite:///{Path(directory) / f'{name}.sqlite3'}")


def on_postgres(name: str, label: str, run: Callable[[str], None]) -> None:
    """`run(database_url)` on a new PostgreSQL database, dropped afterwards even when `run` fails. When
    PostgreSQL cannot be reached the benchmark says so under `label` and skips that part."""
    try:
        admin = psycopg.connect(f"{POSTGRES}/postgres", autocommit=True)
    except psycopg.OperationalError as error:
        print(f"{label} · postgresql · skipped, not reachable: {error}".strip())
        return
    database = f"civicgrid_bench_{name}_{uuid.uuid4().hex[:8]}"
    with admin:
        admin.execute(f'CREATE DATABASE "{database}"')
        try:
            run(f"{POSTGRES}/{database}")
        finally:
            admin.execute(f'DROP DATABASE "{database}" WITH (FORCE)')


def run_child(script: str, database_url: str, *arguments: str) -> None:
    """The benchmark `script` again, with `--child` and `arguments`, against `database_url`."""
    # DEBUG off: the debug cursor would log and format every statement, which no deployment pays for.
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "0"}
    subprocess.run([sys.executable, script, "--child", *arguments], env=env, check=True)
