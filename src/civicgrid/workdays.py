"""The working-day calendar every deadline in the platform counts on.

Chinese public holidays and make-up working days (调休) come from `chinese-calendar`; for a year the
library does not know yet, Monday–Friday are working days and a warning is logged once per year, so
deadlines stay computable (and slightly early rather than late) until the library is updated.
"""

import logging
from datetime import date, timedelta
from functools import cache, lru_cache

import chinese_calendar

logger = logging.getLogger(__name__)


@lru_cache(maxsize=4096)
def is_workday(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        _warn_unknown_year(day.year)
        return day.weekday() < 5


@cache
def _warn_unknown_year(year: int) -> None:
    logger.warning("chinese-calendar has no holiday data for %s: Monday–Friday count as working days", year)


def add_working_days(start: date, days: int) -> date:
    """The working day `days` working days after `start` (`start` itself does not count)."""
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    remaining = days
    while remaining:
        current += timedelta(days=1)
        if is_workday(current):
            remaining -= 1
    return current


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    count = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        count += is_workday(current)
    return count
