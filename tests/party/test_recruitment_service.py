from datetime import date

import pytest

from civicgrid.directory.models import Person
from civicgrid.ledger.models import LedgerEntry
from civicgrid.party import selectors, services
from civicgrid.party.models import MemberStatus
from civicgrid.party.rules.violations import RuleViolation

from .walk import BIRTH_DATE, WALK

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 23)


def step_data(party, number: int, data: dict) -> dict:
    """The walk's plain facts with members where the service takes members."""
    if number == 5:
        return {"contacts": [party.members[0]]}
    if number == 9:
        return {"introducers": [party.members[0], party.members[1]]}
    if number == 19:
        return {"group": party.group}
    return data


def open_application(party):
    applicant = Person.objects.create(name="吴小青", phone="13600002222", home_grid=party.city.grids[0])
    return services.open_application(
        person=applicant,
        organisation=party.branch,
        birth_date=BIRTH_DATE,
        actor=party.accounts["branch_secretary"],
    )


def record(party, application, number, day, data):
    return services.record_recruitment_step(
        application=application,
        number=number,
        day=day,
        documents=application.rules.step(number).documents,
        data=step_data(party, number, data),
        actor=party.accounts["branch_secretary"],
        today=TODAY,
    )


def test_an_applicant_walks_all_25_steps_and_becomes_a_full_member(party):
    application = open_application(party)
    assert application.rule_version == "2026-05"
    for number, day, data in WALK:
        record(party, application, number, day, data)
        application.refresh_from_db()
        if number == 17:
            assert application.member.status == MemberStatus.PROBATIONARY
            assert application.member.admitted_on == date(2024, 12, 6)
    member = application.member
    assert application.next_step is None
    assert member.status == MemberStatus.FULL
    assert member.group == party.group
    assert member.full_since == date(2025, 12, 6)  # party age counts from the end of probation
    assert member.party_age(date(2026, 12, 5)) == 0
    assert member.party_age(date(2026, 12, 6)) == 1
    assert LedgerEntry.objects.filter(action__startswith="party.recruitment.step").count() == 25
    assert application.steps.get(number=9).data["introducers"][1]["name"] == "李明"


def test_a_probationary_introducer_is_refused_and_nothing_is_recorded(party):
    application = open_application(party)
    for number, day, data in WALK[:8]:
        record(party, application, number, day, data)
    with pytest.raises(RuleViolation) as refused:
        services.record_recruitment_step(
            application=application,
            number=9,
            day=date(2024, 10, 10),
            documents=["入党介绍人名单"],
            data={"introducers": [party.members[0], party.members[-1]]},
            actor=party.accounts["branch_secretary"],
            today=TODAY,
        )
    assert refused.value.code == "introducers"
    assert "周敏 是预备党员" in refused.value.message
    application.refresh_from_db()
    assert application.next_step == 9
    assert application.steps.count() == 8


def test_pipeline_shows_applications_by_stage(party):
    application = open_application(party)
    for number, day, data in WALK[:3]:
        record(party, application, number, day, data)
    stages = selectors.pipeline(party.branch)
    assert stages["入党积极分子的确定和培养教育"] == [application]


def test_a_member_cannot_apply_again(party):
    with pytest.raises(RuleViolation):
        services.open_application(
            person=party.members[0].person,
            organisation=party.branch,
            birth_date=BIRTH_DATE,
            actor=party.accounts["branch_secretary"],
        )
