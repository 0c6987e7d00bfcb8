from datetime import date
from decimal import Decimal

import pytest

from civicgrid.party.rules.points import points_for, yearly_score
from civicgrid.party.rules.service import renewal_due, service_shortfalls
from civicgrid.party.rules.transfer import check_acceptance, letter_valid_until, receipt_due, receipt_overdue
from civicgrid.party.rules.violations import RuleViolation


def test_letter_valid_three_months_to_the_day():
    assert letter_valid_until(date(2026, 8, 31)) == date(2026, 11, 30)
    check_acceptance(date(2026, 8, 20), date(2026, 11, 20))
    with pytest.raises(RuleViolation) as refused:
        check_acceptance(date(2026, 8, 20), date(2026, 11, 21))
    assert refused.value.code == "transfer_letter_expired"
    assert "2026年8月20日" in refused.value.message and "2026年11月21日" in refused.value.message


def test_acceptance_before_issue_is_refused():
    with pytest.raises(RuleViolation):
        check_acceptance(date(2026, 8, 20), date(2026, 8, 19))


def test_receipt_within_one_month_of_acceptance():
    assert receipt_due(date(2026, 1, 31)) == date(2026, 2, 28)
    assert not receipt_overdue(date(2026, 1, 31), date(2026, 2, 28), date(2026, 11, 23))
    assert receipt_overdue(date(2026, 1, 31), date(2026, 3, 1), date(2026, 11, 23))
    assert receipt_overdue(date(2026, 1, 31), None, date(2026, 3, 1))


def test_points_base_plus_capped_reasons():
    entries = [("meeting_attended", points_for("meeting_attended"))] * 25  # capped at 20
    entries += [("service_hour", points_for("service_hour", Decimal("4.5")))]
    entries += [("meeting_missed", points_for("meeting_missed"))]
    assert yearly_score(entries) == Decimal(60 + 20) + Decimal("2.25") - 2


def test_points_stay_between_zero_and_the_maximum():
    assert yearly_score([("honour", Decimal(5))] * 2 + [("meeting_attended", Decimal(1))] * 40) == 90
    assert yearly_score([("deduction", Decimal(-5))] * 20) == 0


def test_service_minimum(settings):
    assert service_shortfalls(2, Decimal(0)) == []
    assert service_shortfalls(1, Decimal(0)) == ["参加活动 1 次，少于 2 次"]
    settings.CIVICGRID_PARTY_SERVICE_MINIMUM = {"activities": None, "hours": 50}
    assert service_shortfalls(0, Decimal(50)) == []
    assert service_shortfalls(9, Decimal("49.5")) == ["服务 49.5 小时，少于 50 小时"]


def test_registration_renewed_every_six_months():
    assert renewal_due(date(2026, 3, 1), date(2026, 9, 1)) is None
    assert renewal_due(date(2026, 3, 1), date(2026, 9, 2)) == date(2026, 9, 1)
