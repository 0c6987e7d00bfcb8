"""Checks of the rule-based parts against hand labels, and reply-quality over the whole 附件4 file.

- Urgent cases: precision/recall on tests/insight/urgent_labels.csv (real messages labelled by hand).
- Reply quality: score distribution and flags over replies_附件4_full_2816.csv, time taken, and Spearman
  correlation with tests/insight/reply_grades.csv (replies graded 1-5 by hand).

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

from civicgrid.insight.classifier import load_model  # noqa: E402
from civicgrid.insight.dataset import REPLIES_FILE, data_file, read  # noqa: E402
from civicgrid.insight.hot_issues import parse_time  # noqa: E402
from civicgrid.insight.reply_quality import score_replies  # noqa: E402
from civicgrid.insight.urgent import assess  # noqa: E402
from civicgrid.tables import read_table  # noqa: E402

LABELS = Path(__file__).resolve().parent.parent / "tests" / "insight"


def urgent_check() -> None:
    with open(LABELS / "urgent_labels.csv", encoding="utf-8") as handle:
        labels = list(csv.DictReader(handle))
    texts = {}
    for name in {row["file"] for row in labels}:
        texts |= {(name, row["留言编号"]): row for row in read_table(data_file(name))}
    results = []
    for label in labels:
        message = texts[(label["file"], label["message_id"])]
        assessment = assess(message["留言主题"], message["留言详情"], int(message["留言时间"][:4]))
        results.append((assessment, label["urgent"] == "1"))
    urgent = sum(gold for _, gold in results)
    print(f"urgent: {len(labels)} labelled messages ({urgent} urgent)")
    for tier, flagged in (("all flags", lambda a: a.urgent), ("certain flags", lambda a: a.certain)):
        outcome = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
        for assessment, gold in results:
            hit = flagged(assessment)
            outcome[("t" if hit == gold else "f") + ("p" if hit else "n")] += 1
        precision = outcome["tp"] / max(1, outcome["tp"] + outcome["fp"])
        print(f"  {tier:<14} precision {precision:.3f}, recall {outcome['tp'] / urgent:.3f} ({outcome})")


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
    with open(LABELS / "reply_grades.csv", encoding="utf-8") as handle:
        grades = {row["message_id"]: int(row["grade"]) for row in csv.DictReader(handle)}
    graded = [
        (grades[row["留言编号"]], score)
        for row, score in zip(rows, scores, strict=True)
        if row["留言编号"] in grades
    ]
    truth = [grade for grade, _ in graded]
    for name in ("relevance", "completeness", "interpretability"):
        rho = spearmanr(truth, [getattr(score, name) for _, score in graded]).statistic
        print(f"  Spearman vs {len(graded)} hand grades, {name}: {rho:.2f}")
    mean = [(s.relevance + s.completeness + s.interpretability) / 3 for _, s in graded]
    print(f"  Spearman vs hand grades, mean of the three: {spearmanr(truth, mean).statistic:.2f}")


if __name__ == "__main__":
    urgent_check()
    reply_check()
