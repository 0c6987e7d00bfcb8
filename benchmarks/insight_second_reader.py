"""The shipped category model and the baseline against a second reader, on messages nobody labelled before.

    .venv/bin/python benchmarks/insight_second_reader.py

benchmarks/data/second_reader_labels.csv holds message ids and labels only: 150 messages drawn at random
(seed 20261123) from test_unlabeled_2801.csv whose title is not in the title-only dev file, each read and
labelled with one of the seven 附件2 categories by a reader who followed the 附件1 catalogue's second-level
names and did not see any model's output (an AI helper agent, 2026-11-23); "unsure" marks messages that
fit none of the seven well or fit two. Agreement with such a reader measures how far the organisers'
labelling conventions can be read from the catalogue, not the model's accuracy against those labels.
"""

import csv
import os
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicgrid.settings")
django.setup()

from sklearn.metrics import f1_score  # noqa: E402

from civicgrid.insight.classifier import Baseline, load_model  # noqa: E402
from civicgrid.insight.dataset import labelled_texts, read  # noqa: E402

LABELS = Path(__file__).resolve().parent / "data" / "second_reader_labels.csv"
UNLABELLED_FILE = "test_unlabeled_2801.csv"


def main() -> None:
    with LABELS.open(encoding="utf-8") as file:
        labels = list(csv.DictReader(file))
    messages = {row["留言编号"]: row for row in read(UNLABELLED_FILE)}
    rows = [messages[label["留言编号"]] for label in labels]
    titles, details = [r["留言主题"] for r in rows], [r["留言详情"] for r in rows]
    reader = [label["label"] for label in labels]
    model = [p.category for p in load_model().predict(titles, details)]
    baseline = Baseline().fit(labelled_texts()).predict(titles, details)
    sure = [i for i, label in enumerate(labels) if "unsure" not in label["note"]]
    for name, subset in (("all", range(len(labels))), ("sure", sure)):
        truth = [reader[i] for i in subset]
        for who, predicted in (("model", model), ("baseline", baseline)):
            guess = [predicted[i] for i in subset]
            agreement = sum(t == g for t, g in zip(truth, guess, strict=True)) / len(truth)
            print(
                f"{name:<4} ({len(truth)} messages) · {who:<8} · agreement {agreement:.3f}, "
                f"macro-F1 {f1_score(truth, guess, average='macro'):.3f}"
            )


if __name__ == "__main__":
    main()
