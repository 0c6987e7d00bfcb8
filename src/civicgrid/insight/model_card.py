"""Evaluation report (for the terminal) and MODEL_CARD.md (next to the shipped model)."""

from pathlib import Path

from .classifier import (
    BLOCKS,
    FOLDS,
    MODEL_PATH,
    RIDGE_ALPHA,
    SEED,
    CategoryModel,
    Evaluation,
    min_confidence,
)

CARD_PATH = MODEL_PATH.parent / "MODEL_CARD.md"
SPLIT_NAMES = {
    "grouped": "分组（近似重复文本不跨两边）",
    "held-back": "模拟新留言（只去掉测试留言自身的副本）",
    "ungrouped": "不分组（有泄漏，仅作对照）",
}


def report(evaluation: Evaluation) -> str:
    """Macro-F1 of the model and the baseline, per-class F1 of both and the model's confusion matrix."""
    width = max(len(category) for category in evaluation.categories) + 2
    lines = [
        f"留出评估（{evaluation.folds} 折交叉验证，划分：{SPLIT_NAMES[evaluation.split]}，"
        f"{evaluation.test_size} 条完整留言）",
        f"macro-F1  本模型 {evaluation.macro_f1():.4f}  "
        f"基线(TF-IDF+LinearSVC) {evaluation.macro_f1('baseline'):.4f}",
        "",
        f"{'类别':<{width}}{'本模型F1':>10}{'基线F1':>10}",
    ]
    ours, theirs = evaluation.per_class_f1(), evaluation.per_class_f1("baseline")
    lines += [f"{c:<{width}}{ours[c]:>10.4f}{theirs[c]:>10.4f}" for c in evaluation.categories]
    share, above, below = evaluation.at_threshold(min_confidence())
    lines += [
        "",
        f"置信度 ≥ {min_confidence():g} 的留言占 {share:.1%}，准确率 {above:.1%}；"
        f"其余 {1 - share:.1%} 交由分派员决定（模型在这部分的准确率 {below:.1%}）",
    ]
    lines += ["", "混淆矩阵（行=真实，列=预测，列序同行序）"]
    matrix = evaluation.confusion()
    lines += [
        f"{c:<{width}}" + "".join(f"{n:>6}" for n in row)
        for c, row in zip(evaluation.categories, matrix, strict=True)
    ]
    return "\n".join(lines)


def markdown_table(evaluation: Evaluation) -> str:
    ours, theirs = evaluation.per_class_f1(), evaluation.per_class_f1("baseline")
    rows = ["| category | F1 (this model) | F1 (baseline) |", "|---|---|---|"]
    rows += [f"| {c} | {ours[c]:.4f} | {theirs[c]:.4f} |" for c in evaluation.categories]
    rows.append(
        f"| **macro** | **{evaluation.macro_f1():.4f}** | **{evaluation.macro_f1('baseline'):.4f}** |"
    )
    return "\n".join(rows)


def confusion_table(evaluation: Evaluation) -> str:
    header = "| true \\ predicted | " + " | ".join(evaluation.categories) + " |"
    rule = "|---" * (len(evaluation.categories) + 1) + "|"
    body = [
        f"| {c} | " + " | ".join(str(n) for n in row) + " |"
        for c, row in zip(evaluation.categories, evaluation.confusion(), strict=True)
    ]
    return "\n".join([header, rule, *body])


def threshold_note(evaluation: Evaluation) -> str:
    notes = []
    for threshold in (0.5, min_confidence(), 0.8):
        share, above, below = evaluation.at_threshold(threshold)
        notes.append(
            f"- confidence >= {threshold:g}: {share:.1%} of appeals, {above:.1%} correct "
            f"(the other {1 - share:.1%}: {below:.1%} correct, left to the dispatcher)"
        )
    return "Calibrated confidence on the held-out records:\n\n" + "\n".join(notes)


def write_model_card(model: CategoryModel, evaluation: Evaluation | None, path: Path = CARD_PATH) -> None:
    meta = model.metadata
    scores = (
        f"{markdown_table(evaluation)}\n\n{threshold_note(evaluation)}\n\n"
        f"Confusion matrix of this model (all folds together):\n\n{confusion_table(evaluation)}"
        if evaluation
        else "Not evaluated in this run (`civicgrid insight train --no-evaluate`)."
    )
    size_mb = MODEL_PATH.stat().st_size / 1e6 if MODEL_PATH.exists() else 0
    analyzers = {"words": "jieba words + word bigrams", "chars": "character 1-3-grams"}
    blocks = "; ".join(f"{part}, {analyzers[kind]}, {cap:,}" for part, kind, cap in BLOCKS.values())
    path.write_text(
        f"""# Model card: appeal category classifier `{MODEL_PATH.name}`

Predicts the first-level category (一级分类) of a citizen appeal from its title (留言主题) and detail
(留言详情), with a calibrated confidence. Written by `civicgrid insight train`; do not edit by hand.

## Data
Teddy Cup 2020 problem C 附件2 (real, public messages of a Chinese city's "ask the government" board; place
names masked by the publisher): {meta.get("complete_records")} complete records (title + detail; the subset
and the organiser's sample, deduplicated by id) plus the title-only and detail-only dev files,
{meta.get("examples")} examples in all, 7 categories ({", ".join(model.categories)}). Rows with a compound
label ("交通运输|商贸旅游") are left out. No message text is stored in the model card or the repository.

## Model
TF-IDF blocks (sublinear tf, min_df 2) side by side into one RidgeClassifier (alpha={RIDGE_ALPHA}), sigmoid
calibration on 3 folds (CalibratedClassifierCV, ensemble=False). Blocks (part, analyzer, vocabulary cap):
{blocks}. Seed {SEED}. File size {size_mb:.1f} MB.
Trained {meta.get("trained_at")} in {meta.get("training_seconds")} s with scikit-learn {meta.get("sklearn")},
Python {meta.get("python")}.

## Split
{FOLDS}-fold StratifiedGroupKFold over the complete records. Groups are connected components of
near-duplicates over *all* examples: same normalised title or character-3-shingle Jaccard >= 0.8 on titles,
>= 0.6 on details. A test fold's groups are removed from training entirely, including title-only and
detail-only examples of the same message, so no text (or near-copy) is on both sides. Every complete record
is tested exactly once; the scores below pool all folds. The baseline (TF-IDF over jieba words of
title + detail, LinearSVC C=1) is trained and tested on exactly the same folds.

This is the strictest honest split: a new appeal often *does* have a near-identical predecessor (a repeat
complaint, another resident about the same problem). `civicgrid insight evaluate --split held-back` removes
only a test record's own copies and scores the model as it meets appeals it has never seen;
`benchmarks/insight_splits.py` prints all splits side by side (figures in docs/insight.md).

## Scores (held-out complete records)
{scores}

## Use
`civicgrid.insight.classifier.classify(title, detail)` -> `Prediction(category, confidence)`; the model is
loaded once per process. Below `settings.CIVICGRID_CLASSIFIER_MIN_CONFIDENCE` (default 0.6) the dispatcher
decides. Limits: 7 of the 15 catalogue categories only (the ones 附件2 uses); one city's vocabulary
of 2017-2020.
""",
        encoding="utf-8",
    )
