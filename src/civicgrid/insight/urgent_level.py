"""The level of an urgent-case flag: 确定 (certain) or 疑似 (suspected), learned from hand-labelled messages.

The rules in urgent.py decide *whether* a message is flagged, with the words that show it; they are tuned for
recall. Which flagged messages a reader judges really urgent was not captured by a hand-written "happening
now" word list (on independent readers' labels it picked 17-45 % of the urgent ones, barely more precisely
than all flags), so the level is a small model: TF-IDF character 1-2-grams of the title and the first 400
characters of the detail, logistic regression with balanced classes, trained on the flagged messages of
tests/insight/urgent_labels.csv. A flag is certain when it is stated plainly (the title itself states the
danger, right 80-90 % of the time for the two readers whose messages have titles, or the words around it say
it is happening right now), or the model gives it at least CERTAIN_PROBABILITY: the model alone is unsure of
short clear reports ("楼道燃气泄漏", "现在着火了"), which are rare in the labelled set.

Its honest score is leave-one-reader-out: trained on the other readers' labels, tested on one reader's
(`civicgrid insight train-urgent` prints it and writes the card next to the model).
"""

import csv
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import joblib
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from civicgrid.tables import InputError

from .text import normalize

MODEL_PATH = Path(__file__).resolve().parent / "models" / "urgent-level-v1.joblib"
CARD_PATH = MODEL_PATH.with_name("URGENT_LEVEL_CARD.md")
# The labelled set lives with the tests (the issue asks for it there); training is a developer's task.
LABELS_PATH = Path(__file__).resolve().parents[3] / "tests" / "insight" / "urgent_labels.csv"
CERTAIN_PROBABILITY = 0.5
DETAIL_CHARS = 400


@dataclass(frozen=True)
class FlaggedExample:
    title: str
    detail: str
    urgent: bool  # the reader's label
    reader: str
    stated_plainly: bool  # urgent.stated_plainly


def _text(title: str, detail: str) -> str:
    return f"{normalize(title)} {normalize(detail)[:DETAIL_CHARS]}"


@dataclass
class UrgentLevelModel:
    vectorizer: TfidfVectorizer
    classifier: LogisticRegression
    metadata: dict = field(default_factory=dict)

    def probability(self, title: str, detail: str) -> float:
        features = self.vectorizer.transform([_text(title, detail)])
        return float(self.classifier.predict_proba(features)[0, 1])


def is_certain(model: UrgentLevelModel, title: str, detail: str, stated_plainly: bool) -> bool:
    return stated_plainly or model.probability(title, detail) >= CERTAIN_PROBABILITY


def fit(examples: list[FlaggedExample]) -> UrgentLevelModel:
    vectorizer = TfidfVectorizer(
        analyzer="char", ngram_range=(1, 2), min_df=2, sublinear_tf=True, dtype=np.float32
    )
    features = vectorizer.fit_transform([_text(e.title, e.detail) for e in examples])
    classifier = LogisticRegression(C=1.0, class_weight="balanced", max_iter=1000)
    classifier.fit(features, [e.urgent for e in examples])
    return UrgentLevelModel(vectorizer, classifier)


@dataclass(frozen=True)
class ReaderScore:
    """One held-out reader's flagged messages: how many were urgent, and what each level picks."""

    reader: str
    flagged: int
    urgent: int
    kept: int
    kept_urgent: int

    @property
    def base_precision(self) -> float:
        return self.urgent / self.flagged

    @property
    def precision(self) -> float:
        return self.kept_urgent / self.kept if self.kept else float("nan")

    @property
    def recall(self) -> float:
        return self.kept_urgent / self.urgent if self.urgent else float("nan")


def leave_one_reader_out(examples: list[FlaggedExample]) -> list[ReaderScore]:
    """Each reader's flagged messages scored by a model trained on the other readers' only."""
    scores = []
    for reader in sorted({e.reader for e in examples}):
        held_out = [e for e in examples if e.reader == reader]
        model = fit([e for e in examples if e.reader != reader])
        kept = [e for e in held_out if is_certain(model, e.title, e.detail, e.stated_plainly)]
        scores.append(
            ReaderScore(
                reader,
                len(held_out),
                sum(e.urgent for e in held_out),
                len(kept),
                sum(e.urgent for e in kept),
            )
        )
    return scores


def flagged_examples(labels_path: Path = LABELS_PATH) -> list[FlaggedExample]:
    """The labelled messages the rules flag, with their readers' labels."""
    from .dataset import messages_by_id
    from .urgent import evidence, stated_plainly

    if not labels_path.is_file():
        raise InputError(f"找不到急难险重标注文件 {labels_path}（在代码仓库的 tests/insight/ 下）。")
    with labels_path.open(encoding="utf-8") as handle:
        labels = list(csv.DictReader(handle))
    files = {name: messages_by_id(name) for name in {label["file"] for label in labels}}
    examples = []
    for label in labels:
        message = files[label["file"]][label["message_id"]]
        title, detail, posted = message.get("留言主题", ""), message["留言详情"], message.get("留言时间", "")
        year = int(posted[:4]) if posted else None
        if found := evidence(title, detail, year):
            plainly = stated_plainly(title, found, year)
            examples.append(FlaggedExample(title, detail, label["urgent"] == "1", label["reader"], plainly))
    return examples


def train(labels_path: Path = LABELS_PATH, path: Path = MODEL_PATH) -> tuple[UrgentLevelModel, list]:
    """Score leave-one-reader-out, fit on every flagged labelled message, save the model and its card."""
    examples = flagged_examples(labels_path)
    scores = leave_one_reader_out(examples)
    model = fit(examples)
    model.metadata = {
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "flagged": len(examples),
        "urgent": sum(e.urgent for e in examples),
    }
    temporary = path.with_suffix(".tmp")
    joblib.dump(model, temporary, compress=3)
    os.replace(temporary, path)
    load_model.cache_clear()
    CARD_PATH.write_text(card(model, scores), encoding="utf-8")
    return model, scores


def card(model: UrgentLevelModel, scores: list[ReaderScore]) -> str:
    rows = "\n".join(
        f"| {s.reader} | {s.flagged} | {s.urgent} | {s.base_precision:.2f} | {s.kept} | {s.precision:.2f} "
        f"| {s.recall:.2f} |"
        for s in scores
    )
    return f"""# Model card: urgent-case level `{MODEL_PATH.name}`

Decides whether a message the urgent-case rules flagged is 确定 (certain: stated plainly, that is in the
title or with words of right now, or this model gives it at least {CERTAIN_PROBABILITY}) or 疑似. Written by
`civicgrid insight train-urgent`; do not edit by hand. See urgent_level.py.

## Data
The {model.metadata["flagged"]} messages of `tests/insight/urgent_labels.csv` that the rules flag
({model.metadata["urgent"]} labelled urgent), from the Teddy Cup 2020 problem C files; message ids, labels
and readers only are in the repository. Readers: 1 (the rules' author), 2 and 3 (blind, docs/insight.md).

## Model
TF-IDF character 1-2-grams (min_df 2) of the title and the first {DETAIL_CHARS} characters of the detail,
logistic regression (C 1, balanced classes). Trained {model.metadata["trained_at"]}.

## Leave-one-reader-out
Trained on the other readers' labels, tested on this reader's flagged messages; certain = stated plainly
or the model gives at least {CERTAIN_PROBABILITY}.

| reader | flagged | urgent | precision of all flags | kept as certain | precision | recall |
|---|---|---|---|---|---|---|
{rows}
"""


@cache
def load_model(path: Path = MODEL_PATH) -> UrgentLevelModel:
    return joblib.load(path)
