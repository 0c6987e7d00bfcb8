#!/usr/bin/env bash
# The whole test suite: ruff, then pytest on SQLite, then the same suite on PostgreSQL.
# With CI=true an unreachable PostgreSQL or a missing browser fails the run instead of being skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --browser

say() { printf '\033[1;34m[test]\033[0m %s\n' "$*"; }
say "ruff"
.venv/bin/ruff check .

export CIVICGRID_ENV=development
say "pytest · SQLite"
env -u DATABASE_URL .venv/bin/pytest "$@"

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
  say "pytest · PostgreSQL ($PG_URL)"
  DATABASE_URL=$PG_URL .venv/bin/pytest "$@"
elif [[ "${CI:-}" == "true" ]]; then
  echo "[test] CI=true: PostgreSQL at $PG_URL is unreachable, which fails the run." >&2
  exit 1
else
  say "PostgreSQL 不可达，跳过 PostgreSQL 测试（CI=true 时此处会失败）"
fi
