"""改派: the dispatcher takes a dispatched appeal back from a unit that has not signed it and sends it to
another. In time, the withdrawn round leaves the old unit's 响应率; late, it counts as it stood."""

import datetime as dt

from refusals import refused

from civicgrid.appeals import scoring, selectors, services
from civicgrid.appeals.models import Appeal, AppealAssignment, AssignmentRole, Notification, Status
from civicgrid.appeals.scoring import Period
from civicgrid.ledger.models import LedgerEntry


def redispatch(appeal, actor, unit, reason="属街道职责，改派街道办", **fields):
    return services.redispatch_appeal(appeal, unit=unit, actor=actor, reason=reason, **fields)


def this_month() -> Period:
    today = dt.date.today()
    return Period.month(today.year, today.month)


def test_an_unsigned_appeal_moves_to_another_unit_with_fresh_deadlines(city, life):
    department, street_office = city.units["department"], city.units["street_office"]
    appeal = services.dispatch_appeal(
        life.submit(), unit=department, actor=life.dispatcher, assisting_units=[city.units["property"]]
    )
    first_due = appeal.sign_due
    company = city.units["property"]
    appeal = redispatch(appeal, life.dispatcher, street_office, assisting_units=[company])
    assert (appeal.status, appeal.main_unit) == (Status.DISPATCHED, street_office)
    assert appeal.sign_due >= first_due and appeal.signed_at is None
    rounds = list(AppealAssignment.objects.filter(appeal=appeal).order_by("pk"))
    old_main, old_assisting, new_main, new_assisting = rounds
    assert (old_main.unit, old_main.withdrawn, old_main.is_active) == (department, True, False)
    assert old_main.ended_at == appeal.dispatched_at
    # The old round's 协办 ends with it, unmarked: only a 主办 round counts in 响应率.
    assert (old_assisting.is_active, old_assisting.withdrawn) == (False, False)
    assert (new_main.role, new_main.unit, new_main.is_active) == (AssignmentRole.MAIN, street_office, True)
    assert (new_assisting.unit, new_assisting.role) == (company, AssignmentRole.ASSISTING)
    event = appeal.events.get(action="redispatch")
    assert event.note == "属街道职责，改派街道办"
    assert event.data["from_unit_name"] == department.name and event.data["unit_name"] == street_office.name
    assert event.data["counted"] is False
    assert LedgerEntry.objects.filter(action="appeal.redispatch", target_id=str(appeal.pk)).exists()
    told = Notification.objects.get(recipient_unit=department)
    assert "已改派至" in told.text and street_office.name in told.text
    # The 协办 unit kept is not told it was dropped.
    assert not Notification.objects.filter(recipient_unit=company).exists()
    # The old unit still sees the appeal (its part is on record) but no longer holds it.
    handler = city.accounts["handler"]
    assert selectors.appeals_for(handler).filter(pk=appeal.pk).exists()
    assert not selectors.handler_inbox(handler).filter(pk=appeal.pk).exists()


def test_an_assisting_unit_left_out_of_the_new_round_is_told(city, life):
    department, company = city.units["department"], city.units["property"]
    appeal = services.dispatch_appeal(
        life.submit(), unit=department, actor=life.dispatcher, assisting_units=[company]
    )
    redispatch(appeal, life.dispatcher, city.units["street_office"])
    assert "本单位不再协办" in Notification.objects.get(recipient_unit=company).text


def test_a_round_withdrawn_in_time_leaves_the_old_units_response_rate(city, life):
    department, street_office = city.units["department"], city.units["street_office"]
    redispatch(life.dispatched(), life.dispatcher, street_office)
    tallies = scoring.tallies("unit", this_month())
    assert department.pk not in tallies
    assert (tallies[street_office.pk].dispatched, tallies[street_office.pk].responded) == (1, 0)


def test_a_round_withdrawn_after_its_sign_deadline_counts_as_unanswered(city, life):
    department, street_office = city.units["department"], city.units["street_office"]
    appeal = life.dispatched()
    past = appeal.dispatched_at - dt.timedelta(minutes=1)
    appeal.sign_due = past
    appeal.save()
    AppealAssignment.objects.filter(appeal=appeal).update(sign_due=past)
    appeal = redispatch(appeal, life.dispatcher, street_office, reason="超时未签收，改派")
    assert appeal.events.get(action="redispatch").data["counted"] is True
    tallies = scoring.tallies("unit", this_month())
    assert (tallies[department.pk].dispatched, tallies[department.pk].responded) == (1, 0)


def test_a_property_company_is_not_ranked_on_an_appeal_taken_back_in_time(city, life):
    company = city.units["property"]
    appeal = services.dispatch_appeal(life.submit(), unit=company, actor=life.dispatcher)
    redispatch(appeal, life.dispatcher, city.units["department"])
    ranked = {row.figures.unit_id: row.figures for row in scoring.rank_property_companies(this_month())}
    assert ranked[company.pk].quantity == 0


def test_redispatch_refusals_change_nothing(city, life):
    appeal = life.dispatched()
    department, street_office = city.units["department"], city.units["street_office"]
    dispatcher = life.dispatcher
    refused("reason_required", lambda: redispatch(appeal, dispatcher, street_office, reason=" "), appeal)
    refused("same_unit", lambda: redispatch(appeal, dispatcher, department), appeal)
    refused("forbidden_role", lambda: redispatch(appeal, city.accounts["handler"], street_office), appeal)
    street_office.is_active = False
    street_office.save()
    refused("inactive_unit", lambda: redispatch(appeal, dispatcher, street_office), appeal)
    # Once signed the unit holds it: it returns the appeal (退回) if it is not its business.
    signed = services.sign_appeal(life.dispatched(), actor=life.handler)
    refused("illegal_transition", lambda: redispatch(signed, dispatcher, city.units["property"]), signed)


def test_the_tracking_page_shows_the_redispatch_and_the_new_unit(city, life):
    appeal = redispatch(life.dispatched(), life.dispatcher, city.units["street_office"])
    public = selectors.appeal_by_tracking_code(appeal.tracking_code)
    assert [event.label for event in public.events] == ["受理", "派单", "改派"]
    assert public.unit == city.units["street_office"].name
    assert Appeal.objects.get(pk=appeal.pk).status == Status.DISPATCHED


def test_merging_a_dispatched_duplicate_withdraws_its_round_as_redispatch_does(city, life):
    department = city.units["department"]
    original, duplicate = life.dispatched(), life.dispatched(title="路灯坏了")
    services.merge_appeal(duplicate, into=original, actor=life.dispatcher)
    withdrawn = AppealAssignment.objects.get(appeal=duplicate)
    assert (withdrawn.withdrawn, withdrawn.is_active) == (True, False)
    assert duplicate.events.get(action="merge").data["counted"] is False
    assert f"已合并至{original.tracking_code}" in Notification.objects.get(recipient_unit=department).text
    assert scoring.tallies("unit", this_month())[department.pk].dispatched == 1  # the original alone
    # A duplicate merged before anyone dispatched it had no round to withdraw.
    received = life.submit(title="又一盏路灯")
    services.merge_appeal(received, into=original, actor=life.dispatcher)
    assert "counted" not in received.events.get(action="merge").data
