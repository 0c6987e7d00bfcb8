"""First-level category (一级分类) of an appeal from its title and detail, with a calibrated confidence.

Model: TF-IDF blocks side by side in one linear classifier (ridge, one-vs-rest): jieba words + word bigrams
of the title, the same for title + detail, and character 1-3-grams of the title. Most training examples
are a title alone (附件2 dev files), so a title block lets titles learn their own weights while the joint
block carries what details and complete records teach. Ridge beat LinearSVC, SGD and naive Bayes and their
ensembles in grouped cross-validation (docs/insight.md). Probabilities come from sigmoid calibration on
held-out folds (CalibratedClassifierCV); below settings.CIVICGRID_CLASSIFIER_MIN_CONFIDENCE the dispatcher
decides (at the default 0.6: 87 % of held-out appeals routed automatically, 95 % of those correctly).

Evaluation is 5-fold cross-validation over the complete records, grouped so that near-duplicate texts
(title or detail character-shingle Jaccard >= 0.8 / 0.6, transitively) are never on both sides; examples
from the title-only and detail-only files that fall in a test group are left out of that fold's training.
Two more splits (SPLITS) show the range: held-back removes only a test record's own copies, as for a new
appeal; ungrouped leaves them in (leaky).
"""

import os
import platform
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import joblib
import numpy as np
import sklearn
from django.conf import settings
from scipy import sparse
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import RidgeClassifier
from sklearn.metrics import confusion_matrix, f1_score
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold
from sklearn.svm import LinearSVC

from .dataset import LabelledText, labelled_texts
from .embedding import pretokenized, words_and_bigrams
from .grouping import near_duplicate_groups, near_duplicate_pairs
from .text import normalize, tokens

MODEL_VERSION = "v1"
MODEL_DIR = Path(__file__).resolve().parent / "models"
MODEL_PATH = MODEL_DIR / f"category-{MODEL_VERSION}.joblib"
DEFAULT_MIN_CONFIDENCE = 0.6
SEED = 20200425
FOLDS = 5
TITLE_JACCARD, DETAIL_JACCARD = 0.8, 0.6
OWN_COPY_JACCARD = 0.98  # the same detail re-scraped (spacing, a character or two)
RIDGE_ALPHA = 1.0
# Feature blocks: name -> (part of the appeal, analyzer, vocabulary cap). The caps keep the shipped model a
# few MB; rarer terms add nothing measurable. Title character n-grams catch short titles that jieba cuts
# oddly (masked names such as "A7县", new compound names).
BLOCKS = {
    "title": ("title_terms", "words", 20_000),
    "joint": ("joint_terms", "words", 80_000),
    "title_chars": ("title", "chars", 20_000),
}


@dataclass(frozen=True)
class Prediction:
    category: str
    confidence: float

    @property
    def dispatcher_decides(self) -> bool:
        return self.confidence < min_confidence()


def min_confidence() -> float:
    return float(getattr(settings, "CIVICGRID_CLASSIFIER_MIN_CONFIDENCE", DEFAULT_MIN_CONFIDENCE))


def _vectorizer(analyzer: str, max_features: int) -> TfidfVectorizer:
    if analyzer == "chars":
        return TfidfVectorizer(
            analyzer="char",
            ngram_range=(1, 3),
            preprocessor=normalize,
            lowercase=False,
            sublinear_tf=True,
            min_df=2,
            max_features=max_features,
            dtype=np.float32,
        )
    return TfidfVectorizer(
        analyzer=pretokenized, sublinear_tf=True, min_df=2, max_features=max_features, dtype=np.float32
    )


def _parts(titles: list[str], details: list[str]) -> dict[str, list]:
    """Each text segmented once; the joint block reuses the title's terms."""
    title_terms = [words_and_bigrams(title) for title in titles]
    return {
        "title": titles,
        "title_terms": title_terms,
        "joint_terms": [t + words_and_bigrams(d) for t, d in zip(title_terms, details, strict=True)],
    }


@dataclass
class CategoryModel:
    """Vectorizers + calibrated SVM, with the metadata the model card reports."""

    vectorizers: dict[str, TfidfVectorizer]
    classifier: CalibratedClassifierCV
    version: str = MODEL_VERSION
    metadata: dict = field(default_factory=dict)

    @property
    def categories(self) -> list[str]:
        return list(self.classifier.classes_)

    @property
    def similarity_vectorizer(self) -> TfidfVectorizer:
        """The joint block: TF-IDF over the whole appeal, reused for duplicates, hot issues and replies."""
        return self.vectorizers["joint"]

    def features(self, titles: list[str], details: list[str]) -> sparse.csr_matrix:
        parts = _parts(titles, details)
        return sparse.hstack(
            [self.vectorizers[name].transform(parts[part]) for name, (part, _, _) in BLOCKS.items()]
        ).tocsr()

    def predict(self, titles: list[str], details: list[str]) -> list[Prediction]:
        probabilities = self.classifier.predict_proba(self.features(titles, details))
        best = probabilities.argmax(axis=1)
        return [
            Prediction(str(self.classifier.classes_[i]), round(float(p[i]), 4))
            for i, p in zip(best, probabilities, strict=True)
        ]


def fit(examples: list[LabelledText]) -> CategoryModel:
    parts = _parts([e.title for e in examples], [e.detail for e in examples])
    vectorizers = {name: _vectorizer(analyzer, limit) for name, (_, analyzer, limit) in BLOCKS.items()}
    features = sparse.hstack(
        [vectorizers[name].fit_transform(parts[part]) for name, (part, _, _) in BLOCKS.items()]
    ).tocsr()
    classifier = CalibratedClassifierCV(
        RidgeClassifier(alpha=RIDGE_ALPHA, solver="sparse_cg", random_state=SEED),
        method="sigmoid",
        cv=3,
        ensemble=False,
    )
    classifier.fit(features, [e.category for e in examples])
    # float32 weights halve the file; scores change by < 1e-6, far below any decision boundary that matters.
    linear = classifier.calibrated_classifiers_[0].estimator
    linear.coef_ = linear.coef_.astype(np.float32)
    return CategoryModel(vectorizers, classifier)


def _words(text: str) -> list[str]:
    return tokens(normalize(text))


class Baseline:
    """The reference the issue sets: TF-IDF over jieba words of title + detail, one LinearSVC."""

    def __init__(self):
        self.vectorizer = TfidfVectorizer(analyzer=_words, sublinear_tf=True)
        self.svm = LinearSVC(C=1.0, random_state=SEED)

    def fit(self, examples: list[LabelledText]) -> "Baseline":
        self.svm.fit(
            self.vectorizer.fit_transform([f"{e.title} {e.detail}" for e in examples]),
            [e.category for e in examples],
        )
        return self

    def predict(self, titles: list[str], details: list[str]) -> list[str]:
        return list(
            self.svm.predict(
                self.vectorizer.transform([f"{t} {d}" for t, d in zip(titles, details, strict=True)])
            )
        )


def split_groups(examples: list[LabelledText]) -> np.ndarray:
    return near_duplicate_groups(
        [[normalize(e.title) for e in examples], [normalize(e.detail) for e in examples]],
        [TITLE_JACCARD, DETAIL_JACCARD],
    )


Folds = Iterator[tuple[np.ndarray, np.ndarray]]


def _complete_and_labels(examples: list[LabelledText]) -> tuple[np.ndarray, np.ndarray]:
    complete = np.array([i for i, e in enumerate(examples) if e.complete])
    return complete, np.array([e.category for e in examples])


def grouped_folds(examples: list[LabelledText]) -> Folds:
    """(train, test) example indices. The reported split: near-duplicate groups never sit on both sides."""
    groups = split_groups(examples)
    complete, labels = _complete_and_labels(examples)
    folds = StratifiedGroupKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    for _, test_positions in folds.split(complete, labels[complete], groups[complete]):
        test = complete[test_positions]
        test_groups = set(groups[test])
        yield np.array([i for i in range(len(examples)) if groups[i] not in test_groups]), test


def held_back_folds(examples: list[LabelledText]) -> Folds:
    """Appeals never seen before, as a new appeal (or a record held back from the dev files) would be: a
    test record's own copies in the title-only and detail-only files leave training (the same title
    ignoring spacing, or a detail with shingle Jaccard >= OWN_COPY_JACCARD), but other people's
    near-identical appeals stay, as repeat complaints do in real intake. Slightly pessimistic: a repost
    with an identical title leaves training too."""
    complete, labels = _complete_and_labels(examples)
    titles = [normalize(e.title).replace(" ", "") for e in examples]
    copies: dict[int, set[int]] = {i: set() for i in complete}
    for i, j in near_duplicate_pairs([normalize(e.detail) for e in examples], OWN_COPY_JACCARD):
        copies.get(i, set()).add(j)
        copies.get(j, set()).add(i)
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    for _, test_positions in folds.split(complete, labels[complete]):
        test = complete[test_positions]
        excluded = set(test.tolist()).union(*(copies[i] for i in test))
        test_titles = {titles[i] for i in test}
        train = [i for i in range(len(examples)) if i not in excluded and titles[i] not in test_titles]
        yield np.array(train), test


def ungrouped_folds(examples: list[LabelledText]) -> Folds:
    """Plain stratified folds over the complete records: their titles and details, copied in the
    title-only and detail-only files, stay in training. Shows how much a leaky split flatters a model."""
    complete, labels = _complete_and_labels(examples)
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    for _, test_positions in folds.split(complete, labels[complete]):
        test = complete[test_positions]
        excluded = set(test.tolist())
        yield np.array([i for i in range(len(examples)) if i not in excluded]), test


SPLITS = {"grouped": grouped_folds, "held-back": held_back_folds, "ungrouped": ungrouped_folds}


@dataclass
class Evaluation:
    categories: list[str]
    truth: list[str]
    predicted: list[str]
    confidence: list[float]
    baseline: list[str]
    folds: int
    split: str = "grouped"

    @property
    def test_size(self) -> int:
        return len(self.truth)

    def at_threshold(self, threshold: float) -> tuple[float, float, float]:
        """(share of appeals at or above the confidence threshold, accuracy there, accuracy below it):
        what the dispatcher threshold buys."""
        confident = np.array(self.confidence) >= threshold
        correct = np.array(self.truth) == np.array(self.predicted)
        below = correct[~confident].mean() if (~confident).any() else float("nan")
        return float(confident.mean()), float(correct[confident].mean()), float(below)

    def macro_f1(self, which: str = "model") -> float:
        predicted = self.predicted if which == "model" else self.baseline
        return float(f1_score(self.truth, predicted, labels=self.categories, average="macro"))

    def per_class_f1(self, which: str = "model") -> dict[str, float]:
        predicted = self.predicted if which == "model" else self.baseline
        scores = f1_score(self.truth, predicted, labels=self.categories, average=None)
        return {category: float(score) for category, score in zip(self.categories, scores, strict=True)}

    def confusion(self) -> np.ndarray:
        return confusion_matrix(self.truth, self.predicted, labels=self.categories)


def cross_validate(examples: list[LabelledText], progress=None, split: str = "grouped") -> Evaluation:
    """5-fold CV over complete records, the model and the baseline on the same folds (see SPLITS)."""
    labels = np.array([e.category for e in examples])
    truth, predicted, confidence, baseline = [], [], [], []
    for train, test in SPLITS[split](examples):
        training = [examples[i] for i in train]
        titles = [examples[i].title for i in test]
        details = [examples[i].detail for i in test]
        predictions = fit(training).predict(titles, details)
        predicted += [p.category for p in predictions]
        confidence += [p.confidence for p in predictions]
        baseline += Baseline().fit(training).predict(titles, details)
        truth += list(labels[test])
        if progress:
            progress.update(1)
    categories = sorted(set(labels))
    return Evaluation(categories, truth, predicted, confidence, baseline, FOLDS, split)


def train(
    path: Path = MODEL_PATH, evaluate: bool = True, progress=None
) -> tuple[CategoryModel, Evaluation | None]:
    """Evaluate by grouped CV (optional), fit on all examples and save the model with its metadata."""
    examples = labelled_texts()
    evaluation = cross_validate(examples, progress) if evaluate else None
    started = time.perf_counter()
    model = fit(examples)
    model.metadata = {
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "training_seconds": round(time.perf_counter() - started, 1),
        "examples": len(examples),
        "complete_records": sum(e.complete for e in examples),
        "seed": SEED,
        "sklearn": sklearn.__version__,
        "python": platform.python_version(),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    joblib.dump(model, temporary, compress=3)
    os.replace(temporary, path)
    load_model.cache_clear()
    return model, evaluation


@cache
def load_model(path: Path = MODEL_PATH) -> CategoryModel:
    """The shipped model, loaded once per process."""
    return joblib.load(path)


def classify(title: str, detail: str = "") -> Prediction:
    return load_model().predict([title], [detail])[0]
