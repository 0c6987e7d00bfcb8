"""Who sees which appeal, contact masking, the queues and the public tracking view."""

import pytest
from django.http import Http404

from civicgrid.appeals import selectors, services
from civicgrid.appeals.models import Satisfaction, Status
from civicgrid.directory.models import Role


def test_area_roles_see_appeals_in_their_subtree(city, life):
    in_community_1 = life.submit(grid_index=0)
    in_street_2 = life.submit(grid_index=5)
    for name in ("leader", "supervisor", "dispatcher", "admin"):
        assert set(selectors.appeals_for(city.accounts[name])) == {in_community_1, in_street_2}, name
    assert set(selectors.appeals_for(city.accounts["secretary"])) == {in_community_1}
    assert set(selectors.appeals_for(city.accounts["grid_worker"])) == {in_community_1}


def test_handlers_see_their_units_appeals_only(city, life):
    mine = life.dispatched()
    other = services.dispatch_appeal(life.submit(), unit=city.units["property"], actor=life.dispatcher)
    assert list(selectors.appeals_for(life.handler)) == [mine]
    assert selectors.appeal_for(life.handler, mine.pk) == mine
    with pytest.raises(Http404):
        selectors.appeal_for(life.handler, other.pk)
    returned = services.return_appeal(mine, actor=life.handler, reason="非本单位职责")
    # A returned appeal stays visible to the unit that handled it, but leaves its inbox.
    assert returned in selectors.appeals_for(life.handler)
    assert returned not in selectors.handler_inbox(life.handler)


def test_citizen_sees_her_own_submissions_only(city, life):
    mine = life.submit()
    someone_elses = life.submit(actor=None)
    assert list(selectors.appeals_for(city.accounts["citizen"])) == [mine]
    with pytest.raises(Http404):
        selectors.appeal_for(city.accounts["citizen"], someone_elses.pk)
    assert not selectors.appeals_for(city.accounts["party_member"]).exists()


def test_unlocated_appeals_reach_dispatchers_supervisors_and_leaders_only(city, life):
    unlocated = life.submit(lat=None, lng=None, actor=None)
    assert unlocated.grid is None
    assert unlocated in selectors.appeals_for(city.accounts["dispatcher"])
    assert unlocated in selectors.appeals_for(city.accounts["supervisor"])
    assert unlocated in selectors.appeals_for(city.accounts["leader"])
    assert unlocated not in selectors.appeals_for(city.accounts["secretary"])


def test_queues_and_inbox(city, life):
    normal = life.submit()
    critical = life.submit(urgency="critical")
    dispatched = life.dispatched()
    assert selectors.dispatcher_queue(life.dispatcher) == [critical, normal]
    assert list(selectors.handler_inbox(life.handler)) == [dispatched]
    assert not selectors.handler_inbox(city.accounts["property_handler"]).exists()


def test_summoned_department_sees_the_appeal_in_its_inbox(city, life):
    appeal = services.dispatch_appeal(life.submit(), unit=city.units["street_office"], actor=life.dispatcher)
    street_handler = life.account("streethandler", Role.DEPARTMENT_HANDLER, unit=city.units["street_office"])
    appeal = services.sign_appeal(appeal, actor=street_handler)
    assert appeal not in selectors.appeals_for(life.handler)
    services.blow_whistle(appeal, actor=street_handler, units=[city.units["department"]], reason="联合执法")
    assert list(selectors.handler_inbox(life.handler)) == [appeal]
    assert "report_arrival" in selectors.allowed_actions(life.handler, appeal)


def test_supervision_board_and_pending_extensions_follow_scope(city, life):
    appeal = life.signed()
    services.supervise_appeal(appeal, actor=city.accounts["supervisor"], reason="群众反映强烈")
    assert [s.appeal for s in selectors.supervision_board(city.accounts["leader"])] == [appeal]
    assert not selectors.supervision_board(city.accounts["property_handler"]).exists()
    services.request_extension(appeal, actor=life.handler, working_days=2, reason="等待配件")
    assert selectors.pending_extensions(life.dispatcher).count() == 1
    outsider = life.account("dispatcher2", Role.DISPATCHER, grid=city.streets[1])
    assert not selectors.pending_extensions(outsider).exists()


def test_contact_is_shown_in_full_only_to_those_who_call_the_citizen(city, life):
    appeal = life.dispatched()
    full = selectors.appeal_contact_for(life.dispatcher, appeal)
    assert (full.name, full.phone, full.masked) == ("王小明", "13912345678", False)
    assert selectors.appeal_contact_for(life.handler, appeal).phone == "13912345678"
    masked = selectors.appeal_contact_for(city.accounts["leader"], appeal)
    assert (masked.name, masked.phone, masked.masked) == ("王**", "139****5678", True)
    anonymous = services.dispatch_appeal(
        life.submit(is_anonymous=True), unit=city.units["department"], actor=life.dispatcher
    )
    assert selectors.appeal_contact_for(life.handler, anonymous).masked
    assert not selectors.appeal_contact_for(life.dispatcher, anonymous).masked


def test_public_tracking_view_exposes_no_personal_data_or_staff(city, life):
    appeal = life.resolved()
    view = selectors.appeal_by_tracking_code(f" {appeal.tracking_code.lower()} ")
    assert view.status == Status.RESOLVED and view.can_rate and view.reply == "已修复路灯。"
    assert [e.label for e in view.events] == ["受理", "派单", "签收", "首次联系", "办结"]
    exposed = repr(view)
    assert "13912345678" not in exposed and "王小明" not in exposed and "部门承办人" not in exposed
    with pytest.raises(Http404):
        selectors.appeal_by_tracking_code("NOSUCHCODE")


def test_allowed_actions_for_screens(city, life):
    appeal = life.resolved()
    assert selectors.allowed_actions(life.dispatcher, appeal) == ["callback"]
    assert selectors.allowed_actions(city.accounts["supervisor"], appeal) == ["supervise"]
    assert selectors.allowed_actions(city.accounts["citizen"], appeal) == ["callback"]
    services.record_callback(
        appeal, resolution="resolved", satisfaction=Satisfaction.SATISFIED, actor=life.dispatcher
    )
    appeal.refresh_from_db()
    assert selectors.allowed_actions(life.dispatcher, appeal) == ["close"]
