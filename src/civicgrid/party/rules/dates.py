"""Calendar arithmetic the party rules are stated in: months and years, not days."""

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """The same day `months` later; a day the target month lacks becomes its last (31 Jan + 1 → 28 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def month_start(day: date) -> date:
    return day.replace(day=1)


def months_from(first: date, last: date) -> list[date]:
    """First days of the months from `first`'s month to `last`'s month, both included."""
    months = []
    current = month_start(first)
    while current <= last:
        months.append(current)
        current = add_months(current, 1)
    return months


def full_months_between(start: date, end: date) -> int:
    """Whole months from `start` to `end` (an anniversary of the day completes a month)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, months) > end:
        months -= 1
    return max(months, 0)
