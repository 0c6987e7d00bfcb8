"""Every select on the party screens opens on a Chinese prompt, never Django's "---------"."""

from decimal import Decimal

import pytest
from django.urls import reverse

from civicgrid.directory.models import Unit
from civicgrid.party import forms
from civicgrid.party.models import Organisation, PartyMember, StudyCourse, VolunteerPost
from civicgrid.party.rules.recruitment import rule_set

pytestmark = pytest.mark.django_db


def every_party_form() -> list[forms.PartyForm]:
    members, organisations, rules = PartyMember.objects.all(), Organisation.objects.all(), rule_set()
    return [
        forms.ApplicationForm(),
        *(
            forms.RecruitmentStepForm(step=rules.step(n), rules=rules, members=members, groups=organisations)
            for n in range(1, 26)
        ),
        forms.MeetingForm(members=members, due=members[:2]),
        forms.DuesPaymentForm(members=members),
        forms.VoluntaryDuesForm(members=members),
        forms.DuesReductionForm(members=members),
        forms.PointsForm(members=members),
        forms.StudyForm(),
        forms.VolunteerShiftForm(members=members, posts=VolunteerPost.objects.all()),
        forms.ElectionForm(members=members),
        forms.AppraisalForm(members=members),
        forms.TransferForm(members=members, destinations=organisations),
        forms.MailboxForm(),
        forms.CommunityTaskForm(),
        forms.UnitReportForm(units=Unit.objects.all()),
        forms.TaskCompletionForm(),
        forms.AppealTaskForm(),
    ]


def test_every_party_select_opens_on_a_chinese_prompt(party):
    built = every_party_form()
    # A new form must join the list above, so that its selects are checked too.
    assert {type(f) for f in built} == set(forms.PartyForm.__subclasses__())
    for form in built:
        html = str(form)
        assert "---------" not in html, type(form).__name__
    prompts = {
        name: field.empty_label
        for form in built
        for name, field in form.fields.items()
        if hasattr(field, "empty_label")
    }
    assert prompts["member"] == "请选择党员" and prompts["course"] == "请选择课程"
    assert prompts["chair"] == "请选择主持人" and prompts["group"] == "暂不编入党小组"


def test_the_mine_and_branch_pages_show_no_dashes(party, client):
    StudyCourse.objects.create(title="党章学习", hours=Decimal(4))
    client.force_login(party.accounts["member"])
    page = client.get(reverse("party:mine")).content.decode()
    assert '<option value="" selected>请选择课程</option>' in page and "---------" not in page
    client.force_login(party.accounts["branch_secretary"])
    page = client.get(reverse("party:branch", args=[party.branch.pk])).content.decode()
    assert "请选择党员" in page and "---------" not in page
