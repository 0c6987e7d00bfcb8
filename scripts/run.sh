#!/usr/bin/env bash
# Set everything up and start the platform on its embedded default: SQLite, demo city, demo accounts.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export CIVICGRID_ENV=${CIVICGRID_ENV:-development}
.venv/bin/civicgrid migrate --no-input -v 0
.venv/bin/civicgrid demo-city
.venv/bin/civicgrid seed-party-demo
exec .venv/bin/civicgrid serve "${CIVICGRID_ADDR:-127.0.0.1:8000}"
