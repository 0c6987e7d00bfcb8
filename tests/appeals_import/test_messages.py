"""import-messages on real Teddy Cup messages (read from ../shared/data, never copied into the repository)."""

import csv
import json
import os
from io import StringIO
from pathlib import Path

import pytest
from conftest import stored_counts
from django.conf import settings
from django.core.management import call_command

from civicgrid.appeals.management.commands.import_messages import message_files, source_of
from civicgrid.appeals.models import Appeal, Channel, Status

TEDDY = Path(settings.SHARED_DATA_DIR) / "teddy2020"
SLICE = 25

pytestmark = pytest.mark.skipif(
    not TEDDY.is_dir() and os.environ.get("CI", "").lower() != "true",
    reason="../shared/data is not on this machine (in CI it must be)",
)


def real_slice(tmp_path: Path, name: str) -> Path:
    """The first rows of a real file, keeping its name (the source of the message numbers)."""
    with (TEDDY / name).open(encoding="utf-8", newline="") as stream:
        rows = list(zip(range(SLICE + 1), csv.reader(stream), strict=False))
    path = tmp_path / name
    with path.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows(row for _, row in rows)
    return path


def test_real_messages_become_appeals_placed_in_compounds_and_reimport_changes_nothing(city, tmp_path):
    messages = real_slice(tmp_path, "messages_附件3_full_4326.csv")
    replies = real_slice(tmp_path, "replies_附件4_full_2816.csv")
    call_command("import_messages", str(tmp_path), verbosity=0, stdout=StringIO())

    assert Appeal.objects.count() == 2 * SLICE
    appeal = Appeal.objects.filter(external_id__startswith="teddy2020:附件3:").first()
    assert appeal.channel == Channel.WEB and appeal.status == Status.RECEIVED
    assert appeal.compound is not None and appeal.grid == appeal.compound.grid
    assert appeal.text == appeal.text.strip()
    replied = Appeal.objects.filter(external_id__startswith="teddy2020:附件4:")
    assert set(replied.values_list("status", flat=True)) == {Status.CLOSED}
    assert all(a.reply and a.resolved_at >= a.received_at for a in replied)
    places = dict(Appeal.objects.values_list("external_id", "compound"))

    before = stored_counts()
    out = StringIO()
    call_command("import_messages", str(messages), json=True, verbosity=0, stdout=out)
    call_command("import_messages", str(replies), verbosity=0, stdout=StringIO())
    assert json.loads(out.getvalue())[0]["skipped_existing"] == SLICE
    assert stored_counts() == before
    assert dict(Appeal.objects.values_list("external_id", "compound")) == places


def test_every_real_message_file_validates(city):
    out = StringIO()
    call_command("import_messages", str(TEDDY), dry_run=True, json=True, verbosity=0, stdout=out)
    reports = json.loads(out.getvalue())
    assert {r["file"] for r in reports} >= {
        "messages_附件3_full_4326.csv",
        "test_unlabeled_2801.csv",
        "附件2_subset_all_columns_dev.csv",
        "replies_附件4_full_2816.csv",
    }
    assert all(r["ok"] for r in reports), [r for r in reports if not r["ok"]]
    assert Appeal.objects.count() == 0


def test_sources_keep_message_numbers_apart():
    assert source_of(Path("messages_附件3_full_4326.csv")) == source_of(Path("附件3.xlsx")) == "附件3"
    assert "sample_附件3_30.csv" not in {p.name for p in message_files(TEDDY)}
