from datetime import date
from decimal import Decimal

import pytest

from civicgrid.party.rules.dues import DuesCategory, arrears, monthly_dues


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ("0", "0.00"),
        ("2999.99", "15.00"),
        ("3000.00", "15.00"),  # the bracket's upper bound is inclusive
        ("3000.01", "30.00"),  # whole base at 1 %, not progressive
        ("5000.00", "50.00"),
        ("5000.01", "75.00"),
        ("10000.00", "150.00"),
        ("10000.01", "200.00"),
        ("4321.50", "43.22"),  # rounded half-up to the fen
    ],
)
def test_wage_brackets_apply_a_flat_rate_to_the_whole_base(base, expected):
    assert monthly_dues(DuesCategory.EMPLOYED, Decimal(base)) == Decimal(expected)


@pytest.mark.parametrize(
    ("base", "expected"), [("5000.00", "25.00"), ("5000.01", "50.00"), ("8000", "80.00")]
)
def test_retirees_pay_on_the_pension(base, expected):
    assert monthly_dues(DuesCategory.RETIRED, Decimal(base)) == Decimal(expected)


@pytest.mark.parametrize(
    "category", [DuesCategory.STUDENT, DuesCategory.UNEMPLOYED, DuesCategory.SUBSISTENCE, DuesCategory.FARMER]
)
def test_flat_groups_pay_twenty_fen_whatever_the_base(category):
    assert monthly_dues(category, Decimal("9000")) == Decimal("0.20")


def test_farmers_amount_is_set_by_the_province(settings):
    settings.CIVICGRID_PARTY_DUES_FLAT_MONTHLY = {
        "student": "0.20",
        "unemployed": "0.20",
        "subsistence": "0.20",
        "farmer": "1.00",
    }
    assert monthly_dues(DuesCategory.FARMER, None) == Decimal("1.00")


def test_negative_base_is_refused():
    with pytest.raises(ValueError):
        monthly_dues(DuesCategory.EMPLOYED, Decimal("-1"))


MONTHS = [date(2026, m, 1) for m in range(1, 13)]


def test_six_consecutive_unpaid_months_warn():
    result = arrears(MONTHS, MONTHS[:6])
    assert result.consecutive_unpaid == 6
    assert result.warning


def test_five_consecutive_unpaid_months_do_not_warn_yet():
    result = arrears(MONTHS, MONTHS[:7])
    assert result.consecutive_unpaid == 5
    assert len(result.unpaid_months) == 5
    assert not result.warning


def test_scattered_unpaid_months_are_arrears_but_not_consecutive():
    settled = [m for i, m in enumerate(MONTHS) if i % 2 == 1]
    result = arrears(MONTHS, settled)
    assert len(result.unpaid_months) == 6
    assert result.consecutive_unpaid == 0
    assert not result.warning


def test_warning_threshold_is_configurable(settings):
    settings.CIVICGRID_PARTY_DUES_ARREARS_WARNING_MONTHS = 3
    assert arrears(MONTHS, MONTHS[:9]).warning
