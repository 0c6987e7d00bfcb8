#!/usr/bin/env bash
# The whole test suite: ruff, then pytest on SQLite and the same suite on PostgreSQL, side by side when
# PostgreSQL is reachable (the two passes share nothing but the machine: in-memory SQLite, a test_… database,
# their own browsers and ports; on two cores this takes about two thirds of running them one after the other).
# With CI=true an unreachable PostgreSQL or a missing browser fails the run instead of being skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --browser

say() { printf '\033[1;34m[test]\033[0m %s\n' "$*"; }
say "ruff"
.venv/bin/ruff check .

export CIVICGRID_ENV=development
PG_URL=${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/civicgrid}
if .venv/bin/python - "$PG_URL" <<'PY'
import sys

import dj_database_url
import psycopg

cfg = dj_database_url.parse(sys.argv[1])
try:
    psycopg.connect(
        host=cfg["HOST"] or None, port=cfg["PORT"] or None, user=cfg["USER"] or None,
        password=cfg["PASSWORD"] or None, dbname="postgres", connect_timeout=5,
    ).close()
except psycopg.Error as error:
    print(f"PostgreSQL unreachable: {error}", file=sys.stderr)
    sys.exit(1)
PY
then
  sqlite_log=$(mktemp)
  say "pytest · SQLite (in the background; its output follows the PostgreSQL pass)"
  env -u DATABASE_URL .venv/bin/pytest "$@" >"$sqlite_log" 2>&1 &
  sqlite_pid=$!
  say "pytest · PostgreSQL ($PG_URL)"
  pg_status=0
  DATABASE_URL=$PG_URL .venv/bin/pytest "$@" || pg_status=$?
  sqlite_status=0
  wait "$sqlite_pid" || sqlite_status=$?
  say "pytest · SQLite"
  cat "$sqlite_log"
  rm -f "$sqlite_log"
  say "SQLite: exit $sqlite_status · PostgreSQL: exit $pg_status"
  # Any non-zero exit fails the run, 5 (no tests collected) included.
  [[ $sqlite_status -eq 0 && $pg_status -eq 0 ]]
elif [[ "${CI:-}" == "true" ]]; then
  echo "[test] CI=true: PostgreSQL at $PG_URL is unreachable, which fails the run." >&2
  exit 1
else
  say "PostgreSQL 不可达，只运行 SQLite 测试（CI=true 时此处会失败）"
  env -u DATABASE_URL .venv/bin/pytest "$@"
fi
