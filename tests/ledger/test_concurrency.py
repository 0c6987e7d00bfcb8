import threading
from itertools import pairwise

import pytest
from django.db import connection, transaction

from civicgrid.ledger.models import LedgerEntry
from civicgrid.ledger.selectors import verify_chain
from civicgrid.ledger.services import record

APPENDS_PER_THREAD = 150


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises every write transaction")
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_the_chain_linear():
    start = threading.Barrier(2)
    failures = []

    def append(worker: int) -> None:
        try:
            start.wait()
            for n in range(APPENDS_PER_THREAD):
                # Two appends per transaction, as an appeal's service call makes them.
                with transaction.atomic():
                    record("appeal.sign", target=("appeals.appeal", worker), payload={"n": n})
                    record("appeal.start", target=("appeals.appeal", worker), payload={"n": n})
        except Exception as error:  # reported by the main thread
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=append, args=(worker,)) for worker in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    total = 2 * 2 * APPENDS_PER_THREAD
    assert list(LedgerEntry.objects.values_list("sequence", flat=True)) == list(range(1, total + 1))
    result = verify_chain()
    assert result.ok and result.checked == total
    # Both threads' work really interleaved, or the test proved nothing.
    targets = list(LedgerEntry.objects.values_list("target_id", flat=True))
    assert sum(a != b for a, b in pairwise(targets)) > 1
