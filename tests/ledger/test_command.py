import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from civicgrid.ledger.selectors import chain_head
from civicgrid.ledger.services import record

pytestmark = pytest.mark.django_db


def verify(*args: str) -> str:
    out = StringIO()
    call_command("ledger", "verify", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def chain() -> None:
    for n in range(5):
        record("appeal.callback", target=("appeals.appeal", n), payload={"satisfied": "满意"})


def test_a_whole_chain_is_reported_with_its_length_and_head(chain):
    sequence, head_hash = chain_head()

    assert verify().splitlines() == [
        "留痕链完整：共 5 条",
        f"链头：第 5 条，哈希 {head_hash}（可作为锚点公布）",
    ]
    assert verify("--anchor", f"{sequence}:{head_hash}").startswith("留痕链完整")
    assert json.loads(verify("--json")) == {
        "ok": True,
        "checked": 5,
        "last_hash": head_hash,
        "broken_at": None,
        "code": None,
        "message": None,
    }


def test_a_broken_chain_names_its_first_broken_link_and_fails(chain):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM ledger_ledgerhead")
        cursor.execute(
            "INSERT INTO ledger_ledgerhead (id, last_sequence, last_hash) VALUES (1, 7, %s)", ["0" * 64]
        )

    with pytest.raises(CommandError, match="留痕链在第 6 条断开：序号缺失") as failure:
        verify()
    assert failure.value.returncode == 1

    out = StringIO()
    with pytest.raises(CommandError):
        call_command("ledger", "verify", "--json", stdout=out)
    assert json.loads(out.getvalue())["broken_at"] == 6
    assert json.loads(out.getvalue())["code"] == "missing_sequence"


def test_an_anchor_the_chain_no_longer_passes_through_fails(chain):
    with pytest.raises(CommandError, match="第 3 条断开：与已公布的锚点不符"):
        verify("--anchor", f"3:{'a' * 64}")


def test_a_malformed_anchor_is_refused(chain):
    with pytest.raises(CommandError, match="锚点格式应为"):
        verify("--anchor", "3:abc")
