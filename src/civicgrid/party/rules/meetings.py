"""三会一课 compliance: each kind of meeting is due once per calendar period at its configured frequency."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from ..conf import party_setting
from .dates import add_months


class MeetingKind:
    GENERAL_ASSEMBLY = "general_assembly"
    COMMITTEE = "committee"
    GROUP = "group"
    LECTURE = "lecture"
    THEME_DAY = "theme_day"
    LIFE_MEETING = "life_meeting"

    CHOICES = [
        (GENERAL_ASSEMBLY, "支部党员大会"),
        (COMMITTEE, "支委会"),
        (GROUP, "党小组会"),
        (LECTURE, "党课"),
        (THEME_DAY, "主题党日"),
        (LIFE_MEETING, "组织生活会"),
    ]
    LABELS = dict(CHOICES)


FREQUENCY_MONTHS = {"monthly": 1, "quarterly": 3, "half_yearly": 6, "yearly": 12}
FREQUENCY_LABELS = {"monthly": "每月", "quarterly": "每季度", "half_yearly": "每半年", "yearly": "每年"}


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def label(self) -> str:
        months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1
        if months == 1:
            return f"{self.start.year}年{self.start.month}月"
        if months == 3:
            return f"{self.start.year}年第{(self.start.month + 2) // 3}季度"
        if months == 6:
            return f"{self.start.year}年{'上' if self.start.month == 1 else '下'}半年"
        return f"{self.start.year}年"


def period_of(day: date, frequency: str) -> Period:
    """The calendar month, quarter, half-year or year containing `day`."""
    months = FREQUENCY_MONTHS[frequency]
    first_month = (day.month - 1) // months * months + 1
    start = date(day.year, first_month, 1)
    return Period(start, add_months(start, months) - timedelta(days=1))


@dataclass(frozen=True)
class ComplianceEntry:
    kind: str
    frequency: str
    period: Period
    held_on: tuple[date, ...]
    status: str  # held, due (current period, not yet held), missed

    @property
    def kind_label(self) -> str:
        return MeetingKind.LABELS[self.kind]

    @property
    def frequency_label(self) -> str:
        return FREQUENCY_LABELS[self.frequency]

    @property
    def status_label(self) -> str:
        return {"held": "已开展", "due": "待开展", "missed": "未开展"}[self.status]


def compliance_calendar(
    *, since: date, today: date, held: Iterable[tuple[str, date]], kinds: Iterable[str]
) -> list[ComplianceEntry]:
    """Every period of every kind from the first period starting on or after `since` up to the current one,
    newest first; a meeting is counted in the period its date falls in."""
    held_by_kind: dict[str, list[date]] = {}
    for kind, day in held:
        held_by_kind.setdefault(kind, []).append(day)
    frequencies = party_setting("MEETING_FREQUENCIES")
    kinds = list(kinds)
    entries = []
    for kind in kinds:
        frequency = frequencies[kind]
        period = period_of(today, frequency)
        while period.start >= since:
            days = tuple(sorted(d for d in held_by_kind.get(kind, ()) if period.start <= d <= period.end))
            status = "held" if days else ("due" if period.end >= today else "missed")
            entries.append(ComplianceEntry(kind, frequency, period, days, status))
            period = period_of(period.start - timedelta(days=1), frequency)
    return sorted(entries, key=lambda e: (-e.period.start.toordinal(), kinds.index(e.kind)))
