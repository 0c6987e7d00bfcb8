from datetime import date

import pytest

from civicgrid.party.rules.dates import add_months, age_on, full_months_between
from civicgrid.party.rules.structure import OrganisationKind, check_parent, structure_warnings, term_due_date
from civicgrid.party.rules.violations import RuleViolation

TODAY = date(2026, 11, 23)


def codes(**kwargs):
    values = {
        "kind": OrganisationKind.BRANCH,
        "full_members": 5,
        "all_members": 5,
        "committee_size": 1,
        "has_secretary": True,
        "term_due": None,
        "today": TODAY,
    }
    values.update(kwargs)
    return [w.code for w in structure_warnings(**values)]


def test_a_healthy_small_branch_has_no_warnings():
    assert codes() == []


def test_seven_full_members_need_a_committee_of_three():
    assert codes(full_members=6, all_members=6) == []
    assert codes(full_members=7, all_members=7) == ["committee_missing"]
    assert codes(full_members=7, all_members=7, committee_size=3) == []


def test_committee_size_limits():
    assert codes(full_members=20, all_members=20, committee_size=5) == []
    assert codes(full_members=20, all_members=20, committee_size=6) == ["committee_large"]
    assert codes(full_members=20, all_members=20, committee_size=8) == ["committee_too_large"]


def test_branch_size_limits():
    assert codes(full_members=2, all_members=3) == ["branch_too_small"]
    assert codes(full_members=45, all_members=50, committee_size=5) == []
    assert codes(full_members=45, all_members=51, committee_size=5) == ["branch_too_large"]


def test_a_branch_without_secretary_is_warned():
    assert codes(has_secretary=False) == ["secretary_missing"]


def test_terms_three_years_for_branches_five_for_community_and_committees():
    start = date(2023, 11, 23)
    assert term_due_date(start, OrganisationKind.BRANCH, False) == date(2026, 11, 23)
    assert term_due_date(start, OrganisationKind.BRANCH, True) == date(2028, 11, 23)
    assert term_due_date(start, OrganisationKind.COMMITTEE, False) == date(2028, 11, 23)
    assert term_due_date(start, OrganisationKind.GROUP, False) is None


def test_term_due_today_is_due_soon_and_the_day_after_overdue():
    assert codes(term_due=TODAY) == ["term_due_soon"]
    assert codes(term_due=date(2026, 11, 22)) == ["term_overdue"]
    assert codes(term_due=date(2027, 2, 21)) == ["term_due_soon"]  # exactly 90 days ahead
    assert codes(term_due=date(2027, 2, 22)) == []


def test_month_arithmetic_clamps_to_month_end():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2025, 11, 30), 3) == date(2026, 2, 28)


def test_age_and_whole_months():
    assert age_on(date(2008, 3, 1), date(2026, 2, 28)) == 17
    assert age_on(date(2008, 3, 1), date(2026, 3, 1)) == 18
    assert full_months_between(date(2025, 3, 10), date(2026, 3, 9)) == 11
    assert full_months_between(date(2025, 3, 10), date(2026, 3, 10)) == 12


def test_organisations_nest_committee_general_branch_branch_group():
    check_parent(OrganisationKind.BRANCH, OrganisationKind.GENERAL_BRANCH)
    check_parent(OrganisationKind.BRANCH, None)
    check_parent(OrganisationKind.GROUP, OrganisationKind.BRANCH)
    with pytest.raises(RuleViolation) as refused:
        check_parent(OrganisationKind.GROUP, OrganisationKind.COMMITTEE)
    assert refused.value.message == "党小组的上级应为党支部，不能是党委。"
    with pytest.raises(RuleViolation):
        check_parent(OrganisationKind.GENERAL_BRANCH, None)
