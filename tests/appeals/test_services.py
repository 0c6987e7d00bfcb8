"""Each service: its legal transitions, the refusals (state, role, scope), and that a refusal changes
nothing."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from refusals import refused

from civicgrid.appeals import services
from civicgrid.appeals.deadlines import add_working_days
from civicgrid.appeals.errors import AppealError
from civicgrid.appeals.models import (
    Appeal,
    AppealAssignment,
    AppealEvent,
    AssignmentRole,
    AttachmentKind,
    Callback,
    Channel,
    ExtensionDecision,
    Notification,
    Resolution,
    Satisfaction,
    Status,
    Urgency,
)
from civicgrid.directory.models import Role, Unit, UnitKind
from civicgrid.insight.urgent import assess
from civicgrid.ledger.models import LedgerEntry
from civicgrid.ledger.selectors import verify_chain

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


# --- intake ----------------------------------------------------------------------------------------------


def test_submit_locates_the_point_and_keeps_contact_apart(city, life):
    appeal = life.submit()
    assert appeal.status == Status.RECEIVED
    assert appeal.grid == city.grids[0] and appeal.compound == city.compounds[0]
    assert len(appeal.tracking_code) == 10 and set(appeal.tracking_code) <= set(services.TRACKING_ALPHABET)
    assert appeal.contact.phone == "13912345678"
    event = appeal.events.get()
    assert (event.action, event.from_status, event.to_status) == ("submit", "", Status.RECEIVED)
    assert LedgerEntry.objects.filter(action="appeal.submit", target_id=str(appeal.pk)).exists()


def test_without_a_point_an_address_that_names_a_compound_places_the_appeal(city, life):
    compound = city.compounds[2]
    appeal = life.submit(lat=None, lng=None, address=f"长江路292号{compound.name}3栋门口")
    assert (appeal.compound, appeal.grid) == (compound, compound.grid)
    assert life.submit(lat=None, lng=None, address="长江路292号").grid is None


URGENT_TEXT = "我家楼道里燃气泄漏，气味很大，邻居家里有老人，请马上派人处理。"


def test_an_urgent_case_is_registered_urgent_with_the_words_that_showed_it(city, life):
    appeal = life.submit(title="楼道燃气泄漏", text=URGENT_TEXT)
    assert appeal.urgency == Urgency.URGENT
    event = appeal.events.get(action="submit")
    assert "燃气泄漏" in event.data["urgent_reason"]
    assert life.submit(text="小区门口路灯连续三晚不亮。").urgency == Urgency.NORMAL


def test_an_operators_urgency_and_the_setting_are_respected(city, life, settings):
    assert (
        life.submit(title="楼道燃气泄漏", text=URGENT_TEXT, urgency=Urgency.CRITICAL).urgency
        == Urgency.CRITICAL
    )
    settings.CIVICGRID_RAISE_URGENT_CASES = "none"
    appeal = life.submit(title="楼道燃气泄漏", text=URGENT_TEXT)
    assert appeal.urgency == Urgency.NORMAL
    # Not raised, but the words are kept for the operator to read.
    data = appeal.events.get(action="submit").data
    assert "燃气泄漏" in data["urgent_reason"] and data["urgency_raised"] is False


SUSPECTED_TEXT = "车库里住人，上周失火了，物业不管。"  # a fire in the background: 疑似, not 确定


def test_only_certain_flags_raise_an_appeal_when_the_locality_chooses_precision(city, life, settings):
    settings.CIVICGRID_RAISE_URGENT_CASES = "certain"
    assert life.submit(title="楼道燃气泄漏", text=URGENT_TEXT).urgency == Urgency.URGENT
    assert not assess("车库出租", SUSPECTED_TEXT).certain, "the level model changed: pick another 疑似 text"
    suspected = life.submit(title="车库出租", text=SUSPECTED_TEXT)
    assert suspected.urgency == Urgency.NORMAL
    assert suspected.events.get(action="submit").data["urgent_reason"].startswith("疑似急难险重")
    settings.CIVICGRID_RAISE_URGENT_CASES = "all"
    assert life.submit(title="车库出租", text=SUSPECTED_TEXT).urgency == Urgency.URGENT


def test_submit_with_a_compound_takes_its_grid(city, life):
    appeal = life.submit(lat=None, lng=None, compound=city.compounds[3])
    assert appeal.grid == city.grids[3]


def test_submit_is_idempotent_by_channel_and_external_id(city, life):
    first = life.submit(channel=Channel.HOTLINE, external_id="BJ12345-0001")
    again = life.submit(channel=Channel.HOTLINE, external_id="BJ12345-0001", title="另一个标题")
    assert again.pk == first.pk and again.title == first.title
    other_channel = life.submit(channel=Channel.WECHAT, external_id="BJ12345-0001")
    assert other_channel.pk != first.pk
    assert Appeal.objects.count() == 2


def test_a_repeated_delivery_collides_and_leaves_nothing_behind(city, life):
    first = life.submit(channel=Channel.HOTLINE, external_id="BJ12345-0002", route=True)
    entries = LedgerEntry.objects.count()
    # Not looked up first: the insert collides on (channel, external id), inside a transaction that goes on.
    with transaction.atomic():
        again = life.submit(channel=Channel.HOTLINE, external_id="BJ12345-0002", route=True)
        assert Appeal.objects.count() == 1
    assert again.pk == first.pk
    assert AppealEvent.objects.count() == len(first.events.all()) and LedgerEntry.objects.count() == entries


def test_submit_refuses_bad_input(city, life):
    for fields, code in [
        ({"title": "  "}, "title_required"),
        ({"kind": "rumour"}, "invalid_field"),
        ({"lat": 95.0}, "invalid_location"),
        (
            {"attachments": [SimpleUploadedFile("x.jpg", b"<script>", content_type="image/jpeg")]},
            "attachment_mismatch",
        ),
        (
            {"attachments": [SimpleUploadedFile("x.exe", b"MZ", content_type="application/x-msdownload")]},
            "attachment_type",
        ),
    ]:
        with pytest.raises(AppealError) as error:
            life.submit(**fields)
        assert error.value.code == code
    assert not Appeal.objects.exists()


def test_attachment_size_limit(city, life, settings):
    settings.CIVICGRID_ATTACHMENT_MAX_BYTES = 10
    with pytest.raises(AppealError) as error:
        life.submit(attachments=[SimpleUploadedFile("a.jpg", JPEG, content_type="image/jpeg")])
    assert error.value.code == "attachment_too_large"


def test_photo_attachment_is_stored_under_its_own_name(city, life, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    appeal = life.submit(
        attachments=[SimpleUploadedFile("王小明家门口.jpg", JPEG, content_type="image/jpeg")]
    )
    attachment = appeal.attachments.get()
    assert attachment.kind == AttachmentKind.CITIZEN and attachment.content_type == "image/jpeg"
    assert "王小明" not in attachment.file.name and attachment.file.name.endswith(".jpg")
    assert (tmp_path / attachment.file.name).read_bytes() == JPEG


# --- dispatch, return, sign ------------------------------------------------------------------------------


def test_ordinary_life_to_closing(city, life, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    appeal = life.dispatched()
    assert appeal.status == Status.DISPATCHED and appeal.main_unit == city.units["department"]
    assert appeal.sign_due and appeal.contact_due and appeal.resolve_due
    appeal = services.sign_appeal(appeal, actor=life.handler)
    assert appeal.status == Status.SIGNED and appeal.signed_at
    appeal = services.record_first_contact(appeal, actor=life.handler, note="电话联系了群众")
    assert appeal.status == Status.IN_PROGRESS
    evidence = SimpleUploadedFile("after.jpg", JPEG, content_type="image/jpeg")
    appeal = services.resolve_appeal(appeal, actor=life.handler, reply="已更换灯泡。", evidence=[evidence])
    assert appeal.status == Status.RESOLVED and appeal.reply == "已更换灯泡。"
    assert appeal.attachments.get().kind == AttachmentKind.EVIDENCE
    services.record_callback(
        appeal, resolution=Resolution.RESOLVED, satisfaction=Satisfaction.SATISFIED, actor=life.dispatcher
    )
    appeal = services.close_appeal(appeal, actor=life.dispatcher)
    assert appeal.status == Status.CLOSED and appeal.closed_at
    actions = list(appeal.events.values_list("action", flat=True))
    assert actions == ["submit", "dispatch", "sign", "first_contact", "resolve", "callback", "close"]
    ledgered = LedgerEntry.objects.filter(target_type="appeals.appeal", target_id=str(appeal.pk))
    assert [e.action for e in ledgered] == [f"appeal.{a}" for a in actions]
    assert verify_chain().ok


def test_dispatch_with_assisting_units(city, life):
    appeal = services.dispatch_appeal(
        life.submit(),
        unit=city.units["department"],
        actor=life.dispatcher,
        assisting_units=[city.units["street_office"], city.units["department"]],
    )
    roles = sorted(appeal.assignments.values_list("unit__name", "role"))
    assert roles == [("区城市管理局", AssignmentRole.MAIN), ("第1街道办事处", AssignmentRole.ASSISTING)]


def test_dispatch_refusals(city, life):
    appeal = life.submit()
    department = city.units["department"]
    refused(
        "forbidden_role",
        lambda: services.dispatch_appeal(appeal, unit=department, actor=life.handler),
        appeal,
    )
    refused(
        "forbidden_role",
        lambda: services.dispatch_appeal(appeal, unit=department, actor=city.accounts["citizen"]),
        appeal,
    )
    department.is_active = False
    department.save()
    refused(
        "inactive_unit",
        lambda: services.dispatch_appeal(appeal, unit=department, actor=life.dispatcher),
        appeal,
    )


def test_dispatcher_of_another_area_is_out_of_scope(city, life):
    other = life.account("dispatcher2", Role.DISPATCHER, grid=city.streets[1])
    appeal = life.submit(grid_index=0)
    refused(
        "out_of_scope",
        lambda: services.dispatch_appeal(appeal, unit=city.units["department"], actor=other),
        appeal,
    )


def test_wrong_unit_returns_and_is_redispatched(city, life):
    appeal = life.dispatched()
    refused("reason_required", lambda: services.return_appeal(appeal, actor=life.handler, reason=" "), appeal)
    appeal = services.return_appeal(appeal, actor=life.handler, reason="不属于本单位职责，应由物业处理")
    assert appeal.status == Status.RETURNED and appeal.main_unit is None
    assert not appeal.assignments.filter(is_active=True).exists()
    refused("illegal_transition", lambda: services.sign_appeal(appeal, actor=life.handler), appeal)
    appeal = services.dispatch_appeal(appeal, unit=city.units["property"], actor=life.dispatcher)
    appeal = services.sign_appeal(appeal, actor=city.accounts["property_handler"])
    assert appeal.status == Status.SIGNED
    assert appeal.assignments.count() == 2
    assert (
        appeal.assignments.filter(is_active=True, role=AssignmentRole.MAIN).get().unit
        == city.units["property"]
    )


def test_handler_of_another_unit_cannot_sign(city, life):
    appeal = life.dispatched()
    refused(
        "out_of_scope", lambda: services.sign_appeal(appeal, actor=city.accounts["property_handler"]), appeal
    )


def test_illegal_state_transitions_change_nothing(city, life):
    appeal = life.submit()
    refused("illegal_transition", lambda: services.sign_appeal(appeal, actor=life.handler), appeal)
    refused(
        "illegal_transition", lambda: services.resolve_appeal(appeal, actor=life.handler, reply="x"), appeal
    )
    refused("illegal_transition", lambda: services.close_appeal(appeal, actor=life.dispatcher), appeal)
    signed = life.signed()
    error = refused("illegal_transition", lambda: services.sign_appeal(signed, actor=life.handler), signed)
    assert "已签收" in error.message
    refused(
        "illegal_transition",
        lambda: services.resolve_appeal(signed, actor=life.handler, reply="已处理"),
        signed,
    )


# --- extension -------------------------------------------------------------------------------------------


def test_extension_approved_moves_resolve_due_by_working_days(city, life):
    appeal = life.signed()
    refused(
        "forbidden_role",
        lambda: services.request_extension(appeal, actor=life.dispatcher, working_days=3, reason="需协调"),
        appeal,
    )
    extension = services.request_extension(appeal, actor=life.handler, working_days=3, reason="需协调多部门")
    refused(
        "extension_pending",
        lambda: services.request_extension(appeal, actor=life.handler, working_days=2, reason="再延"),
        appeal,
    )
    refused(
        "forbidden_role",
        lambda: services.decide_extension(extension, actor=life.handler, approve=True),
        appeal,
    )
    before = Appeal.objects.get(pk=appeal.pk).resolve_due
    services.decide_extension(extension, actor=city.accounts["supervisor"], approve=True, note="同意")
    appeal.refresh_from_db()
    extension.refresh_from_db()
    assert extension.decision == ExtensionDecision.APPROVED
    assert appeal.resolve_due == add_working_days(before, 3)
    refused(
        "no_pending_extension",
        lambda: services.decide_extension(extension, actor=life.dispatcher, approve=False),
        appeal,
    )


def test_extension_rejected_keeps_the_deadline(city, life):
    appeal = life.in_progress()
    extension = services.request_extension(appeal, actor=life.handler, working_days=5, reason="材料未到")
    services.decide_extension(extension, actor=life.dispatcher, approve=False, note="不同意")
    assert Appeal.objects.get(pk=appeal.pk).resolve_due == appeal.resolve_due


def test_a_request_nobody_decided_is_withdrawn_when_the_round_is_answered_or_given_back(city, life):
    appeal = life.in_progress()
    pending = services.request_extension(appeal, actor=life.handler, working_days=2, reason="材料未到")
    services.resolve_appeal(appeal, actor=life.handler, reply="已修复。")
    pending.refresh_from_db()
    assert pending.decision == ExtensionDecision.WITHDRAWN and pending.decision_note.startswith("办结时")
    # Given back with a request pending, the next round may still ask for its own.
    returned = life.signed()
    services.request_extension(returned, actor=life.handler, working_days=2, reason="需协调")
    services.return_appeal(returned, actor=life.handler, reason="非本单位职责")
    assert returned.extensions.get().decision == ExtensionDecision.WITHDRAWN
    services.dispatch_appeal(returned, unit=city.units["department"], actor=life.dispatcher)
    services.sign_appeal(returned, actor=life.handler)
    services.request_extension(returned, actor=life.handler, working_days=3, reason="需协调多部门")
    assert returned.extensions.filter(decision=ExtensionDecision.PENDING).count() == 1


# --- callback, reopen, supervision -----------------------------------------------------------------------


def test_unsatisfied_callback_reopens_once_then_goes_to_supervision(city, life):
    appeal = life.called_back(satisfaction=Satisfaction.DISSATISFIED)
    assert appeal.status == Status.DISPATCHED and appeal.reopen_count == 1
    assert appeal.main_unit == city.units["department"] and appeal.signed_at is None
    assert AppealAssignment.objects.filter(appeal=appeal, role=AssignmentRole.MAIN).count() == 2
    assert list(appeal.events.values_list("action", flat=True))[-2:] == ["callback", "reopen"]
    appeal = services.sign_appeal(appeal, actor=life.handler)
    appeal = services.record_first_contact(appeal, actor=life.handler)
    appeal = services.resolve_appeal(appeal, actor=life.handler, reply="再次维修。")
    services.record_callback(
        appeal,
        resolution=Resolution.UNRESOLVED,
        satisfaction=Satisfaction.DISSATISFIED,
        actor=life.dispatcher,
    )
    appeal.refresh_from_db()
    assert appeal.status == Status.CALLED_BACK and appeal.reopen_count == 1 and appeal.is_supervised
    supervision = appeal.supervisions.get()
    assert supervision.is_automatic and "不满意" in supervision.reason
    appeal = services.close_appeal(appeal, actor=city.accounts["supervisor"])
    assert not appeal.is_supervised and appeal.supervisions.get().closed_at


def test_max_reopen_is_configurable(city, life, settings):
    settings.CIVICGRID_APPEALS_MAX_REOPEN = 0
    appeal = life.called_back(satisfaction=Satisfaction.DISSATISFIED)
    assert appeal.status == Status.CALLED_BACK and appeal.is_supervised


def test_citizen_rates_online_with_the_tracking_code(city, life):
    appeal = life.resolved()
    refused(
        "bad_tracking_code",
        lambda: services.record_callback(
            appeal, resolution="resolved", satisfaction="satisfied", tracking_code="WRONGCODE2"
        ),
        appeal,
    )
    callback = services.record_callback(
        appeal,
        resolution=Resolution.PARTLY_RESOLVED,
        satisfaction=Satisfaction.BASICALLY_SATISFIED,
        tracking_code=appeal.tracking_code.lower(),
    )
    assert callback.via == "online" and callback.actor is None and callback.unit == city.units["department"]


def test_callback_by_the_citizen_owner_and_not_by_others(city, life):
    appeal = life.resolved()
    refused(
        "forbidden_role",
        lambda: services.record_callback(
            appeal, resolution="resolved", satisfaction="satisfied", actor=city.accounts["grid_worker"]
        ),
        appeal,
    )
    services.record_callback(
        appeal, resolution="resolved", satisfaction="satisfied", via="online", actor=city.accounts["citizen"]
    )
    assert Callback.objects.get(appeal=appeal).actor == city.accounts["citizen"]


def test_supervise_by_supervisor_once_and_not_by_handler(city, life):
    appeal = life.signed()
    refused(
        "forbidden_role", lambda: services.supervise_appeal(appeal, actor=life.handler, reason="慢"), appeal
    )
    refused(
        "reason_required",
        lambda: services.supervise_appeal(appeal, actor=city.accounts["leader"], reason=""),
        appeal,
    )
    supervision = services.supervise_appeal(appeal, actor=city.accounts["supervisor"], reason="群众多次来电")
    assert supervision.opened_by == city.accounts["supervisor"]
    assert Notification.objects.filter(recipient_unit=city.units["department"]).exists()
    refused(
        "already_supervised",
        lambda: services.supervise_appeal(appeal, actor=city.accounts["supervisor"], reason="再次督办"),
        appeal,
    )


# --- merge -----------------------------------------------------------------------------------------------


def test_merge_duplicate_into_an_open_appeal(city, life):
    original = life.dispatched()
    duplicate = life.submit()
    refused(
        "merge_self",
        lambda: services.merge_appeal(duplicate, into=duplicate, actor=life.dispatcher),
        duplicate,
    )
    refused(
        "forbidden_role",
        lambda: services.merge_appeal(duplicate, into=original, actor=life.handler),
        duplicate,
    )
    merged = services.merge_appeal(duplicate, into=original, actor=life.dispatcher, note="同一路灯")
    assert merged.status == Status.MERGED and merged.merged_into == original
    refused(
        "illegal_transition",
        lambda: services.merge_appeal(merged, into=original, actor=life.dispatcher),
        merged,
    )


def test_merge_into_a_closed_appeal_is_refused(city, life):
    closed = services.close_appeal(life.called_back(), actor=life.dispatcher)
    duplicate = life.submit()
    refused(
        "merge_target_closed",
        lambda: services.merge_appeal(duplicate, into=closed, actor=life.dispatcher),
        duplicate,
    )


# --- 吹哨报到 ---------------------------------------------------------------------------------------------


def test_whistle_with_two_departments(city, life):
    police = Unit.objects.create(name="派出所", kind=UnitKind.GOVERNMENT_DEPARTMENT, grid=city.district)
    appeal = services.dispatch_appeal(life.submit(), unit=city.units["street_office"], actor=life.dispatcher)
    secretary = city.accounts["secretary"]
    refused(
        "illegal_transition",
        lambda: services.blow_whistle(appeal, actor=secretary, units=[police], reason="占道经营"),
        appeal,
    )
    street_handler = life.account("streethandler", Role.DEPARTMENT_HANDLER, unit=city.units["street_office"])
    appeal = services.sign_appeal(appeal, actor=street_handler)
    refused(
        "out_of_scope",
        lambda: services.blow_whistle(appeal, actor=life.handler, units=[police], reason="占道经营"),
        appeal,
    )
    whistle = services.blow_whistle(
        appeal, actor=secretary, units=[city.units["department"], police], reason="占道经营，需联合执法"
    )
    assert whistle.report_due - whistle.blown_at == dt.timedelta(minutes=30)
    assert Notification.objects.filter(recipient_unit=police).count() == 1
    city_summons = whistle.summonses.get(unit=city.units["department"])
    police_summons = whistle.summonses.get(unit=police)
    refused(
        "out_of_scope",
        lambda: services.report_arrival(police_summons, actor=life.handler, action_taken="到场"),
        appeal,
    )
    city_summons = services.report_arrival(city_summons, actor=life.handler, action_taken="清理占道摊位")
    assert city_summons.arrived_on_time
    refused(
        "already_arrived",
        lambda: services.report_arrival(city_summons, actor=life.handler, action_taken="再次"),
        appeal,
    )
    refused(
        "invalid_rating",
        lambda: services.rate_whistle_response(city_summons, actor=secretary, rating=6),
        appeal,
    )
    refused(
        "forbidden_role",
        lambda: services.rate_whistle_response(city_summons, actor=city.accounts["grid_worker"], rating=5),
        appeal,
    )
    rated = services.rate_whistle_response(city_summons, actor=secretary, rating=5)
    assert rated.rating == 5
    services.rate_whistle_response(police_summons, actor=street_handler, rating=1, note="未到场")
    refused("already_rated", lambda: services.rate_whistle_response(rated, actor=secretary, rating=4), appeal)
    actions = list(appeal.events.values_list("action", flat=True))
    assert actions[-4:] == ["blow_whistle", "report_arrival", "rate_whistle", "rate_whistle"]
