import datetime
from decimal import Decimal

import pytest
from django.db import transaction

from civicgrid.directory.models import Unit
from civicgrid.ledger.models import GENESIS_HASH, LedgerEntry
from civicgrid.ledger.selectors import entries_for_target, verify_chain
from civicgrid.ledger.services import record

pytestmark = pytest.mark.django_db


def test_entries_link_each_to_the_one_before(city):
    dispatcher = city.accounts["dispatcher"]
    first = record("appeal.receive", target=("appeals.appeal", 7), payload={"channel": "hotline"})
    second = record(
        "appeal.dispatch", target=("appeals.appeal", 7), actor=dispatcher, payload={"after": {"unit": 3}}
    )

    assert second.sequence == first.sequence + 1
    assert second.prev_hash == first.hash
    assert LedgerEntry.objects.get(sequence=1).prev_hash == GENESIS_HASH
    assert first.actor_label == "系统"
    assert second.actor_label == "话务员（dispatcher）"
    assert (second.target_type, second.target_id) == ("appeals.appeal", "7")


def test_a_model_instance_is_recorded_by_its_label_and_pk(city):
    unit = city.units["department"]
    entry = record("unit.rename", target=unit, payload={"before": {"name": "城管局"}})

    assert (entry.target_type, entry.target_id) == ("directory.unit", str(unit.pk))
    assert list(entries_for_target(unit)) == [entry]
    assert list(entries_for_target(("directory.unit", unit.pk))) == [entry]
    assert not entries_for_target(Unit(pk=unit.pk + 1000)).exists()


def test_the_chain_verifies_after_many_appends():
    reported = []
    for n in range(500):
        record("appeal.sign", target=("appeals.appeal", n % 37), payload={"n": n})

    result = verify_chain(progress=reported.append)

    assert result.ok
    assert result.checked == sum(reported) == 500


def test_payload_is_stored_as_every_database_gives_it_back():
    moment = datetime.datetime(2026, 2, 17, 8, 30, tzinfo=datetime.UTC)
    entry = record(
        "dispatch_rule.change",
        target=("appeals.dispatchrule", 1),
        payload={"at": moment, "weight": Decimal("1.50"), "big": 1e16, "zero": -0.0, "ratio": 0.1},
    )

    stored = LedgerEntry.objects.get(sequence=entry.sequence).payload
    assert (
        stored
        == entry.payload
        == {
            "at": "2026-02-17 08:30:00+00:00",
            "weight": "1.50",
            "big": 10**16,
            "zero": 0.0,
            "ratio": 0.1,
        }
    )
    assert verify_chain().ok


def test_an_entry_is_rolled_back_with_the_change_it_records():
    # The rolled-back append also leaves this thread's idea of the head ahead of the database.
    record("appeal.receive", target=("appeals.appeal", 1))
    with pytest.raises(RuntimeError), transaction.atomic():
        record("appeal.dispatch", target=("appeals.appeal", 1))
        raise RuntimeError("the dispatch failed")

    after = record("appeal.dispatch", target=("appeals.appeal", 1))

    assert after.sequence == 2
    assert verify_chain().ok


def test_an_append_after_this_threads_own_costs_two_statements(django_assert_num_queries):
    record("appeal.receive", target=("appeals.appeal", 1))
    # Advance the head, insert the entry: the head this thread left needs no reading.
    with transaction.atomic(), django_assert_num_queries(2):
        record("appeal.dispatch", target=("appeals.appeal", 1))
