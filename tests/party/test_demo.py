from datetime import date

import pytest

from civicgrid.party.demo import seed_party_demo
from civicgrid.party.models import MemberStatus, PartyMember, RecruitmentApplication
from civicgrid.party.selectors import branches_for, dues_overview, own_member

pytestmark = pytest.mark.django_db


def test_demo_party_data_obeys_the_rules_and_is_seeded_once(city):
    today = date(2026, 11, 23)
    demo = seed_party_demo(city.district, seed=7, today=today)
    assert demo.organisations == 2 * (1 + 2 * 3) and demo.applications == 2 * 2 * 3  # 党委, branches, groups
    statuses = set(
        RecruitmentApplication.objects.exclude(member=None).values_list("member__status", flat=True)
    )
    assert statuses == {MemberStatus.FULL, MemberStatus.PROBATIONARY}
    account = city.accounts["party_member"]
    assert own_member(account).person == account.person
    assert branches_for(account).count() == 1  # the demo member serves on her branch's committee
    branch = branches_for(account).get()
    assert any(status.arrears.warning for status in dues_overview(branch, today))
    done = own_member(account).tasks.get()
    assert (done.title, done.outcome) == ("帮独居老人代购药品", "已代购药品并送到老人家中。")
    assert seed_party_demo(city.district, seed=7, today=today) is None
    assert PartyMember.objects.count() == demo.members + 1 + 2 * 2 * 2  # + the demo member and the admitted
