"""Deadlines on the real Chinese holiday calendar of 2024–2026 (State Council arrangements).

Arrangements used below:
- Spring Festival 2024: off Feb 10–17; make-up working days Sun Feb 4 and Sun Feb 18.
- Spring Festival 2025: off Jan 28–Feb 4; make-up Sun Jan 26 and Sat Feb 8.
- Spring Festival 2026: off Feb 15–23; make-up Sat Feb 14 and Sat Feb 28.
- Labour Day 2025: off May 1–5; make-up Sun Apr 27.
- National Day 2024: off Oct 1–7; make-up Sun Sep 29 and Sat Oct 12.
- National Day 2025 (with Mid-Autumn): off Oct 1–8; make-up Sun Sep 28 and Sat Oct 11.
"""

import datetime as dt
import logging
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from civicgrid.appeals.deadlines import (
    DeadlinePolicy,
    add_working_days,
    add_working_hours,
    appeal_due_state,
    due_milestones,
    is_working_day,
    milestone_state,
    resolve_policy,
    sla_deadlines,
)
from civicgrid.appeals.models import DeadlineOverride, DueState, Status
from civicgrid.appeals.routing import routing_table

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year, month, day, hour=10, minute=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def close_of(year, month, day) -> dt.datetime:
    return at(year, month, day, 17, 30)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (dt.date(2024, 2, 4), True),  # Sunday, make-up day
        (dt.date(2024, 2, 12), False),  # Monday in the Spring Festival break
        (dt.date(2024, 2, 18), True),  # Sunday, make-up day
        (dt.date(2025, 1, 26), True),
        (dt.date(2025, 2, 8), True),  # Saturday, make-up day
        (dt.date(2025, 5, 5), False),
        (dt.date(2025, 9, 28), True),  # Sunday, make-up day
        (dt.date(2025, 10, 8), False),  # Wednesday in the National Day break
        (dt.date(2025, 10, 11), True),  # Saturday, make-up day
        (dt.date(2026, 2, 14), True),  # Saturday, make-up day
        (dt.date(2026, 2, 23), False),  # Monday, last day of the 2026 Spring Festival break
        (dt.date(2026, 3, 7), False),  # an ordinary Saturday
    ],
)
def test_calendar_honours_holidays_and_make_up_days(day, working):
    assert is_working_day(day) is working


def test_received_last_working_day_before_national_day_2025_is_due_after_the_break():
    # Tue Sep 30 → 7 working days: Oct 9, 10, 11 (Saturday make-up), 13, 14, 15, 16.
    assert add_working_days(at(2025, 9, 30, 16), 7) == close_of(2025, 10, 16)


def test_national_day_2024_counts_the_make_up_saturday():
    # Mon Sep 30 → Oct 8, 9, 10, 11, 12 (Saturday make-up): due on the make-up day itself.
    assert add_working_days(at(2024, 9, 30, 11), 5) == close_of(2024, 10, 12)


def test_national_day_2024_make_up_sunday_before_the_break_is_a_working_day():
    # Received Sat Sep 28 (off): day 1 is Sun Sep 29 (make-up), day 2 is Mon Sep 30.
    assert add_working_days(at(2024, 9, 28, 9), 2) == close_of(2024, 9, 30)


def test_spring_festival_2024_fifteen_working_days_for_a_complex_case():
    # Fri Feb 9, the last working day before the break. Working days after: Feb 18 (Sunday make-up), 19,
    # 20, 21, 22, 23, 26, 27, 28, 29, Mar 1, 4, 5, 6, 7.
    assert add_working_days(at(2024, 2, 9, 15), 15) == close_of(2024, 3, 7)


def test_spring_festival_2025_make_up_saturday_counts():
    # Mon Jan 27: Feb 5, 6, 7, 8 (Saturday make-up), 10, 11, 12.
    assert add_working_days(at(2025, 1, 27, 10), 7) == close_of(2025, 2, 12)


def test_spring_festival_2026_break_is_skipped():
    # Sat Feb 14 is a make-up day; received then, 7 working days: Feb 24, 25, 26, 27, 28 (Sat), Mar 2, 3.
    assert add_working_days(at(2026, 2, 14, 10), 7) == close_of(2026, 3, 3)


def test_labour_day_2025():
    # Wed Apr 30: May 6, 7, 8, 9, 12, 13, 14.
    assert add_working_days(at(2025, 4, 30, 17), 7) == close_of(2025, 5, 14)


def test_working_hours_stop_at_lunch_and_closing_time():
    assert add_working_hours(at(2025, 3, 3, 11, 0), 2) == at(2025, 3, 3, 14, 30)
    assert add_working_hours(at(2025, 3, 3, 17, 0), Decimal("0.5")) == at(2025, 3, 3, 17, 30)
    assert add_working_hours(at(2025, 3, 3, 17, 0), 1) == at(2025, 3, 4, 9, 30)
    assert add_working_hours(at(2025, 3, 3, 12, 30), 1) == at(2025, 3, 3, 14, 30)


def test_working_hours_jump_the_national_day_break():
    # Received Tue Sep 30 2025 at 17:00: half an hour that day, 1.5 hours after the break (Thu Oct 9).
    assert add_working_hours(at(2025, 9, 30, 17, 0), 2) == at(2025, 10, 9, 10, 30)


def test_working_hours_received_in_the_night_start_at_opening():
    assert add_working_hours(at(2026, 2, 13, 22, 0), Decimal("0.5")) == at(2026, 2, 14, 9, 30)


def test_uncovered_year_falls_back_to_weekdays_with_a_warning(caplog):
    with caplog.at_level(logging.WARNING, logger="civicgrid.appeals.deadlines"):
        assert is_working_day(dt.date(2099, 10, 1)) is True  # a Thursday
        assert is_working_day(dt.date(2099, 10, 3)) is False  # a Saturday
    assert "2099" in caplog.text


def test_office_hours_are_configurable(settings):
    settings.CIVICGRID_OFFICE_HOURS = [("08:30", "12:00"), ("14:00", "18:00")]
    assert add_working_days(at(2025, 3, 3), 1) == at(2025, 3, 4, 18, 0)
    assert add_working_hours(at(2025, 3, 3, 7, 0), 4) == at(2025, 3, 3, 14, 30)


def test_policy_defaults_by_urgency_and_complex_category():
    normal = resolve_policy("normal", ["城乡建设"], ())
    assert normal == DeadlinePolicy(Decimal("2"), Decimal("24"), 7)
    urgent = resolve_policy("urgent", [], ())
    assert (urgent.sign_working_hours, urgent.contact_hours) == (Decimal("0.5"), Decimal("2"))
    assert resolve_policy("normal", ["城乡建设", "国有土地上房屋征收与补偿"], ()).resolve_working_days == 15


def test_policy_settings_override_one_key_keeps_the_others(settings):
    settings.CIVICGRID_DEADLINES = {"complex_resolve_working_days": 20}
    assert resolve_policy("normal", ["土地征收"], ()).resolve_working_days == 20
    assert resolve_policy("normal", [], ()).resolve_working_days == 7


def test_database_overrides_nearest_category_and_urgency_first(category_named):
    level1 = category_named("城乡建设")
    level3 = category_named("城乡建设", "城市建设和市政管理", "燃气供应")
    DeadlineOverride.objects.create(category=level1, resolve_working_days=10, contact_hours=12)
    DeadlineOverride.objects.create(category=level3, urgency="urgent", sign_working_hours=Decimal("0.25"))
    DeadlineOverride.objects.create(category=level3, resolve_working_days=3)
    table = routing_table()  # the overrides' saves moved the routing stamp on: a fresh table
    urgent = table.policy(table.lineage(level3), "urgent")
    assert urgent == DeadlinePolicy(Decimal("0.25"), Decimal("12"), 3)
    normal = table.policy(table.lineage(level3), "normal")
    assert normal == DeadlinePolicy(Decimal("2"), Decimal("12"), 3)
    assert table.policy(table.lineage(None), "normal").resolve_working_days == 7


def test_sla_deadlines_of_a_dispatch_before_national_day_2025():
    due = sla_deadlines(at(2025, 9, 30, 16, 0), DeadlinePolicy(Decimal("2"), Decimal("24"), 7))
    assert due.sign_due == at(2025, 10, 9, 9, 30)
    assert due.contact_due == at(2025, 10, 1, 16, 0)  # clock hours: a citizen waits through holidays too
    assert due.resolve_due == close_of(2025, 10, 16)


def test_milestone_state_near_due_in_the_last_fifth():
    start, due = at(2025, 3, 3, 9), at(2025, 3, 3, 19)
    assert milestone_state(at(2025, 3, 3, 10), start, due, 0.2) == DueState.ON_TIME
    assert milestone_state(at(2025, 3, 3, 17), start, due, 0.2) == DueState.NEAR_DUE
    assert milestone_state(at(2025, 3, 3, 19, 1), start, due, 0.2) == DueState.OVERDUE


def test_appeal_due_state_considers_only_pending_milestones():
    start = at(2025, 3, 3, 9)
    sign_due, contact_due, resolve_due = at(2025, 3, 3, 11), at(2025, 3, 4, 9), close_of(2025, 3, 12)
    now = at(2025, 3, 3, 12)
    assert (
        appeal_due_state(now, Status.DISPATCHED, start, sign_due, contact_due, resolve_due)
        == DueState.OVERDUE
    )
    assert appeal_due_state(now, Status.SIGNED, start, sign_due, contact_due, resolve_due) == DueState.ON_TIME
    assert appeal_due_state(now, Status.RESOLVED, start, sign_due, contact_due, resolve_due) == DueState.NONE
    # Which deadline is overdue: the sign deadline, although 办结 is nine days away.
    assert due_milestones(now, Status.DISPATCHED, start, sign_due, contact_due, resolve_due) == [
        ("签收", DueState.OVERDUE),
        ("首次联系", DueState.ON_TIME),
        ("办结", DueState.ON_TIME),
    ]
