"""Entries cannot be changed through the application, and changes made behind its back are found."""

import json

import pytest
from django.db import DatabaseError, connection, transaction

from civicgrid.ledger.admin import LedgerEntryAdmin
from civicgrid.ledger.models import ImmutableEntryError, LedgerEntry
from civicgrid.ledger.selectors import BreakKind, verify_chain
from civicgrid.ledger.services import record

pytestmark = pytest.mark.django_db

BYPASS_TRIGGER = {
    # What a database superuser can do; both are undone when the test's transaction rolls back.
    "postgresql": "SET LOCAL session_replication_role = replica",
    "sqlite": "DROP TRIGGER ledger_entry_immutable",
}


@pytest.fixture
def chain() -> list[LedgerEntry]:
    return [
        record("appeal.dispatch", target=("appeals.appeal", n), payload={"unit": n}) for n in range(1, 11)
    ]


def raw(sql: str, params=None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def trigger_bypassed() -> None:
    raw(BYPASS_TRIGGER[connection.vendor])


def test_the_orm_refuses_to_change_or_remove_entries(chain):
    entry = LedgerEntry.objects.get(sequence=3)
    entry.payload = {"unit": 99}
    for attempt in (
        entry.save,
        entry.delete,
        lambda: LedgerEntry.objects.filter(sequence=3).update(payload={}),
        lambda: LedgerEntry.objects.all().delete(),
        lambda: LedgerEntry.objects.bulk_update([entry], ["payload"]),
    ):
        with pytest.raises(ImmutableEntryError):
            attempt()
    assert verify_chain().ok


def test_the_database_refuses_raw_updates(chain):
    with pytest.raises(DatabaseError), transaction.atomic():
        raw("UPDATE ledger_ledgerentry SET action = 'appeal.close' WHERE sequence = 3")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite blocks deletion in the application")
def test_postgresql_refuses_raw_deletes(chain):
    with pytest.raises(DatabaseError), transaction.atomic():
        raw("DELETE FROM ledger_ledgerentry WHERE sequence = 3")


def test_a_changed_payload_is_found_at_its_entry(chain, trigger_bypassed):
    raw("UPDATE ledger_ledgerentry SET payload = %s WHERE sequence = 4", [json.dumps({"unit": 99})])

    result = verify_chain()

    assert (result.broken_at, result.kind, result.checked) == (4, BreakKind.HASH_MISMATCH, 3)


def test_a_rehashed_entry_is_found_by_the_next_link(chain, trigger_bypassed):
    forged = LedgerEntry.objects.get(sequence=4)
    forged.payload = {"unit": 99}
    raw(
        "UPDATE ledger_ledgerentry SET payload = %s, hash = %s WHERE sequence = 4",
        [json.dumps(forged.payload), forged.compute_hash()],
    )

    result = verify_chain()

    assert (result.broken_at, result.kind) == (5, BreakKind.PREV_HASH_MISMATCH)


def test_a_deleted_middle_entry_is_found_as_a_gap(chain, trigger_bypassed):
    raw("DELETE FROM ledger_ledgerentry WHERE sequence = 6")

    result = verify_chain()

    assert (result.broken_at, result.kind) == (6, BreakKind.MISSING_SEQUENCE)


def test_a_cut_tail_is_found_against_the_head(chain, trigger_bypassed):
    raw("DELETE FROM ledger_ledgerentry WHERE sequence >= 9")

    result = verify_chain()

    assert (result.broken_at, result.kind, result.checked) == (9, BreakKind.MISSING_SEQUENCE, 8)


def test_a_removed_head_is_found(chain):
    raw("DELETE FROM ledger_ledgerhead")

    result = verify_chain()

    assert (result.broken_at, result.kind) == (10, BreakKind.HEAD_MISMATCH)


@pytest.fixture
def admin_client(client, django_user_model):
    root = django_user_model.objects.create_superuser(
        "root", password="Civic#2026", must_change_password=False
    )
    client.force_login(root)
    return client


def test_the_admin_shows_entries_and_changes_nothing(chain, admin_client):
    assert admin_client.get("/admin/ledger/ledgerentry/?action=appeal.dispatch&q=7").status_code == 200
    detail = admin_client.get("/admin/ledger/ledgerentry/3/change/")
    page = detail.content.decode()

    assert detail.status_code == 200
    assert "留痕记录" in page and "前一条哈希" in page and chain[2].hash in page
    assert 'name="_save"' not in page
    assert admin_client.get("/admin/ledger/ledgerentry/add/").status_code == 403
    assert admin_client.post("/admin/ledger/ledgerentry/3/delete/").status_code == 403
    entry_admin = LedgerEntryAdmin(LedgerEntry, admin_site=None)
    request = admin_client.get("/admin/").wsgi_request
    assert not entry_admin.has_change_permission(request, chain[2])
    assert not entry_admin.has_delete_permission(request, chain[2])
    assert verify_chain().ok


def forge(chain: list[LedgerEntry], *, keep: int) -> None:
    """What a database superuser can do unseen by the chain alone: keep entries 1..keep, rewrite the next
    one, re-hash the rest and move the head to the new end."""
    forged = chain[: keep + 1]
    forged[keep].payload = {"unit": 99}
    for entry in forged[keep:]:
        entry.prev_hash = forged[entry.sequence - 2].hash
        entry.hash = entry.compute_hash()
        raw(
            "UPDATE ledger_ledgerentry SET payload = %s, prev_hash = %s, hash = %s WHERE sequence = %s",
            [json.dumps(entry.payload), entry.prev_hash, entry.hash, entry.sequence],
        )
    raw("DELETE FROM ledger_ledgerentry WHERE sequence > %s", [keep + 1])
    raw("UPDATE ledger_ledgerhead SET last_sequence = %s, last_hash = %s", [keep + 1, forged[-1].hash])


def test_a_rewritten_and_cut_chain_is_caught_only_by_an_anchor(chain, trigger_bypassed):
    sixth, tenth = chain[5].hash, chain[9].hash
    forge(chain, keep=5)

    assert verify_chain().ok
    result = verify_chain(anchors={6: sixth, 10: tenth})
    assert (result.broken_at, result.kind) == (6, BreakKind.ANCHOR_MISMATCH)
    result = verify_chain(anchors={10: tenth})
    assert (result.broken_at, result.kind) == (10, BreakKind.ANCHOR_MISMATCH)
