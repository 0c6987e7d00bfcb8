"""Dashboard query times on the synthetic history made by dashboards_generate.py: the overview page's figures
(totals, trend, channel and status mix, the three rates, overdue, the grid map) for the district leader and
for a community secretary; the region drill-down (district → street → community → grid); and a one-year
cross-tab (area × category). Targets at 10 million appeals: overview p95 < 300 ms, drill-down p95 < 500 ms,
one-year cross-tab < 2 s.

    .venv/bin/python benchmarks/dashboards_queries.py [--database NAME] [--runs 40] [--drop]

`--drop` drops the throwaway database afterwards.
"""

import argparse
import random
import statistics
import time

import psycopg
from dashboards_generate import DEFAULT_DATABASE, POSTGRES, setup_django


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] if len(samples) > 1 else samples[0]


def timed(call) -> float:
    started = time.perf_counter()
    call()
    return 1000 * (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--drop", action="store_true")
    args = parser.parse_args()
    setup_django(args.database)
    from django.db import connection

    from civicgrid.appeals.models import Appeal
    from civicgrid.dashboards import pages, selectors
    from civicgrid.dashboards.models import (
        AppealAreaRollup,
        AppealRollup,
        AppealStateRollup,
        ScoreAreaRollup,
        ScoreRollup,
    )
    from civicgrid.directory.models import Account
    from civicgrid.grid.models import Grid

    leader, secretary = Account.objects.get(username="leader"), Account.objects.get(username="secretary")
    rng = random.Random(7)
    print(
        f"数据：诉求 {Appeal.objects.count():,} 件；诉求汇总 {AppealRollup.objects.count():,} 行，"
        f"考核汇总 {ScoreRollup.objects.count():,} 行；区域汇总 {AppealAreaRollup.objects.count():,} 行 / "
        f"{ScoreAreaRollup.objects.count():,} 行，现状汇总 {AppealStateRollup.objects.count():,} 行"
    )
    channels = ["", "", "", "hotline", "web"]

    def overview(actor) -> None:
        filters = selectors.Filters.last_days(rng.choice([7, 30, 30, 90]), channel=rng.choice(channels))
        pages.overview_context(actor, filters)

    for name, actor in (("区领导", leader), ("社区书记", secretary)):
        overview(actor)  # warm the connection and caches
        samples = [timed(lambda a=actor: overview(a)) for _ in range(args.runs)]
        print(f"概览（{name}）：p50 {statistics.median(samples):.0f} ms，p95 {p95(samples):.0f} ms")

    levels = [list(Grid.objects.filter(level=level)) for level in range(4)]

    def drill() -> None:
        node = rng.choice(levels[rng.randrange(4)])
        pages.region_context(leader, selectors.Filters.last_days(30), node)

    drill()
    samples = [timed(drill) for _ in range(args.runs)]
    median, high = statistics.median(samples), p95(samples)
    print(f"地域下钻（区→街道→社区→网格，近30天）：p50 {median:.0f} ms，p95 {high:.0f} ms")

    year = selectors.Filters.last_days(365)
    samples = [
        timed(lambda: selectors.cross_tab(leader, year, "area", "category")),
        timed(lambda: selectors.cross_tab(leader, year, "month", "channel")),
        timed(lambda: selectors.cross_tab(leader, year, "unit", "status")),
    ]
    print("一年交叉表：区域×分类 {:.0f} ms，月份×渠道 {:.0f} ms，单位×状态 {:.0f} ms".format(*samples))
    connection.close()
    if args.drop:
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
        print(f"已删除数据库 {args.database}")


if __name__ == "__main__":
    main()
