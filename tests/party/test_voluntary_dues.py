"""自愿多交党费: any amount beyond the dues; a large one goes to the Centre whole."""

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from civicgrid.ledger.models import LedgerEntry
from civicgrid.party import exports, services
from civicgrid.party.models import VoluntaryDues
from civicgrid.party.rules.dues import voluntary_dues_to_centre
from civicgrid.party.rules.violations import RuleViolation


def test_a_payment_of_a_thousand_yuan_or_more_goes_to_the_centre(settings):
    assert not voluntary_dues_to_centre(Decimal("999.99"))
    assert voluntary_dues_to_centre(Decimal("1000"))
    settings.CIVICGRID_PARTY_DUES_VOLUNTARY_TO_CENTRE = "500"
    assert voluntary_dues_to_centre(Decimal("500"))


def test_the_branch_records_voluntary_dues_with_a_trace(party):
    today = timezone.localdate()
    secretary = party.accounts["branch_secretary"]
    small = services.record_voluntary_dues(
        member=party.members[3], amount=Decimal("200"), paid_on=today, actor=secretary
    )
    large = services.record_voluntary_dues(
        member=party.members[3], amount=Decimal("5000"), paid_on=today, actor=secretary
    )
    assert (small.to_centre, large.to_centre) == (False, True)
    entry = LedgerEntry.objects.order_by("-sequence").first()
    assert (entry.action, entry.payload["to_centre"]) == ("party.dues.voluntary", True)
    for amount, paid_on, code in (
        (Decimal(0), today, "dues_voluntary_amount"),
        (Decimal(10), today + timedelta(days=1), "dues_voluntary_future"),
    ):
        with pytest.raises(RuleViolation) as refused:
            services.record_voluntary_dues(
                member=party.members[3], amount=amount, paid_on=paid_on, actor=secretary
            )
        assert refused.value.code == code
    with pytest.raises(PermissionDenied):
        services.record_voluntary_dues(
            member=party.members[3], amount=Decimal(10), paid_on=today, actor=party.accounts["member"]
        )
    assert VoluntaryDues.objects.count() == 2


def test_the_branch_screen_takes_and_lists_them_and_the_ledger_has_a_sheet(party, client):
    client.force_login(party.accounts["branch_secretary"])
    today = timezone.localdate()
    response = client.post(
        reverse("party:voluntary_dues", args=[party.branch.pk]),
        {"member": party.members[2].pk, "amount": "1200", "paid_on": today.isoformat()},
        follow=True,
    )
    page = response.content.decode()
    assert "自愿多交党费已登记" in page and "1200.00" in page and "全额上缴中央" in page
    sheet = exports.dues_ledger_workbook(party.branch, today.year, today)["自愿多交党费"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[2], r[3]) for r in rows] == [(str(party.members[2]), Decimal("1200.00"), "是")]
    download = client.get(reverse("party:export_dues", args=[party.branch.pk]), {"year": today.year})
    assert "自愿多交党费" in load_workbook(BytesIO(download.content)).sheetnames
