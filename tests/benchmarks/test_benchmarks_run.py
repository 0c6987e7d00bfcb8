"""Every benchmark script still runs: each at a toy size, in its own process, as a developer would start it.

Benchmarks are not timed here (their figures are for the scripts' own output); this only keeps them from
rotting unnoticed, as the ledger benchmark once did. The PostgreSQL parts create and drop their own scratch
databases and are skipped by the scripts themselves where PostgreSQL cannot be reached. They run once, in
the SQLite pass of the suite.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"

TOY_RUNS = {
    "ledger_append": ["--appends", "8", "--per-transaction", "4"],
    "appeals_create": ["--appeals", "4", "--workers", "1"],
    "appeals_import": ["--rows", "40"],
    "locate": ["--grids", "20", "--points", "200"],
    "insight_duplicates": ["--appeals", "400", "--queries", "10", "--grids", "8"],
}

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="benchmarks bring their own databases: run once, in the SQLite pass",
)


@pytest.mark.parametrize("script", sorted(TOY_RUNS))
def test_the_benchmark_runs_at_a_toy_size(script):
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / f"{script}.py"), *TOY_RUNS[script]],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip(), "a benchmark prints its figures"
