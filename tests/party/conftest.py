"""Party fixtures on the small city: a community 党委 in the first community with a compound branch and a
党小组, members with accounts, and a second committee and branch in another street (outside the scope of the
first community's people)."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pytest
from smallcity import PASSWORD, make_account

from civicgrid.directory.models import Person, Role
from civicgrid.directory.services import assign_role, create_account
from civicgrid.party import services
from civicgrid.party.models import CommitteeRole, MemberStatus, Organisation, PartyMember
from civicgrid.party.rules.dues import DuesCategory
from civicgrid.party.rules.structure import OrganisationKind

NAMES = ["王红", "李明", "张伟", "刘洋", "陈静", "杨帆", "赵亮", "黄磊"]


@dataclass
class PartyCity:
    city: object
    committee: Organisation
    branch: Organisation
    group: Organisation
    other_committee: Organisation
    other_branch: Organisation
    members: list[PartyMember] = field(default_factory=list)
    accounts: dict[str, object] = field(default_factory=dict)

    @property
    def branch_secretary(self) -> PartyMember:
        return self.members[0]


def add_member(
    branch, name, *, status=MemberStatus.FULL, admitted_on=date(2010, 7, 1), **kwargs
) -> PartyMember:
    person = Person.objects.create(name=name, phone="13912345678", home_grid=branch.compound.grid)
    return services.register_member(
        person=person,
        organisation=branch,
        status=status,
        admitted_on=admitted_on,
        full_since=date(admitted_on.year + 1, admitted_on.month, admitted_on.day)
        if status == MemberStatus.FULL
        else None,
        dues_category=kwargs.pop("dues_category", DuesCategory.EMPLOYED),
        dues_base=kwargs.pop("dues_base", Decimal("4000")),
        dues_from=kwargs.pop("dues_from", date(2026, 1, 1)),
        **kwargs,
    )


def build_party_city(city) -> PartyCity:
    committee = services.create_organisation(
        name="第1街道1社区党委",
        kind=OrganisationKind.COMMITTEE,
        grid=city.communities[0],
        community_based=True,
        founded_on=date(2020, 1, 1),
        term_start=date(2024, 1, 10),
    )
    branch = services.create_organisation(
        name="幸福1号小区党支部",
        kind=OrganisationKind.BRANCH,
        parent=committee,
        compound=city.compounds[0],
        founded_on=date(2021, 1, 1),
        term_start=date(2024, 3, 1),
    )
    group = services.create_organisation(
        name="第一党小组", kind=OrganisationKind.GROUP, parent=branch, founded_on=date(2021, 1, 1)
    )
    other_committee = services.create_organisation(
        name="第2街道1社区党委",
        kind=OrganisationKind.COMMITTEE,
        grid=city.communities[2],
        community_based=True,
        founded_on=date(2020, 1, 1),
    )
    other_branch = services.create_organisation(
        name="幸福5号小区党支部",
        kind=OrganisationKind.BRANCH,
        parent=other_committee,
        compound=city.compounds[4],
        founded_on=date(2021, 1, 1),
    )
    party = PartyCity(city, committee, branch, group, other_committee, other_branch)
    party.members = [add_member(branch, name) for name in NAMES]
    party.members.append(
        add_member(branch, "周敏", status=MemberStatus.PROBATIONARY, admitted_on=date(2026, 3, 1))
    )
    services.appoint_committee_member(
        organisation=branch,
        member=party.members[0],
        role=CommitteeRole.SECRETARY,
        term_start=date(2024, 3, 1),
    )
    for member, role in zip(
        party.members[1:3], [CommitteeRole.ORGANISATION, CommitteeRole.PUBLICITY], strict=True
    ):
        services.appoint_committee_member(
            organisation=branch, member=member, role=role, term_start=date(2024, 3, 1)
        )
    add_member(other_branch, "钱进")

    party.accounts["branch_secretary"] = account_for(party.members[0], "branchsecretary")
    party.accounts["member"] = account_for(party.members[4], "memberchen")
    party.accounts["community_secretary"] = city.accounts["secretary"]
    party.accounts["other_secretary"] = make_account(
        "othersecretary", "其他社区书记", Role.COMMUNITY_SECRETARY, grid=city.communities[2]
    )
    party.accounts["admin"] = city.accounts["admin"]
    return party


def account_for(member: PartyMember, username: str):
    account = create_account(
        person=member.person, username=username, password=PASSWORD, must_change_password=False
    )
    assign_role(account=account, role=Role.PARTY_MEMBER, grid=member.person.home_grid)
    return account


@pytest.fixture
def party(city) -> PartyCity:
    return build_party_city(city)
