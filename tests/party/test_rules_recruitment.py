from datetime import date

import pytest

from civicgrid.party.rules.recruitment import (
    STEPS,
    StepFact,
    check_membership_dates,
    check_step,
    next_step,
    probation_end,
    publicity_length,
    rule_set,
)
from civicgrid.party.rules.violations import RuleViolation

from .walk import BIRTH_DATE, WALK

TODAY = date(2026, 11, 23)


def history_before(number: int) -> tuple[StepFact, ...]:
    return tuple(StepFact(n, day, data) for n, day, data in WALK if n < number)


def check(
    number: int, day: date | None = None, version: str = "2026-05", history=None, birth=BIRTH_DATE, **data
):
    rules = rule_set(version)
    _, walk_day, walk_data = WALK[number - 1]
    check_step(
        rules,
        history_before(number) if history is None else history,
        number=number,
        day=day or walk_day,
        documents=rules.step(number).documents,
        data={**walk_data, **data},
        birth_date=birth,
        today=TODAY,
    )


def refused(*args, **kwargs) -> RuleViolation:
    with pytest.raises(RuleViolation) as info:
        check(*args, **kwargs)
    return info.value


def test_the_procedure_has_5_stages_and_25_steps_each_with_actor():
    assert [s.number for s in STEPS] == list(range(1, 26))
    assert {s.stage for s in STEPS} == {1, 2, 3, 4, 5}
    assert all(s.actor for s in STEPS)


def test_the_whole_walk_passes_every_rule():
    history: tuple[StepFact, ...] = ()
    for number, day, data in WALK:
        assert next_step(history) == number
        check(number, day, history=history)
        history += (StepFact(number, day, data),)
    assert next_step(history) is None
    assert probation_end(history, rule_set()) == date(2025, 12, 6)


def test_age_eighteen_on_the_day_of_application():
    check(1, date(2023, 6, 1), birth=date(2005, 6, 1))
    violation = refused(1, date(2023, 5, 31), birth=date(2005, 6, 1))
    assert violation.code == "min_age"
    assert "2005年6月1日" in violation.message and "2023年5月31日" in violation.message
    assert violation.message == (
        "出生日期 2005年6月1日，递交申请书日期 2023年5月31日，2023年6月1日 方年满 18 周岁。"
    )


def test_talk_within_one_month_of_the_application():
    check(2, date(2023, 7, 1))
    violation = refused(2, date(2023, 7, 2))
    assert violation.code == "talk_within"
    assert "2023年6月1日" in violation.message and "2023年7月2日" in violation.message


def test_development_target_exactly_one_year_after_becoming_activist():
    history = (*history_before(6), StepFact(6, date(2024, 6, 28), {"reviews": 1}))
    check(7, date(2024, 7, 3), history=history)
    violation = refused(7, date(2024, 7, 2), history=history)
    assert violation.code == "activist_period"
    assert violation.rule == "经过一年以上培养教育和考察"
    assert (
        violation.message == "确定为积极分子 2023年7月3日，确定发展对象 2024年7月2日，须不早于 2024年7月3日。"
    )


def test_half_yearly_reviews_of_an_activist():
    violation = refused(6, reviews=1)
    assert violation.code == "half_year_reviews"
    assert "至少 2 次" in violation.message


def test_publicity_over_national_day_2024_counts_the_make_up_sunday():
    # Fri 27 Sep, make-up Sun 29 Sep, Mon 30 Sep, (holiday 1–7 Oct), Tue 8 Oct: four working days.
    assert publicity_length(date(2024, 9, 27), date(2024, 10, 8), working_days=True) == 4
    violation = refused(8, date(2024, 10, 8), publicity_end=date(2024, 10, 8))
    assert violation.code == "publicity"
    assert "2024年9月27日 至 2024年10月8日 仅 4个工作日" in violation.message
    check(8, date(2024, 10, 9), publicity_end=date(2024, 10, 9))


def test_publicity_over_spring_festival_2026_counts_the_make_up_saturday():
    # Fri 13 Feb, make-up Sat 14 Feb, (holiday 15–23 Feb), Tue 24, Wed 25, Thu 26 Feb.
    assert publicity_length(date(2026, 2, 13), date(2026, 2, 25), working_days=True) == 4
    assert publicity_length(date(2026, 2, 13), date(2026, 2, 26), working_days=True) == 5


def test_publicity_in_calendar_days_where_the_locality_chooses_so(settings):
    settings.CIVICGRID_PARTY_PUBLICITY = {"days": 7, "working_days": False}
    check(8, date(2024, 10, 3), publicity_end=date(2024, 10, 3))
    violation = refused(8, date(2024, 10, 2), publicity_end=date(2024, 10, 2))
    assert "仅 6天，不足 7个自然日" in violation.message


def test_filing_before_the_publicity_ends_is_refused():
    assert refused(8, date(2024, 10, 8)).code == "publicity"


def test_the_2014_rule_set_needs_neither_agreement_nor_publicity():
    check(8, version="2014", higher_agreed=False, publicity_start=None, publicity_end=None)
    assert refused(8, higher_agreed=False).code == "higher_agreement"


def test_exactly_two_full_members_as_introducers():
    ok = {"name": "王红", "full_member": True, "under_discipline": False}
    probationary = {"name": "赵亮", "full_member": False, "under_discipline": False}
    disciplined = {"name": "孙强", "full_member": True, "under_discipline": True}
    assert refused(9, introducers=[ok]).code == "introducers"
    assert refused(9, introducers=[ok, ok, ok]).code == "introducers"
    assert "赵亮 是预备党员" in refused(9, introducers=[ok, probationary]).message
    assert "孙强 正受留党察看处分" in refused(9, introducers=[ok, disciplined]).message


def test_political_review_must_pass():
    assert refused(10, review_passed=False).code == "political_review"


@pytest.mark.parametrize(("days", "hours", "ok"), [(3, 0, True), (0, 24, True), (2, 23, False)])
def test_training_three_days_or_twenty_four_hours(days, hours, ok):
    if ok:
        check(11, training_days=days, training_hours=hours)
    else:
        assert refused(11, training_days=days, training_hours=hours).code == "training"


def test_pre_review_refuses_someone_leaving_the_unit():
    assert refused(13, leaving_unit_soon=True).code == "pre_review"


def test_branch_assembly_within_a_month_of_pre_review_and_with_the_vote_over_those_due():
    assert refused(15, date(2024, 12, 9)).code == "assembly_within"
    check(15, date(2024, 12, 8))
    violation = refused(15, present_voting=6, yes=3, no=3)
    assert violation.code == "branch_vote"
    check(15, present_voting=5, yes=3, no=2, written_yes=1)  # 3 + 1 written > 7 / 2
    assert "实到 3 人" in refused(15, present_voting=3, yes=3, no=0, written_yes=4).message


def test_higher_approval_within_three_months_or_six_in_special_cases():
    check(17, date(2025, 3, 6))
    violation = refused(17, date(2025, 3, 7))
    assert violation.code == "admission_approval_within"
    assert "2024年12月6日" in violation.message and "2025年3月7日" in violation.message
    check(17, date(2025, 6, 6), special_reason="上级党委换届")
    assert refused(17, date(2025, 6, 7), special_reason="上级党委换届").code == "admission_approval_within"


def test_full_membership_discussed_no_earlier_than_exactly_one_year():
    violation = refused(23, date(2025, 12, 5))
    assert violation.code == "probation_complete"
    assert "2024年12月6日" in violation.message and "2025年12月6日" in violation.message


def test_probation_extended_once_returns_to_continued_education():
    rules = rule_set()
    history = (
        *history_before(23),
        StepFact(23, date(2025, 12, 6), {"outcome": "extend", "extension_months": 6}),
        StepFact(24, date(2026, 1, 10), {}),
    )
    assert next_step(history) == 21
    assert probation_end(history, rules) == date(2026, 6, 6)
    history += (StepFact(21, date(2026, 2, 1), {}), StepFact(22, date(2026, 5, 20), {}))
    assert refused(23, date(2026, 6, 5), history=history).code == "probation_complete"
    violation = refused(23, date(2026, 6, 6), history=history, outcome="extend", extension_months=6)
    assert violation.message == "预备期已延长过一次，不能再延长。"
    check(23, date(2026, 6, 6), history=history, outcome="cancel")


@pytest.mark.parametrize(("months", "ok"), [(5, False), (6, True), (12, True), (13, False)])
def test_extension_of_six_to_twelve_months(months, ok):
    if ok:
        check(23, outcome="extend", extension_months=months)
    else:
        assert refused(23, outcome="extend", extension_months=months).code == "full_membership_outcome"


def test_steps_in_order_with_dates_not_going_back_nor_into_the_future():
    assert refused(3, history=history_before(2)).code == "step_order"
    violation = refused(3, date(2023, 6, 14))
    assert violation.code == "step_order" and "2023年6月15日" in violation.message
    assert refused(25, date(2026, 11, 24)).code == "step_order"


def test_missing_documents_are_named():
    rules = rule_set()
    with pytest.raises(RuleViolation) as info:
        check_step(
            rules,
            history_before(15),
            number=15,
            day=date(2024, 12, 6),
            documents={"支部大会决议"},
            data=WALK[14][2],
            birth_date=BIRTH_DATE,
            today=TODAY,
        )
    assert info.value.message == "缺少材料：表决票。"


def test_membership_dates_entered_by_hand():
    rules = rule_set()
    check_membership_dates(True, date(2020, 7, 1), date(2021, 7, 1), rules)
    check_membership_dates(False, date(2026, 7, 1), None, rules)
    with pytest.raises(RuleViolation) as refused:
        check_membership_dates(True, date(2020, 7, 1), date(2021, 6, 30), rules)
    assert "须不早于 2021年7月1日" in refused.value.message
    with pytest.raises(RuleViolation):
        check_membership_dates(True, date(2020, 7, 1), None, rules)
    with pytest.raises(RuleViolation):
        check_membership_dates(False, date(2020, 7, 1), date(2021, 7, 1), rules)


def test_oath_within_a_month_of_approval_where_the_locality_sets_it(settings):
    check(20, date(2025, 3, 28))  # approved 28 February
    violation = refused(20, date(2025, 3, 29))
    assert violation.code == "oath_within"
    assert "2025年2月28日" in violation.message and "2025年3月29日" in violation.message
    settings.CIVICGRID_PARTY_OATH_WITHIN_MONTHS = None
    check(20, date(2025, 6, 30))
