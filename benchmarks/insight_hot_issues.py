"""Hot issues over the full 附件3 file (4,326 messages): wall time and the top issues.

.venv/bin/python benchmarks/insight_hot_issues.py [--top 5]
"""

import argparse
import os
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicgrid.settings")
django.setup()

from civicgrid.insight import hot_issues  # noqa: E402
from civicgrid.insight.classifier import load_model  # noqa: E402
from civicgrid.insight.dataset import HOT_SAMPLE_FILE, MESSAGES_FILE, read  # noqa: E402


def messages(name: str) -> list[hot_issues.Message]:
    return [
        hot_issues.Message(
            r["留言编号"],
            r["留言用户"],
            r["留言主题"],
            r["留言详情"],
            hot_issues.parse_time(r["留言时间"]),
            int(r["点赞数"]),
            int(r["反对数"]),
        )
        for r in read(name)
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--top", type=int, default=5)
    args = parser.parse_args()
    load_model()  # a worker has the model loaded already; time the analysis itself
    for name in (MESSAGES_FILE, HOT_SAMPLE_FILE):
        data = messages(name)
        started = time.perf_counter()
        issues = hot_issues.hot_issues(data, top=args.top)
        seconds = time.perf_counter() - started
        print(
            f"{name}: {len(data):,} messages -> top {len(issues)} issues in {seconds:.1f} s (target < 30 s)"
        )
        for issue in issues:
            ids = sorted(m.message_id for m in issue.messages)
            print(
                f"  {issue.rank}. heat {issue.heat:.2f} | {issue.time_range} | {issue.location} | "
                f"{len(ids)} messages, {issue.factors['reporters']} reporters, "
                f"{issue.factors['likes']} likes | ids {ids[0]}..{ids[-1]}"
            )


if __name__ == "__main__":
    main()
