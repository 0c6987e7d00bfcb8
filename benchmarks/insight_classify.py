"""Category model: load time, single-core throughput on title + detail, and worker memory.

Run in a fresh process (the load time is a cold load):

    .venv/bin/python benchmarks/insight_classify.py

Texts are the 1,382 complete 附件2 records (typical title + detail length), classified in batches of 100.
"""

import os

for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")  # one core, as a worker gets
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicgrid.settings")

import resource  # noqa: E402
import time  # noqa: E402

import django  # noqa: E402

django.setup()

from civicgrid.insight import classifier  # noqa: E402
from civicgrid.insight.dataset import COMPLETE_FILE, read  # noqa: E402

BATCH = 100


def main() -> None:
    started = time.perf_counter()
    model = classifier.load_model()
    load_seconds = time.perf_counter() - started
    rows = read(COMPLETE_FILE)
    titles, details = [r["留言主题"] for r in rows], [r["留言详情"] for r in rows]
    model.predict(
        titles[:10], details[:10]
    )  # warm the segmenter dictionary, as a worker's first request does
    started, cpu_started = time.perf_counter(), time.process_time()
    for start in range(0, len(rows), BATCH):
        model.predict(titles[start : start + BATCH], details[start : start + BATCH])
    seconds = time.perf_counter() - started
    # CPU time is what one core spends; on a shared machine wall time also counts waiting for the core.
    cpu_seconds = time.process_time() - cpu_started
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    mean_chars = sum(len(t) + len(d) for t, d in zip(titles, details, strict=True)) / len(rows)
    print(f"model file: {classifier.MODEL_PATH.name}, {classifier.MODEL_PATH.stat().st_size / 1e6:.1f} MB")
    print(f"model load (cold, joblib): {load_seconds:.2f} s (target < 2 s)")
    print(
        f"throughput: {len(rows) / cpu_seconds:,.0f} appeals per CPU-second on one core, "
        f"{len(rows) / seconds:,.0f}/s wall clock "
        f"({len(rows)} appeals, mean {mean_chars:.0f} chars title + detail; target >= 1,000/s)"
    )
    print(f"peak RSS of this worker (Django + model + predictions): {rss_mb:.0f} MB (target < 300 MB)")


if __name__ == "__main__":
    main()
