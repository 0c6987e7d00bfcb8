"""rjieba against jieba on the 1,382 complete 附件2 records: speed and token agreement.

.venv/bin/python benchmarks/insight_segmentation.py
"""

import difflib
import logging
import os
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicgrid.settings")
django.setup()

import jieba  # noqa: E402

from civicgrid.insight.dataset import COMPLETE_FILE, read  # noqa: E402
from civicgrid.insight.text import message_text, segment  # noqa: E402


def main() -> None:
    jieba.setLogLevel(logging.WARNING)
    texts = [message_text(r["留言主题"], r["留言详情"]) for r in read(COMPLETE_FILE)]
    jieba.initialize()
    segment("预热")
    started = time.perf_counter()
    by_jieba = [jieba.lcut(text) for text in texts]
    jieba_seconds = time.perf_counter() - started
    started = time.perf_counter()
    by_rjieba = [segment(text) for text in texts]
    rjieba_seconds = time.perf_counter() - started
    same = total = 0
    for a, b in zip(by_jieba, by_rjieba, strict=True):
        matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
        same += sum(block.size for block in matcher.get_matching_blocks())
        total += max(len(a), len(b))
    chars = sum(map(len, texts))
    print(f"{len(texts)} texts, {chars:,} chars")
    print(f"jieba  (HMM): {jieba_seconds:.2f} s, {len(texts) / jieba_seconds:,.0f} texts/s")
    print(f"rjieba (HMM): {rjieba_seconds:.2f} s, {len(texts) / rjieba_seconds:,.0f} texts/s")
    identical = sum(a == b for a, b in zip(by_jieba, by_rjieba, strict=True))
    print(f"identical segmentations: {identical / len(texts):.1%}")
    print(f"token agreement: {same / total:.2%}")


if __name__ == "__main__":
    main()
