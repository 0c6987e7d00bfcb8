"""Urgent cases and reply quality against hand labels, and reply quality over the whole 附件4 file.

- Urgent cases (tests/insight/urgent_labels.csv, real messages labelled by hand): the rules alone per reader;
  the model by 5-fold cross-validation, weighted to the inflow the samples were drawn from; the shipped model
  on the check sample it never saw.
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

from civicgrid.insight import urgent_model  # noqa: E402
from civicgrid.insight.classifier import load_model  # noqa: E402
from civicgrid.insight.dataset import MESSAGES_FILE, REPLIES_FILE, read  # noqa: E402
from civicgrid.insight.hot_issues import parse_time  # noqa: E402
from civicgrid.insight.reply_quality import score_replies  # noqa: E402
from civicgrid.insight.urgent import assess, assess_many, check_rules_against_labels  # noqa: E402

LABELS = Path(__file__).resolve().parent.parent / "tests" / "insight"


def urgent_check() -> None:
    with open(LABELS / "urgent_labels.csv", encoding="utf-8") as handle:
        labels = list(csv.DictReader(handle))
    print("urgent, the rules alone:")
    for reader in sorted({row["reader"] for row in labels}, key=int):
        rules = check_rules_against_labels([row for row in labels if row["reader"] == reader])
        print(
            f"  reader {reader:>2}: {rules.labelled} labelled ({rules.urgent} urgent), "
            f"{rules.flagged} flagged, precision {rules.precision:.2f}, recall {rules.recall:.2f}"
        )
    messages = urgent_model.labelled_messages()
    examples = [e for e in messages if e.sample != urgent_model.CHECK_SAMPLE]
    started = time.perf_counter()
    evaluation = urgent_model.cross_validate(examples, urgent_model.rule_readings(examples))
    print(
        f"urgent, 5-fold cross-validation over {len(examples):,} messages "
        f"({time.perf_counter() - started:.0f} s), weighted to {evaluation.model.messages:,.0f} inflow "
        f"messages ({evaluation.model.urgent:.0f} urgent):"
    )
    for name, estimate in (
        ("rules alone", evaluation.rules),
        ("model, all flags", evaluation.model),
        ("model, certain", evaluation.certain),
    ):
        print(
            f"  {name:<17} {estimate.flagged:5.0f} flagged, precision {estimate.precision:.2f}, "
            f"recall {estimate.recall:.2f}"
        )
    for sample, (n, urgent, rules, rules_right, flagged, right) in evaluation.by_sample.items():
        print(
            f"  sample {sample:<8} {n:5} labelled, {urgent:4} urgent; "
            f"rules flag {rules} ({rules_right} right), model {flagged} ({right} right)"
        )
    rows = read(MESSAGES_FILE)
    started = time.process_time()
    assessed = assess_many([(row["留言主题"], row["留言详情"], int(row["留言时间"][:4])) for row in rows])
    seconds = time.process_time() - started
    print(
        f"urgent, assess_many over {len(rows):,} messages of {MESSAGES_FILE}: {len(rows) / seconds:.0f} per "
        f"CPU-second; {sum(a.urgent for a in assessed)} flagged, {sum(a.certain for a in assessed)} certain"
    )
    started = time.process_time()
    for row in rows[:500]:
        assess(row["留言主题"], row["留言详情"], int(row["留言时间"][:4]))
    each = (time.process_time() - started) / 500 * 1000
    print(f"urgent, assess one at a time (intake): {each:.1f} ms CPU each")
    checked = urgent_model.check(urgent_model.load_model(), messages)
    print(
        f"urgent, shipped model on the check sample: {checked.flagged} flagged, "
        f"{checked.flagged_urgent} urgent (precision {checked.precision:.2f}); certain {checked.certain}, "
        f"{checked.certain_urgent} urgent ({checked.certain_precision:.2f}); "
        f"not flagged {checked.unflagged}, {checked.unflagged_urgent} urgent"
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
