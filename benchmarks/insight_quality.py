"""Checks of the rule-based parts against hand labels, and reply-quality over the whole 附件4 file.

- Urgent cases: precision/recall on tests/insight/urgent_labels.csv (real messages labelled by hand).
- Reply quality: score distribution and flags over replies_附件4_full_2816.csv, time taken, and Spearman
  correlation with tests/insight/reply_grades.csv (40 replies graded 1-5 overall by hand) and with
  tests/insight/reply_grades_second_reader.csv (60 other replies graded 1-5 on each dimension by a second
  reader; the weights of relevance and completeness were chosen on these, so the first set is the check).

    .venv/bin/python benchmarks/insight_quality.py
"""

import csv
import os
import time
from pathlib import Path

import django
import numpy as np

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicgrid.settings")
django.setup()

from scipy.stats import spearmanr  # noqa: E402

from civicgrid.insight import urgent_level  # noqa: E402
from civicgrid.insight.classifier import load_model  # noqa: E402
from civicgrid.insight.dataset import REPLIES_FILE, read  # noqa: E402
from civicgrid.insight.hot_issues import parse_time  # noqa: E402
from civicgrid.insight.reply_quality import score_replies  # noqa: E402
from civicgrid.insight.urgent import check_against_labels  # noqa: E402

LABELS = Path(__file__).resolve().parent.parent / "tests" / "insight"


def urgent_check() -> None:
    with open(LABELS / "urgent_labels.csv", encoding="utf-8") as handle:
        labels = list(csv.DictReader(handle))
    readers = sorted({row["reader"] for row in labels})
    for reader in [*readers, "all"]:
        chosen = [row for row in labels if reader in ("all", row["reader"])]
        check = check_against_labels(chosen)
        print(f"urgent, reader {reader}: {check.labelled} labelled messages ({check.urgent} urgent)")
        for tier in ("all", "certain"):
            print(
                f"  {tier + ' flags':<14} precision {check.precision(tier):.3f}, "
                f"recall {check.recall(tier):.3f} ({check.outcomes[tier]})"
            )
    print("  (certain flags above are in-sample: the level model was trained on these labels)")
    print("urgent level, leave-one-reader-out (trained on the other readers' labels):")
    for score in urgent_level.leave_one_reader_out(urgent_level.flagged_examples()):
        print(
            f"  reader {score.reader}: {score.flagged} flagged, precision {score.base_precision:.2f}; "
            f"certain {score.kept}, precision {score.precision:.2f}, recall {score.recall:.2f}"
        )


def times(rows, column):
    return [parse_time(row[column]) if row[column].strip() else None for row in rows]


def reply_check() -> None:
    rows = read(REPLIES_FILE)
    load_model()
    started = time.perf_counter()
    scores = score_replies(
        [f"{row['留言主题']} {row['留言详情']}" for row in rows],
        [row["答复意见"] for row in rows],
        times(rows, "留言时间"),
        times(rows, "答复时间"),
    )
    seconds = time.perf_counter() - started
    print(f"reply quality: {len(rows):,} replies scored in {seconds:.1f} s")
    for name in ("relevance", "completeness", "interpretability", "timeliness"):
        values = np.array([getattr(s, name) for s in scores if getattr(s, name) is not None])
        p10, p50, p90 = np.percentile(values, [10, 50, 90])
        print(f"  {name:<17} mean {values.mean():.2f}  p10 {p10:.2f}  median {p50:.2f}  p90 {p90:.2f}")
    boilerplate, evasive = sum(s.boilerplate for s in scores), sum(s.evasive for s in scores)
    print(f"  boilerplate flagged: {boilerplate}, evasive flagged: {evasive}")
    by_id = {row["留言编号"]: score for row, score in zip(rows, scores, strict=True)}
    with open(LABELS / "reply_grades.csv", encoding="utf-8") as handle:
        overall_grades = {row["message_id"]: {"overall": int(row["grade"])} for row in csv.DictReader(handle)}
    with open(LABELS / "reply_grades_second_reader.csv", encoding="utf-8") as handle:
        second_reader = {
            row.pop("留言编号"): {column: int(grade) for column, grade in row.items()}
            for row in csv.DictReader(handle)
        }
    dimensions = ("relevance", "completeness", "interpretability")
    checks = (
        ("first reader, overall", overall_grades, [("overall", d) for d in (*dimensions, "mean")]),
        ("second reader", second_reader, [(d, d) for d in dimensions] + [("overall", "mean")]),
    )
    for name, grades, pairs in checks:
        cells = []
        for grade_column, score_name in pairs:
            truth = [grade[grade_column] for grade in grades.values()]
            predicted = [_score(by_id[message_id], score_name) for message_id in grades]
            cells.append(f"{grade_column}~{score_name} {spearmanr(truth, predicted).statistic:.2f}")
        print(f"  Spearman vs {len(grades)} replies, {name}: " + ", ".join(cells))


def _score(scores, name: str) -> float:
    if name == "mean":
        return (scores.relevance + scores.completeness + scores.interpretability) / 3
    return getattr(scores, name)


if __name__ == "__main__":
    urgent_check()
    reply_check()
