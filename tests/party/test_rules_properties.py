"""Properties of the numeric rules over many inputs (hypothesis)."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from civicgrid.party.demo import walk_dates
from civicgrid.party.rules.dates import add_months, full_months_between
from civicgrid.party.rules.dues import DuesCategory, monthly_dues
from civicgrid.party.rules.recruitment import StepFact, check_step, next_step, publicity_length, rule_set
from civicgrid.party.rules.votes import VoteTally
from civicgrid.workdays import add_working_days, is_workday

# No per-example deadline: the machine running the suite may be busy, and these are not timing tests.
unhurried = settings(deadline=None)
bases = st.decimals(min_value=0, max_value=100_000, places=2, allow_nan=False, allow_infinity=False)
days = st.dates(min_value=date(2020, 1, 1), max_value=date(2027, 12, 31))


@unhurried
@given(bases, bases)
def test_dues_are_fen_exact_and_never_fall_as_the_wage_rises(low, high):
    low, high = sorted((low, high))
    for category in (DuesCategory.EMPLOYED, DuesCategory.RETIRED):
        amount = monthly_dues(category, low)
        assert amount == amount.quantize(Decimal("0.01"))
        assert amount <= monthly_dues(category, high)


@unhurried
@given(days, st.integers(min_value=1, max_value=15))
def test_a_publicity_ending_n_working_days_on_is_n_working_days_long(start, n):
    if not is_workday(start):
        start = add_working_days(start, 1)
    end = add_working_days(start, n - 1)
    assert publicity_length(start, end, working_days=True) == n
    assert publicity_length(start, end - timedelta(days=1), working_days=True) == n - 1


@unhurried
@given(days, st.integers(min_value=0, max_value=60))
def test_adding_months_lands_exactly_that_many_whole_months_on(day, months):
    later = add_months(day, months)
    assert full_months_between(day, later) == months
    assert later.day <= day.day


@unhurried
@given(st.integers(min_value=1, max_value=60), st.data())
def test_a_passing_vote_is_quorate_and_more_yes_never_fails_it(due, data):
    present = data.draw(st.integers(min_value=0, max_value=due))
    yes = data.draw(st.integers(min_value=0, max_value=present))
    written = data.draw(st.integers(min_value=0, max_value=due - present))
    tally = VoteTally(due_voting=due, present_voting=present, yes=yes, written_yes=written)
    if tally.passed:
        assert tally.quorate
        if yes < present:
            assert VoteTally(due_voting=due, present_voting=present, yes=yes + 1, written_yes=written).passed
    assert tally.passed == (2 * present > due and 2 * (yes + written) > due)


@unhurried
@given(
    st.dates(min_value=date(2019, 1, 1), max_value=date(2024, 12, 31)), st.integers(min_value=3, max_value=40)
)
def test_a_walk_planned_from_any_start_date_passes_every_rule(start, full_members):
    rules = rule_set()
    history: tuple[StepFact, ...] = ()
    for number, day, data in walk_dates(start, full_members):
        facts = {**data}
        if number == 5:
            facts["contacts"] = [{"name": "王红", "full_member": True}]
        elif number == 9:
            facts["introducers"] = [
                {"name": n, "full_member": True, "under_discipline": False} for n in ("甲", "乙")
            ]
        check_step(
            rules,
            history,
            number=number,
            day=day,
            documents=rules.step(number).documents,
            data=facts,
            birth_date=date(1990, 1, 1),
            today=date(2030, 1, 1),
        )
        history += (StepFact(number, day, facts),)
    assert next_step(history) is None
