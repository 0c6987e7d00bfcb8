"""Branch votes (支部工作条例 2018) and the yearly 民主评议.

Both thresholds count over the members DUE (应到) with a vote, not over those present: a meeting is quorate
when voting members present are more than half of those due, and a motion passes when yes votes, counting
the written opinions of absent members, are more than half of those due. Probationary members have no vote.
A 支委会 is the same count with the committee as those due (more than half present).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ..conf import party_setting
from .violations import RuleViolation


@dataclass(frozen=True)
class VoteTally:
    due_voting: int  # full members due at the meeting (应到有表决权的党员)
    present_voting: int
    yes: int
    no: int = 0
    abstain: int = 0
    written_yes: int = 0  # absent members' written opinions
    written_no: int = 0

    def check_consistent(self) -> None:
        if self.present_voting > self.due_voting:
            raise RuleViolation(
                "tally", "表决票数", f"实到 {self.present_voting} 人多于应到 {self.due_voting} 人。"
            )
        if self.yes + self.no + self.abstain > self.present_voting:
            raise RuleViolation("tally", "表决票数", "赞成、反对、弃权票之和多于实到有表决权的党员。")
        if self.written_yes + self.written_no > self.due_voting - self.present_voting:
            raise RuleViolation("tally", "表决票数", "书面意见多于缺席的有表决权党员。")

    @property
    def quorate(self) -> bool:
        return 2 * self.present_voting > self.due_voting

    @property
    def passed(self) -> bool:
        return self.quorate and 2 * (self.yes + self.written_yes) > self.due_voting


def check_branch_resolution(tally: VoteTally) -> None:
    """Refuse a branch meeting resolution that lacks the quorum or the majority, naming the counts."""
    tally.check_consistent()
    if not tally.quorate:
        raise RuleViolation(
            "assembly_quorum",
            "到会有表决权的党员超过应到人数的一半",
            f"应到 {tally.due_voting} 人，实到 {tally.present_voting} 人，会议不能进行表决。",
        )
    if not tally.passed:
        raise RuleViolation(
            "assembly_majority",
            "赞成人数超过应到会有表决权党员的半数",
            f"应到 {tally.due_voting} 人，赞成 {tally.yes} 票、缺席党员书面赞成 {tally.written_yes} 份，"
            f"合计 {tally.yes + tally.written_yes}，未超过半数。",
        )


class AppraisalGrade:
    EXCELLENT = "excellent"
    QUALIFIED = "qualified"
    BASICALLY_QUALIFIED = "basically_qualified"
    UNQUALIFIED = "unqualified"

    CHOICES = [
        (EXCELLENT, "优秀"),
        (QUALIFIED, "合格"),
        (BASICALLY_QUALIFIED, "基本合格"),
        (UNQUALIFIED, "不合格"),
    ]


def check_appraisal(grades: Mapping[str, str], *, full_members: int, probationary: set[str]) -> None:
    """民主评议: probationary members are not graded, and 优秀 is at most the configured share (1/3) of the
    full members appraised. `grades` maps a member's name to a grade."""
    graded_probationary = sorted(set(grades) & probationary)
    if graded_probationary:
        raise RuleViolation(
            "appraisal_probationary",
            "预备党员不参加评定等次",
            f"{'、'.join(graded_probationary)} 是预备党员。",
        )
    share = Fraction(party_setting("EXCELLENT_SHARE"))
    excellent = sum(1 for g in grades.values() if g == AppraisalGrade.EXCELLENT)
    if excellent > share * full_members:
        raise RuleViolation(
            "appraisal_excellent_cap",
            f"优秀等次不超过党员总数的 {share}",
            f"正式党员 {full_members} 人，最多评 {int(share * full_members)} 名优秀，现评 {excellent} 名。",
        )


def election_result(*, due_voting: int, present_voting: int, seats: int, votes: Mapping[Any, int]) -> list:
    """换届选举 of a committee: the candidates elected (keys of `votes`, named by str()), most votes first.
    The election is valid with the configured share (4/5) of voting members present; candidates must exceed
    seats by the configured share (20 %); a candidate is elected with yes votes from more than half of those
    present, and seats go by votes."""
    quorum = Fraction(party_setting("ELECTION_QUORUM"))
    if present_voting < quorum * due_voting:
        raise RuleViolation(
            "election_quorum",
            f"选举时到会有选举权的党员不少于应到人数的 {quorum}",
            f"应到 {due_voting} 人，实到 {present_voting} 人。",
        )
    surplus = party_setting("ELECTION_CANDIDATE_SURPLUS")
    if surplus is not None and len(votes) < seats * (1 + Fraction(surplus)):
        raise RuleViolation(
            "election_candidates",
            f"候选人数多于应选人数的 {Fraction(surplus)}（差额选举）",
            f"应选 {seats} 人，候选人 {len(votes)} 人。",
        )
    passing = [(n, candidate) for candidate, n in votes.items() if 2 * n > present_voting]
    ranked = sorted(passing, key=lambda r: (-r[0], str(r[1])))
    if len(ranked) > seats and ranked[seats - 1][0] == ranked[seats][0]:
        raise RuleViolation(
            "election_tie",
            "得票相等时重新投票",
            f"{ranked[seats - 1][1]}、{ranked[seats][1]} 均得 {ranked[seats][0]} 票，争最后一个名额，"
            "须对得票相等的候选人再次投票。",
        )
    return [name for _, name in ranked[:seats]]
