from datetime import date

import pytest

from civicgrid.workdays import add_working_days, is_workday, working_days_between


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2024, 2, 10), False),  # Spring Festival 2024
        (date(2024, 2, 4), True),  # make-up Sunday before it
        (date(2024, 10, 1), False),  # National Day 2024
        (date(2024, 10, 12), True),  # make-up Saturday after it
        (date(2025, 1, 26), True),  # make-up Sunday before Spring Festival 2025
        (date(2026, 2, 14), True),  # make-up Saturday before Spring Festival 2026
        (date(2026, 10, 10), True),  # make-up Saturday after National Day 2026
        (date(2026, 10, 5), False),
    ],
)
def test_holidays_and_make_up_days(day, expected):
    assert is_workday(day) is expected


def test_five_working_days_over_national_day_2024_count_the_make_up_saturday():
    # Mon 30 Sep 2024 → holiday 1–7 Oct → Tue 8, Wed 9, Thu 10, Fri 11, Sat 12 (make-up day).
    assert add_working_days(date(2024, 9, 30), 5) == date(2024, 10, 12)


def test_working_days_between_is_the_inverse_of_add():
    start = date(2026, 2, 10)
    for n in range(0, 30):
        assert working_days_between(start, add_working_days(start, n)) == n


def test_unknown_year_falls_back_to_weekdays():
    assert is_workday(date(2031, 1, 6))  # a Monday
    assert not is_workday(date(2031, 1, 5))  # a Sunday
