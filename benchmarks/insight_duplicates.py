"""Duplicate search latency against 100,000 open appeals (synthetic texts, no real messages).

Texts are recombined from the 附件1 category catalogue names and a few templates; grids follow a skewed size
distribution (a few busy grids hold thousands of open appeals). Prints build time and query p50/p95/max.

    .venv/bin/python benchmarks/insight_duplicates.py [--appeals 100000] [--queries 1000]
"""

import argparse
import os
import random
import statistics
import time
from datetime import datetime, timedelta

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicgrid.settings")
django.setup()

from civicgrid.insight.dataset import TAXONOMY_FILE, read  # noqa: E402
from civicgrid.insight.duplicates import AppealRecord, DuplicateIndex  # noqa: E402

SYLLABLES = ("阳光", "锦绣", "华府", "翠园", "金桂", "银杉", "东方", "南湖", "北辰", "西城")
SYLLABLES += ("星河", "湖畔", "书香", "幸福", "和平", "新城", "绿洲", "枫林", "海棠", "龙湾")
TEMPLATES = (
    "{place}小区{problem}问题严重，{verb}，希望尽快处理",
    "关于{place}路{problem}的投诉：{verb}，已经反映多次",
    "{place}社区居民反映{problem}，{verb}，请相关部门核查",
    "建议解决{place}片区{problem}，{verb}",
)
VERBS = ("影响居民休息", "存在安全隐患", "物业不作为", "多次投诉无果", "老人小孩出行不便", "夜间尤其严重")


def synthetic_appeals(count: int, grids: int, seed: int = 7) -> list[AppealRecord]:
    rng = random.Random(seed)
    problems = sorted(
        {row["三级分类"] for row in read(TAXONOMY_FILE)} | {row["二级分类"] for row in read(TAXONOMY_FILE)}
    )
    weights = [1 / (rank + 1) for rank in range(grids)]  # Zipf: grid 0 is the busiest
    start = datetime(2026, 1, 1)
    appeals = []
    for number in range(count):
        place = rng.choice(SYLLABLES) + rng.choice(SYLLABLES)
        text = rng.choice(TEMPLATES).format(place=place, problem=rng.choice(problems), verb=rng.choice(VERBS))
        grid = rng.choices(range(grids), weights)[0]
        appeals.append(
            AppealRecord(
                f"A{number}",
                text,
                f"G{grid}",
                start + timedelta(minutes=rng.randrange(60 * 24 * 90)),
                f"C{grid}-{rng.randrange(8)}",
            )
        )
    return appeals


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--appeals", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=1_000)
    parser.add_argument("--grids", type=int, default=1_000)
    args = parser.parse_args()
    appeals = synthetic_appeals(args.appeals + args.queries, args.grids)
    index = DuplicateIndex()
    started = time.perf_counter()
    index.add_many(appeals[: args.appeals])
    build = time.perf_counter() - started
    busiest = max(sum(a.grid_id == "G0" for a in appeals[: args.appeals]), 1)
    latencies = []
    for query in appeals[args.appeals :]:
        started = time.perf_counter()
        index.find(query)
        latencies.append((time.perf_counter() - started) * 1000)
    latencies.sort()
    p95 = latencies[int(0.95 * len(latencies)) - 1]
    print(f"open appeals indexed: {len(index):,} in {build:.1f} s ({args.grids} grids, busiest {busiest:,})")
    print(
        f"duplicate query latency over {len(latencies)} queries: p50 {statistics.median(latencies):.2f} ms, "
        f"p95 {p95:.2f} ms, max {latencies[-1]:.2f} ms (target p95 < 50 ms)"
    )


if __name__ == "__main__":
    main()
