from datetime import date

import pytest

from civicgrid.party.rules.meetings import MeetingKind, compliance_calendar, period_of
from civicgrid.party.rules.violations import RuleViolation
from civicgrid.party.rules.votes import (
    AppraisalGrade,
    VoteTally,
    check_appraisal,
    check_branch_resolution,
    election_result,
)


def test_periods_are_calendar_aligned():
    assert period_of(date(2026, 11, 23), "quarterly").start == date(2026, 10, 1)
    assert period_of(date(2026, 11, 23), "quarterly").end == date(2026, 12, 31)
    assert period_of(date(2026, 2, 28), "monthly").end == date(2026, 2, 28)
    assert period_of(date(2026, 7, 1), "half_yearly").label == "2026年下半年"
    assert period_of(date(2026, 3, 31), "quarterly").label == "2026年第1季度"


def test_compliance_flags_held_due_and_missed():
    entries = compliance_calendar(
        since=date(2026, 7, 1),
        today=date(2026, 11, 23),
        held=[(MeetingKind.GENERAL_ASSEMBLY, date(2026, 9, 30)), (MeetingKind.COMMITTEE, date(2026, 11, 2))],
        kinds=[MeetingKind.GENERAL_ASSEMBLY, MeetingKind.COMMITTEE],
    )
    status = {(e.kind, e.period.label): e.status for e in entries}
    assert status[(MeetingKind.GENERAL_ASSEMBLY, "2026年第3季度")] == "held"  # last day of the quarter
    assert status[(MeetingKind.GENERAL_ASSEMBLY, "2026年第4季度")] == "due"
    assert status[(MeetingKind.COMMITTEE, "2026年11月")] == "held"
    assert status[(MeetingKind.COMMITTEE, "2026年10月")] == "missed"
    assert status[(MeetingKind.COMMITTEE, "2026年7月")] == "missed"
    assert (MeetingKind.COMMITTEE, "2026年6月") not in status  # before the branch existed
    assert entries[0].period.start == date(2026, 11, 1)  # newest first


def test_lecture_frequency_is_configurable(settings):
    settings.CIVICGRID_PARTY_MEETING_FREQUENCIES = {"lecture": "half_yearly"}
    entries = compliance_calendar(
        since=date(2026, 1, 1), today=date(2026, 11, 23), held=[], kinds=[MeetingKind.LECTURE]
    )
    assert [e.period.label for e in entries] == ["2026年下半年", "2026年上半年"]


# --- branch votes over those DUE ---------------------------------------------------------------------------


def test_quorum_needs_more_than_half_of_those_due():
    check_branch_resolution(VoteTally(due_voting=10, present_voting=6, yes=6))
    with pytest.raises(RuleViolation) as refused:
        check_branch_resolution(VoteTally(due_voting=10, present_voting=5, yes=5, written_yes=5))
    assert refused.value.code == "assembly_quorum"
    assert "应到 10 人，实到 5 人" in refused.value.message


def test_majority_counts_over_those_due_not_those_present():
    # 6 of 10 present, 5 vote yes: a majority of those present, but not of the 10 due.
    with pytest.raises(RuleViolation) as refused:
        check_branch_resolution(VoteTally(due_voting=10, present_voting=6, yes=5, no=1))
    assert refused.value.code == "assembly_majority"


def test_absent_members_written_opinions_count_towards_the_majority():
    tally = VoteTally(due_voting=10, present_voting=6, yes=5, no=1, written_yes=1)
    check_branch_resolution(tally)
    assert tally.passed


def test_written_opinions_do_not_make_a_quorum():
    assert not VoteTally(due_voting=9, present_voting=4, yes=4, written_yes=5).quorate


def test_tally_must_be_consistent():
    with pytest.raises(RuleViolation):
        check_branch_resolution(VoteTally(due_voting=5, present_voting=6, yes=6))
    with pytest.raises(RuleViolation):
        check_branch_resolution(VoteTally(due_voting=5, present_voting=3, yes=3, written_yes=3))


def test_committee_meeting_quorum_is_more_than_half_of_the_committee():
    assert VoteTally(due_voting=5, present_voting=3, yes=3).quorate
    assert not VoteTally(due_voting=4, present_voting=2, yes=2).quorate


# --- 民主评议 ---------------------------------------------------------------------------------------------


def grades(excellent: int, total: int) -> dict[str, str]:
    return {
        f"党员{i}": AppraisalGrade.EXCELLENT if i < excellent else AppraisalGrade.QUALIFIED
        for i in range(total)
    }


def test_excellent_at_most_one_third():
    check_appraisal(grades(3, 9), full_members=9, probationary=set())
    with pytest.raises(RuleViolation) as refused:
        check_appraisal(grades(4, 9), full_members=9, probationary=set())
    assert refused.value.code == "appraisal_excellent_cap"
    assert "最多评 3 名优秀" in refused.value.message
    check_appraisal(grades(3, 10), full_members=10, probationary=set())
    with pytest.raises(RuleViolation):
        check_appraisal(grades(1, 2), full_members=2, probationary=set())


def test_probationary_members_are_not_graded():
    with pytest.raises(RuleViolation) as refused:
        check_appraisal(grades(0, 3), full_members=2, probationary={"党员2"})
    assert refused.value.code == "appraisal_probationary"


# --- 换届选举 -----------------------------------------------------------------------------------------------


CANDIDATES = {"王红": 30, "李明": 28, "张伟": 20, "刘洋": 16, "陈静": 15, "杨帆": 9}


def test_election_needs_four_fifths_present():
    assert election_result(due_voting=40, present_voting=32, seats=5, votes=CANDIDATES)[:2] == [
        "王红",
        "李明",
    ]
    with pytest.raises(RuleViolation) as refused:
        election_result(due_voting=40, present_voting=31, seats=5, votes=CANDIDATES)
    assert refused.value.code == "election_quorum" and "应到 40 人，实到 31 人" in refused.value.message


def test_elected_with_more_than_half_of_those_present():
    # 32 present: 16 votes are not more than half, so 刘洋 is not elected and a seat stays empty.
    assert election_result(due_voting=40, present_voting=32, seats=5, votes=CANDIDATES) == [
        "王红",
        "李明",
        "张伟",
    ]


def test_candidates_exceed_seats_by_a_fifth(settings):
    with pytest.raises(RuleViolation) as refused:
        election_result(
            due_voting=10, present_voting=10, seats=5, votes={"甲": 9, "乙": 9, "丙": 9, "丁": 9, "戊": 9}
        )
    assert refused.value.code == "election_candidates"
    settings.CIVICGRID_PARTY_ELECTION_CANDIDATE_SURPLUS = None
    assert (
        len(
            election_result(
                due_voting=10, present_voting=10, seats=5, votes={"甲": 9, "乙": 9, "丙": 9, "丁": 9, "戊": 9}
            )
        )
        == 5
    )


def test_a_tie_for_the_last_seat_needs_another_ballot():
    votes = {"甲": 9, "乙": 8, "丙": 8, "丁": 2}
    with pytest.raises(RuleViolation) as refused:
        election_result(due_voting=10, present_voting=10, seats=2, votes=votes)
    assert refused.value.code == "election_tie"
