"""Deadlines (时限) on the Chinese working-day calendar.

Working days follow the State Council's holiday arrangements through `chinese_calendar`: public holidays are
off, make-up working days (调休上班, often a Saturday or Sunday) are on. For a year the library does not cover
yet, Monday to Friday are taken as working days and a warning is logged once for that year.

- Working hours run only inside the office hours of working days (`CIVICGRID_OFFICE_HOURS`).
- N working days after a moment end at closing time of the N-th working day after that moment's date: an
  appeal received on the last working day before the National Day break is due N working days after it.
- Clock hours (first contact) ignore the calendar: a citizen in trouble on a holiday still needs a call.
"""

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

import chinese_calendar
from django.utils import timezone

from .conf import appeals_setting
from .models import DeadlineOverride, DueState, Status

logger = logging.getLogger(__name__)

MAX_CALENDAR_DAYS = 3 * 366  # no deadline is further away; guards the day walk against bad settings


# --- the calendar --------------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def is_working_day(day: dt.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        _warn_uncovered_year(day.year)
        return day.weekday() < 5


@lru_cache(maxsize=64)
def _warn_uncovered_year(year: int) -> None:
    logger.warning(
        "chinese_calendar has no holiday arrangement for %s: counting Monday to Friday as working days; "
        "upgrade the chinesecalendar package once the State Council publishes it.",
        year,
    )


def office_hours() -> list[tuple[dt.time, dt.time]]:
    return [
        (dt.time.fromisoformat(start), dt.time.fromisoformat(end))
        for start, end in appeals_setting("OFFICE_HOURS")
    ]


def _office_intervals(day: dt.date, tz) -> list[tuple[dt.datetime, dt.datetime]]:
    return [
        (dt.datetime.combine(day, start, tzinfo=tz), dt.datetime.combine(day, end, tzinfo=tz))
        for start, end in office_hours()
    ]


def add_working_hours(start: dt.datetime, hours: float | Decimal) -> dt.datetime:
    """The moment `hours` of office time after `start` (which may fall outside office hours)."""
    tz = timezone.get_current_timezone()
    current = timezone.localtime(start, tz)
    remaining = dt.timedelta(hours=float(hours))
    day = current.date()
    for _ in range(MAX_CALENDAR_DAYS):
        if is_working_day(day):
            for opens, closes in _office_intervals(day, tz):
                begin = max(opens, current)
                if begin >= closes:
                    continue
                if remaining <= closes - begin:
                    return begin + remaining
                remaining -= closes - begin
        day += dt.timedelta(days=1)
    raise ValueError(f"no working time within {MAX_CALENDAR_DAYS} days of {start}")


def add_working_days(start: dt.datetime, days: int) -> dt.datetime:
    """Closing time of the `days`-th working day after the date of `start`."""
    tz = timezone.get_current_timezone()
    day = timezone.localtime(start, tz).date()
    counted = 0
    for _ in range(MAX_CALENDAR_DAYS):
        day += dt.timedelta(days=1)
        if is_working_day(day):
            counted += 1
            if counted >= days:
                return _office_intervals(day, tz)[-1][1]
    raise ValueError(f"no {days} working days within {MAX_CALENDAR_DAYS} days of {start}")


# --- the policy ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeadlinePolicy:
    sign_working_hours: Decimal
    contact_hours: Decimal
    resolve_working_days: int


@dataclass(frozen=True)
class Deadlines:
    sign_due: dt.datetime
    contact_due: dt.datetime
    resolve_due: dt.datetime


def resolve_policy(
    urgency: str, category_names: Iterable[str], overrides: Sequence[DeadlineOverride]
) -> DeadlinePolicy:
    """The policy for an urgency in a category: the nearest override per field (`overrides` ordered from the
    category up to the root, urgency-specific before urgency-blank at each level), then settings, where
    categories named complex take the complex resolution time."""
    table = appeals_setting("DEADLINES")
    resolve_days = table["resolve_working_days"][urgency]
    if set(category_names) & set(table["complex_categories"]):
        resolve_days = table["complex_resolve_working_days"]
    values = {
        "sign_working_hours": Decimal(str(table["sign_working_hours"][urgency])),
        "contact_hours": Decimal(str(table["contact_hours"][urgency])),
        "resolve_working_days": resolve_days,
    }
    for field in values:
        found = next((getattr(o, field) for o in overrides if getattr(o, field) is not None), None)
        if found is not None:
            values[field] = found
    return DeadlinePolicy(**values)


def lineage_policy(
    urgency: str,
    ancestor_ids: Sequence[int],
    category_names: Iterable[str],
    overrides: Iterable[DeadlineOverride],
) -> DeadlinePolicy:
    """The policy of the category whose lineage (root first) is `ancestor_ids`, from the overrides on it."""
    depth = {pk: i for i, pk in enumerate(ancestor_ids)}
    applicable = sorted(
        (o for o in overrides if o.category_id in depth and o.urgency in (urgency, "")),
        key=lambda o: (-depth[o.category_id], o.urgency == ""),
    )
    return resolve_policy(urgency, category_names, applicable)


def sla_deadlines(start: dt.datetime, policy: DeadlinePolicy) -> Deadlines:
    """Sign, first-contact and resolve deadlines of a round of handling dispatched at `start`."""
    return Deadlines(
        sign_due=add_working_hours(start, policy.sign_working_hours),
        contact_due=start + dt.timedelta(hours=float(policy.contact_hours)),
        resolve_due=add_working_days(start, policy.resolve_working_days),
    )


# --- due state -----------------------------------------------------------------------------------------

_SEVERITY = {DueState.NONE: 0, DueState.ON_TIME: 1, DueState.NEAR_DUE: 2, DueState.OVERDUE: 3}


def milestone_state(now: dt.datetime, started_at: dt.datetime, due: dt.datetime, near_fraction: float) -> str:
    """Overdue past the deadline; near due once less than `near_fraction` of the allowed time is left."""
    if now > due:
        return DueState.OVERDUE
    if due - now <= (due - started_at) * near_fraction:
        return DueState.NEAR_DUE
    return DueState.ON_TIME


def due_milestones(
    now: dt.datetime,
    status: str,
    dispatched_at: dt.datetime | None,
    sign_due: dt.datetime | None,
    contact_due: dt.datetime | None,
    resolve_due: dt.datetime | None,
) -> list[tuple[str, str]]:
    """(milestone, state) of each deadline still ahead of the appeal in its status, in the order they fall:
    签收, 首次联系, 办结. Empty outside handling."""
    pending = {
        Status.DISPATCHED: (("签收", sign_due), ("首次联系", contact_due), ("办结", resolve_due)),
        Status.SIGNED: (("首次联系", contact_due), ("办结", resolve_due)),
        Status.IN_PROGRESS: (("办结", resolve_due),),
    }.get(status, ())
    fraction = appeals_setting("DEADLINES")["near_due_fraction"]
    return [
        (name, milestone_state(now, dispatched_at, due, fraction)) for name, due in pending if due is not None
    ]


def appeal_due_state(
    now: dt.datetime,
    status: str,
    dispatched_at: dt.datetime | None,
    sign_due: dt.datetime | None,
    contact_due: dt.datetime | None,
    resolve_due: dt.datetime | None,
) -> str:
    """The worst state among the deadlines still ahead of the appeal in its status; none outside handling."""
    milestones = due_milestones(now, status, dispatched_at, sign_due, contact_due, resolve_due)
    return max((state for _, state in milestones), key=_SEVERITY.__getitem__, default=DueState.NONE)
