"""The admin adds organisations, members and committee posts through the services, showing rule breaches as
form errors; it never changes or deletes them."""

from datetime import date

import pytest
from django.urls import reverse

from civicgrid.ledger.models import LedgerEntry
from civicgrid.party.models import Organisation, PartyMember, StudyCourse

pytestmark = pytest.mark.django_db


def test_admin_adds_an_organisation_through_the_service(party, client):
    client.force_login(party.accounts["admin"])
    url = reverse("admin:party_organisation_add")
    data = {
        "name": "幸福2号小区党支部",
        "kind": "group",
        "parent": party.committee.pk,
        "founded_on": "2026-11-01",
    }
    response = client.post(url, data)
    assert "党小组的上级应为党支部" in response.content.decode()
    response = client.post(url, {**data, "kind": "branch", "compound": party.city.compounds[1].pk})
    assert response.status_code == 302
    branch = Organisation.objects.get(name="幸福2号小区党支部")
    assert branch.path == f"{party.committee.path}{branch.pk}/"
    assert LedgerEntry.objects.filter(action="party.organisation.create", target_id=str(branch.pk)).exists()
    change = client.post(
        reverse("admin:party_organisation_change", args=[branch.pk]), {**data, "name": "改名"}
    )
    assert change.status_code == 403


def test_admin_member_form_checks_the_probation_year(party, client):
    client.force_login(party.accounts["admin"])
    person = party.city.accounts["citizen"].person
    data = {
        "person": person.pk,
        "organisation": party.branch.pk,
        "status": "full",
        "admitted_on": "2020-07-01",
        "full_since": "2021-06-30",
        "dues_category": "retired",
        "dues_base": "4000",
        "dues_from": "2026-01-01",
    }
    response = client.post(reverse("admin:party_partymember_add"), data)
    assert "须不早于 2021年7月1日" in response.content.decode()
    client.post(reverse("admin:party_partymember_add"), {**data, "full_since": "2021-07-01"})
    member = PartyMember.objects.get(person=person)
    assert member.full_since == date(2021, 7, 1) and member.party_age(date(2026, 7, 1)) == 5


def test_admin_refuses_a_probationary_committee_member(party, client):
    client.force_login(party.accounts["admin"])
    data = {
        "organisation": party.branch.pk,
        "member": party.members[-1].pk,
        "role": "member",
        "term_start": "2026-11-01",
    }
    response = client.post(reverse("admin:party_committeemember_add"), data)
    assert "预备党员没有被选举权" in response.content.decode()


def test_admin_records_study_with_its_points(party, client):
    course = StudyCourse.objects.create(title="党章学习", hours=4)
    client.force_login(party.accounts["admin"])
    data = {
        "member": party.members[4].pk,
        "course": course.pk,
        "studied_on": "2026-10-01",
        "hours": "4",
        "quiz_score": "88",
    }
    assert client.post(reverse("admin:party_studyrecord_add"), data).status_code == 302
    assert party.members[4].points.get().reason == "study_hour"
