"""Scores with figures computed by hand."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from civicgrid.appeals import scoring
from civicgrid.appeals.models import AppealAssignment, AssignmentRole, Callback
from civicgrid.appeals.scoring import Period, PropertyFigures, Rates, Tally

SHANGHAI = ZoneInfo("Asia/Shanghai")
WEIGHTS = {"response": 30, "resolution": 35, "satisfaction": 35}
RESOLUTION_CREDIT = {"resolved": 1.0, "partly_resolved": 0.5, "unresolved": 0.0}
SATISFACTION_CREDIT = {"satisfied": 1.0, "basically_satisfied": 1.0, "dissatisfied": 0.0}

# Unit A in March 2025: 4 dispatches, 3 signed in time; callbacks 解决 ×2, 部分解决, 未解决;
# 满意, 基本满意, 不满意, 未评价.
TALLY_A = Tally(
    dispatched=4,
    responded=3,
    resolutions={"resolved": 2, "partly_resolved": 1, "unresolved": 1},
    satisfactions={"satisfied": 1, "basically_satisfied": 1, "dissatisfied": 1, "unrated": 1},
)


def rates(tally, **overrides) -> Rates:
    options = {
        "weights": WEIGHTS,
        "resolution_credit": RESOLUTION_CREDIT,
        "satisfaction_credit": SATISFACTION_CREDIT,
    } | overrides
    return scoring.rates_of(tally, **options)


def test_three_rates_and_composite_by_hand():
    result = rates(TALLY_A)
    assert result.response == 0.75  # 3 / 4
    assert result.resolution == 0.625  # (2 + 0.5 + 0) / 4
    assert result.satisfaction == pytest.approx(2 / 3)  # (1 + 1 + 0) / 3, 未评价 left out
    # 30 × 0.75 + 35 × 0.625 + 35 × 2/3 = 22.5 + 21.875 + 23.333…
    assert result.composite == pytest.approx(67.708333, abs=1e-6)


def test_credits_are_configurable():
    result = rates(
        TALLY_A,
        resolution_credit={"resolved": 1.0, "partly_resolved": 0.0},
        satisfaction_credit={"satisfied": 1.0, "basically_satisfied": 0.5},
    )
    assert result.resolution == 0.5  # 2 / 4
    assert result.satisfaction == 0.5  # (1 + 0.5) / 3


def test_composite_over_the_rates_that_exist():
    result = rates(Tally(dispatched=2, responded=1))
    assert (result.response, result.resolution, result.satisfaction) == (0.5, None, None)
    assert result.composite == 50.0
    assert rates(Tally()).composite is None


def test_red_and_black_lists_break_ties_by_key_and_never_overlap():
    composites = {"a": 90.0, "b": 80.0, "c": None, "d": 70.0, "e": 80.0}
    lists = scoring.red_and_black_lists(composites, 2)
    assert lists.red == ["a", "b"]
    assert lists.black == ["d", "e"]
    small = scoring.red_and_black_lists({"a": 90.0, "b": 10.0, "c": 50.0}, 2)
    assert small.red == ["a", "c"] and small.black == ["b"]


def test_property_companies_ranked_by_quantity_quality_and_speed():
    p1 = PropertyFigures(
        1, "安居物业", quantity=10, reopened=2, resolved=8, resolved_on_time=6, satisfaction=0.9
    )
    p2 = PropertyFigures(
        2, "乐家物业", quantity=4, reopened=0, resolved=4, resolved_on_time=4, satisfaction=0.5
    )
    p3 = PropertyFigures(
        3, "新来物业", quantity=0, reopened=0, resolved=0, resolved_on_time=0, satisfaction=None
    )
    weights = {"satisfaction": 40, "not_reopened": 20, "on_time": 40}
    ranked = scoring.rank_property_companies_from([p3, p2, p1], weights)
    assert [r.figures.unit_id for r in ranked] == [1, 2, 3]
    first, second, last = ranked
    assert (first.reopen_rate, first.on_time_rate) == (0.2, 0.75)
    assert first.quality == pytest.approx(100 * (40 * 0.9 + 20 * 0.8) / 60)  # 86.67
    assert first.score == pytest.approx(82.0)  # (36 + 16 + 30) / 100
    assert second.score == pytest.approx(80.0)  # (20 + 20 + 40) / 100
    assert (first.quantity_rank, first.quality_rank, first.speed_rank) == (1, 1, 2)
    assert (second.quantity_rank, second.quality_rank, second.speed_rank) == (2, 2, 1)
    assert (last.quantity_rank, last.quality_rank, last.speed_rank, last.score) == (3, None, None, None)


def test_period_month_bounds_are_local_and_end_exclusive():
    period = Period.month(2025, 12)
    assert (period.start, period.end) == (dt.date(2025, 12, 1), dt.date(2026, 1, 1))
    start, _ = period.bounds()
    assert start == dt.datetime(2025, 12, 1, tzinfo=SHANGHAI)


# --- from the database -----------------------------------------------------------------------------------


def local(day: int, hour: int = 10, month: int = 3) -> dt.datetime:
    return dt.datetime(2025, month, day, hour, tzinfo=SHANGHAI)


@pytest.fixture
def march(city, life):
    """Unit A = the department, unit B = the property company, with the figures of TALLY_A for A."""
    department, company = city.units["department"], city.units["property"]

    def assignment(unit, day, signed_hours_after, month=3):
        appeal = life.submit()
        AppealAssignment.objects.create(
            appeal=appeal,
            unit=unit,
            role=AssignmentRole.MAIN,
            assigned_at=local(day, month=month),
            sign_due=local(day, 12, month=month),
            signed_at=None
            if signed_hours_after is None
            else local(day, 10 + signed_hours_after, month=month),
        )
        return appeal

    a_appeals = [assignment(department, 3, 1), assignment(department, 4, 2), assignment(department, 5, 0)]
    a_appeals.append(assignment(department, 6, 5))  # signed at 15:00, after the 12:00 deadline
    assignment(department, 2, 1, month=4)  # outside the period
    assignment(company, 7, 1)
    assignment(company, 8, None)  # never signed
    answers = [
        ("resolved", "satisfied"),
        ("resolved", "basically_satisfied"),
        ("partly_resolved", "dissatisfied"),
        ("unresolved", "unrated"),
    ]
    for appeal, (resolution, satisfaction) in zip(a_appeals, answers, strict=True):
        Callback.objects.create(
            appeal=appeal,
            unit=department,
            resolution=resolution,
            satisfaction=satisfaction,
            via="phone",
            at=local(20),
        )
    Callback.objects.create(  # February: outside the period
        appeal=a_appeals[0],
        unit=department,
        resolution="unresolved",
        satisfaction="dissatisfied",
        via="phone",
        at=local(27, month=2),
    )
    return department, company


def test_tallies_by_unit_from_the_database(march):
    department, company = march
    tallies = scoring.tallies("unit", Period.month(2025, 3))
    assert tallies[department.pk] == TALLY_A
    assert (tallies[company.pk].dispatched, tallies[company.pk].responded) == (2, 1)


def test_scores_by_grid_and_unit_and_monthly_lists(march, city):
    department, company = march
    by_grid = scoring.scores("grid", Period.month(2025, 3))
    assert set(by_grid) == {city.grids[0].pk}
    assert by_grid[city.grids[0].pk].response == pytest.approx(4 / 6)
    by_unit = scoring.scores("unit", Period.month(2025, 3))
    assert by_unit[department.pk].composite == pytest.approx(67.708333, abs=1e-6)
    assert by_unit[company.pk].composite == 50.0
    lists = scoring.monthly_lists(2025, 3)
    assert (lists.red, lists.black) == ([department.pk, company.pk], [])


def test_rank_property_companies_from_the_database(march, city, life):
    company = city.units["property"]
    ranked = scoring.rank_property_companies(Period.month(2025, 3))
    by_unit = {r.figures.unit_id: r for r in ranked}
    assert by_unit[company.pk].figures.quantity == 2
    assert by_unit[city.units["other_property"].pk].figures.quantity == 0
