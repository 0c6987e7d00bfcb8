.PHONY: run test setup lint

## run: set everything up, create the demo city once, serve on http://127.0.0.1:8000
run:
	scripts/run.sh

## test: ruff, then the whole pytest suite on SQLite and on PostgreSQL (side by side)
test:
	scripts/test.sh

setup:
	scripts/setup.sh --browser

lint:
	.venv/bin/ruff check .
