"""Requests per second of the open API on a real server: `POST /open311/v2/requests.json` and
`GET /api/v1/appeals/`, served by gunicorn on PostgreSQL.

    .venv/bin/python benchmarks/api_throughput.py [--requests 400] [--clients 8] [--workers 2]
                                                  [--compounds 100]

A throwaway database is created at $CIVICGRID_BENCH_POSTGRES (default postgresql://postgres@127.0.0.1:5432),
migrated and seeded by the demo generator; a key acting as the demo dispatcher (the whole district) is issued
with a limit no run reaches. gunicorn listens on 127.0.0.1 only and a bounded number of requests is sent
from a thread pool; then the server is stopped and the database dropped.
"""

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from scratch_databases import on_postgres

VENV_BIN = Path(sys.executable).parent
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def civicgrid(env: dict, *args: str) -> str:
    return subprocess.run(
        [str(VENV_BIN / "civicgrid"), *args], env=env, check=True, capture_output=True, text=True
    ).stdout


def seed(env: dict, compounds: int) -> tuple[str, str]:
    """(token, service code): the demo city, and a key for its dispatcher that may read and submit."""
    civicgrid(env, "migrate", "--verbosity", "0")
    civicgrid(env, "demo-city", "--compounds", str(compounds), "--verbosity", "0")
    issued = civicgrid(
        env,
        "api-key",
        "create",
        "压测",
        "--account",
        "dispatcher",
        "--scopes",
        "read,submit",
        "--rate",
        "10000000",
    )
    token = issued.strip().splitlines()[-1]
    script = (
        "import django; django.setup(); from civicgrid.open311.selectors import service_categories as s; "
        "print(s().first().pk)"
    )
    code = subprocess.run(
        [sys.executable, "-c", script], env=env, check=True, capture_output=True, text=True
    ).stdout.strip()
    return token, code


def wait_until_serving(port: int, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            connection.request("GET", "/open311/v2/discovery.json")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer in time")


def call(port: int, method: str, path: str, body: bytes | None, headers: dict) -> tuple[int, bytes, float]:
    """(status, body, seconds) of one request on a connection of its own (gunicorn's sync workers close
    each connection after its answer anyway)."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read(), time.perf_counter() - started
    finally:
        connection.close()


def measure(label: str, port: int, requests: list[tuple], clients: int, expected: set[int]) -> None:
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        results = list(pool.map(lambda r: call(port, *r), requests))
    elapsed = time.perf_counter() - started
    latencies = sorted(latency for _, _, latency in results)
    failed = sum(1 for status, _, _ in results if status not in expected)
    p50, p95 = statistics.median(latencies), latencies[int(0.95 * (len(latencies) - 1))]
    print(
        f"api throughput · {label:<32} · {len(requests)} requests, {clients} clients: "
        f"{len(requests) / elapsed:,.0f} requests/s; latency p50 {p50 * 1000:.0f} ms, "
        f"p95 {p95 * 1000:.0f} ms; unexpected answers {failed}",
        flush=True,
    )


def run(args: argparse.Namespace, database_url: str) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "civicgrid.settings",
        # DEBUG off: the debug cursor would log every statement, which no deployment pays for.
        "DEBUG": "0",
        "CIVICGRID_API_ANON_RATE": "10000000/min",
    }
    token, service_code = seed(env, args.compounds)
    port = free_port()
    gunicorn = [str(VENV_BIN / "gunicorn"), "civicgrid.wsgi:application", "--bind", f"{HOST}:{port}"]
    server = subprocess.Popen([*gunicorn, "--workers", str(args.workers), "--log-level", "warning"], env=env)
    try:
        wait_until_serving(port, server)
        print(
            f"api throughput · gunicorn {args.workers} sync workers on PostgreSQL, demo city of "
            f"{args.compounds} compounds",
            flush=True,
        )
        form = {
            "service_code": service_code,
            "address_string": "中山路 1 号",
            "description": "路灯不亮，请修复。",
        }
        posts = [
            (
                "POST",
                "/open311/v2/requests.json",
                urllib.parse.urlencode(form | {"api_key": token, "external_id": f"bench-{n}"}).encode(),
                {"Content-Type": "application/x-www-form-urlencoded"},
            )
            for n in range(args.requests)
        ]
        measure("POST /open311/v2/requests.json", port, posts, args.clients, {201})
        gets = [("GET", "/api/v1/appeals/", None, {"X-Api-Key": token})] * args.requests
        measure("GET /api/v1/appeals/ (50/page)", port, gets, args.clients, {200})
        _, listed, _ = call(port, "GET", "/api/v1/appeals/?page_size=1", None, {"X-Api-Key": token})
        print(
            f"api throughput · appeals the dispatcher's key lists afterwards: {json.loads(listed)['count']}"
        )
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400, help="requests per endpoint (default 400)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent client threads (default 8)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2)")
    parser.add_argument("--compounds", type=int, default=100, help="compounds in the demo city (default 100)")
    args = parser.parse_args()

    on_postgres("api", "api throughput", lambda database_url: run(args, database_url))


if __name__ == "__main__":
    main()
