"""Category model vs the TF-IDF + LinearSVC baseline under three ways of splitting 附件2 (macro-F1).

    .venv/bin/python benchmarks/insight_splits.py [--split grouped --split held-back ...]

- grouped: near-duplicate texts never on both sides (the split the model card reports);
- held-back: only a test record's own copies leave training, as for an appeal never seen before;
- ungrouped: the test records' titles and details stay in training (leaky; shows how much it flatters).

Each split is 5-fold cross-validation over the 1,777 complete records, model and baseline on the same
folds; a split takes 3-4 minutes on one core.
"""

import argparse
import os
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicgrid.settings")
django.setup()

from tqdm import tqdm  # noqa: E402

from civicgrid.insight import classifier  # noqa: E402
from civicgrid.insight.dataset import labelled_texts  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", action="append", choices=sorted(classifier.SPLITS))
    splits = parser.parse_args().split or list(classifier.SPLITS)
    examples = labelled_texts()
    print(f"{'split':<10} {'model':>7} {'baseline':>9} {'seconds':>8}")
    for split in splits:
        started = time.perf_counter()
        with tqdm(total=classifier.FOLDS, desc=split, leave=False) as bar:
            evaluation = classifier.cross_validate(examples, bar, split)
        print(
            f"{split:<10} {evaluation.macro_f1():>7.4f} {evaluation.macro_f1('baseline'):>9.4f} "
            f"{time.perf_counter() - started:>8.0f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
