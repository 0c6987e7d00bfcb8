"""Writes of the appeals domain. Every action on an appeal runs in one transaction that locks the appeal,
passes the workflow gate (state, role, scope: workflow.check_transition), changes the rows, appends an
AppealEvent and a 留痕 ledger entry. An action that raises changes nothing.

`actor=None` is the platform itself (auto-dispatch, the deadline sweep); only actions whose transition admits
SYSTEM accept it.
"""

import datetime as dt
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from civicgrid.directory.models import Role, Unit
from civicgrid.directory.phones import normalised_phone
from civicgrid.directory.scope import Scope, scope_of
from civicgrid.grid.addresses import compound_named_in
from civicgrid.grid.locate import locate
from civicgrid.insight.urgent import assess as assess_urgency
from civicgrid.ledger.services import append as append_to_ledger
from civicgrid.ledger.services import entry as ledger_entry
from civicgrid.ledger.services import record as record_in_ledger

from . import workflow
from .attachments import EXTENSIONS, check_attachment
from .conf import appeals_setting
from .deadlines import DeadlinePolicy, add_working_days, appeal_due_state, due_milestones, sla_deadlines
from .dispatching import DispatchChoice
from .errors import AppealError, WorkflowError
from .models import (
    Appeal,
    AppealAssignment,
    AppealAttachment,
    AppealContact,
    AppealEvent,
    AssignmentRole,
    AttachmentKind,
    Callback,
    CallbackVia,
    Category,
    Channel,
    DispatchRule,
    DispatchRuleVersion,
    DueState,
    ExtensionDecision,
    ExtensionRequest,
    Kind,
    Notification,
    Resolution,
    Satisfaction,
    Status,
    Supervision,
    Urgency,
    Whistle,
    WhistleSummons,
)
from .routing import routing_table
from .selectors import dispatch_suggestion, notifications_for
from .urgency import flag_record, raises_urgency

# Unambiguous when read aloud or copied by hand: no 0/O, 1/I/L; 31^10 ≈ 8·10^14 codes, not guessable.
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TRACKING_CODE_LENGTH = 10
# Someone who holds an appeal's tracking code acts as its citizen (online callback) without an account.
CODE_HOLDER = Scope(
    everything=False, grid_paths=(), unit_ids=frozenset(), person_id=None, roles=frozenset({Role.CITIZEN})
)


def new_tracking_code() -> str:
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_CODE_LENGTH))


def appeal_link(appeal: Appeal) -> str:
    return reverse("appeals:detail", args=[appeal.pk])


# --- the gate and the trace ----------------------------------------------------------------------------


def _locked(appeal: Appeal) -> Appeal:
    """The appeal re-read under a row lock: every decision is taken on its committed state."""
    return (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("grid", "main_unit", "category", "compound")
        .get(pk=appeal.pk)
    )


def _standing(appeal: Appeal, actor, *, summoned=frozenset(), tracking_code: str | None = None):
    if tracking_code is not None:
        if not secrets.compare_digest(tracking_code.strip().upper(), appeal.tracking_code):
            raise WorkflowError("bad_tracking_code", "查询码不正确。")
        return workflow.Standing.of(appeal, CODE_HOLDER, summoned=summoned, is_owner=True)
    account = _acting_account(actor)
    return workflow.Standing.of(
        appeal,
        None if actor is None else scope_of(actor),
        summoned=summoned,
        is_owner=account is not None and appeal.created_by_id == account.pk,
    )


def _authorize(appeal: Appeal, action: str, actor, **standing) -> workflow.Transition:
    return workflow.check_transition(action, appeal.status, _standing(appeal, actor, **standing))


@dataclass(frozen=True)
class Step:
    """One action as the appeal's timeline and the ledger record it."""

    transition: workflow.Transition
    from_status: str
    to_status: str
    note: str = ""
    data: dict = field(default_factory=dict)


def _trace(
    appeal: Appeal,
    transition: workflow.Transition,
    actor,
    *,
    at: dt.datetime,
    from_status: str,
    note: str = "",
    data: dict | None = None,
) -> AppealEvent:
    """Record one action: the appeal's timeline event and its 留痕 ledger entry."""
    return _trace_steps(appeal, actor, at, [Step(transition, from_status, appeal.status, note, data or {})])[
        0
    ]


def _trace_steps(appeal: Appeal, actor, at: dt.datetime, steps: Sequence[Step]) -> list[AppealEvent]:
    """Record actions taken together (intake and routing): their events and ledger entries, in order."""
    events = AppealEvent.objects.bulk_create(
        [
            AppealEvent(
                appeal=appeal,
                action=step.transition.action,
                actor=actor,
                at=at,
                note=step.note,
                from_status=step.from_status,
                to_status=step.to_status,
                data=step.data,
            )
            for step in steps
        ]
    )
    append_to_ledger(
        [
            ledger_entry(
                f"appeal.{step.transition.action}",
                target=appeal,
                actor=actor,
                payload={"from": step.from_status, "to": step.to_status, "note": step.note, **step.data},
            )
            for step in steps
        ]
    )
    return events


def _apply(
    appeal: Appeal,
    transition: workflow.Transition,
    actor,
    *,
    at: dt.datetime,
    note: str = "",
    data: dict | None = None,
) -> AppealEvent:
    """Move the appeal to the transition's target (if any), refresh its due state, save and trace."""
    from_status = appeal.status
    if transition.target is not None:
        appeal.status = transition.target
    appeal.due_state = _due_state(appeal, at)
    appeal.save()
    return _trace(appeal, transition, actor, at=at, from_status=from_status, note=note, data=data)


def _due_state(appeal: Appeal, at: dt.datetime) -> str:
    return appeal_due_state(
        at, appeal.status, appeal.dispatched_at, appeal.sign_due, appeal.contact_due, appeal.resolve_due
    )


def _required(text: str, code: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise AppealError(code, message)
    return text


def _acting_account(actor):
    return actor if actor is not None and actor.is_authenticated else None


def notify(*, text: str, link: str = "", unit: Unit | None = None, account=None) -> Notification:
    # Stamped by this module's clock, as events are (the demo replays lives on a clock of its own).
    return Notification.objects.create(
        recipient_unit=unit, recipient_account=account, text=text, link=link, created_at=timezone.now()
    )


def mark_notifications_read(actor, pks: Iterable[int] | None = None) -> int:
    """Mark the actor's unread notifications read: those named, or all. A unit's notification is read for
    its whole staff once one of them has opened it, as a shared in-tray is. Returns how many changed."""
    unread = notifications_for(actor).filter(read_at=None)
    if pks is not None:
        unread = unread.filter(pk__in=pks)
    return unread.update(read_at=timezone.now())


# --- intake --------------------------------------------------------------------------------------------


def _choice(value: str, choices, field: str) -> str:
    if value not in choices.values:
        raise AppealError("invalid_field", f"{field}“{value}”无效。")
    return value


def submit_appeal(**fields) -> Appeal:
    """register_appeal() for callers that need not know whether the appeal is new."""
    return register_appeal(**fields)[0]


@transaction.atomic
def register_appeal(
    *,
    channel: str,
    kind: str,
    title: str,
    text: str,
    actor=None,
    category: Category | None = None,
    urgency: str = Urgency.NORMAL,
    lat: float | None = None,
    lng: float | None = None,
    address: str = "",
    grid=None,
    compound=None,
    is_anonymous: bool = False,
    contact_name: str = "",
    contact_phone: str = "",
    contact_address: str = "",
    external_id: str = "",
    received_at: dt.datetime | None = None,
    attachments: Sequence[UploadedFile] = (),
    route: bool = False,
) -> tuple[Appeal, bool]:
    """Register an appeal from any channel: (appeal, created). Idempotent by (channel, external_id): a repeat
    returns the appeal first registered, not created. A point without grid or compound is located on the
    grid; without a point, an address that names a compound places it there. With `route` the dispatch
    rules send it on in the same transaction (it is stored already dispatched, after its `submit` and
    `dispatch` events); unmatched, it waits in the dispatcher's queue."""
    external_id = external_id.strip()
    _choice(channel, Channel, "渠道")
    _choice(kind, Kind, "诉求类型")
    _choice(urgency, Urgency, "紧急程度")
    title = _required(title, "title_required", "请填写诉求标题。")[:200]
    text = _required(text, "text_required", "请填写诉求内容。")
    if (lat is None) != (lng is None) or (lat is not None and not (-90 <= lat <= 90 and -180 <= lng <= 180)):
        raise AppealError("invalid_location", "位置坐标无效。")
    try:
        contact_phone = normalised_phone(contact_phone)
    except ValueError as error:
        raise AppealError("invalid_phone", str(error)) from error
    uploads = [(upload, check_attachment(upload)) for upload in attachments]
    if compound is not None and grid is None:
        grid = compound.grid
    grid_id, compound_id = getattr(grid, "pk", None), getattr(compound, "pk", None)
    if lat is not None and grid is None and compound is None:
        location = locate(lat, lng)
        grid_id, compound_id = location.grid_id, location.compound_id
    elif lat is None and grid is None and compound is None and (named := compound_named_in(address)):
        # No point, but the address names a compound: "长江路292号嘉禾佳园".
        compound_id, grid_id = named
    now = timezone.now()
    flagged = None
    if urgency == Urgency.NORMAL:
        flagged = assess_urgency(title, text, year=timezone.localtime(received_at or now).year)
        if raises_urgency(flagged, appeals_setting("RAISE_URGENT_CASES")):
            urgency = Urgency.URGENT
    appeal = Appeal(
        tracking_code=new_tracking_code(),
        channel=channel,
        external_id=external_id,
        kind=kind,
        category=category,
        title=title,
        text=text,
        lat=lat,
        lng=lng,
        address=address.strip(),
        grid_id=grid_id,
        compound_id=compound_id,
        urgency=urgency,
        is_anonymous=is_anonymous,
        received_at=received_at or now,
        created_by=_acting_account(actor),
    )
    if grid is not None:
        appeal.grid = grid
    steps = [
        Step(
            workflow.TRANSITIONS["submit"],
            "",
            Status.RECEIVED,
            data={
                "channel": channel,
                "external_id": external_id,
                "grid": grid_id,
                "compound": compound_id,
                **(flag_record(flagged, urgency == Urgency.URGENT) if flagged else {}),
            },
        )
    ]
    unit = _route(appeal, now, steps) if route else None
    if external_id:
        try:
            with transaction.atomic():
                appeal.save(force_insert=True)
        except IntegrityError:
            # Delivered before (rare, so not looked up first): the first delivery stands.
            existing = Appeal.objects.filter(channel=channel, external_id=external_id).first()
            if existing is None:
                raise
            return existing, False
    else:
        appeal.save(force_insert=True)
    if contact_name or contact_phone or contact_address:
        AppealContact.objects.create(
            appeal=appeal,
            name=contact_name.strip(),
            phone=contact_phone,
            address_detail=contact_address.strip(),
        )
    _store_attachments(appeal, uploads, AttachmentKind.CITIZEN, actor, now)
    if unit is not None:
        _assign(appeal, unit, (), now)
    _trace_steps(appeal, _acting_account(actor), now, steps)
    return appeal, True


def _route(appeal: Appeal, at: dt.datetime, steps: list[Step]) -> Unit | None:
    """Auto-dispatch a new appeal before it is first stored: its round opens on it and the `dispatch` step
    joins `steps`. Returns the 主办 unit, or None when the rules leave it to the dispatcher."""
    table = routing_table()
    if appeal.grid_id is not None and not Appeal.grid.is_cached(appeal):
        appeal.grid = table.grids[appeal.grid_id]
    grid_path = appeal.grid.path if appeal.grid_id is not None else None
    lineage = table.lineage(appeal.category)
    choice = table.choice(lineage, grid_path, appeal.compound_id)
    if choice.unit_id is None:
        return None
    unit = table.units[choice.unit_id]
    standing = workflow.Standing(scope=None, grid_path=grid_path, main_unit_id=None, main_unit_kind=None)
    transition = workflow.check_transition("dispatch", appeal.status, standing)
    _open_round(appeal, unit, at, table.policy(lineage, appeal.urgency))
    appeal.status = transition.target
    appeal.due_state = _due_state(appeal, at)
    data = _dispatch_data(unit, (), choice.rule_id)
    steps.append(Step(transition, Status.RECEIVED, appeal.status, _auto_note(choice), data))
    return unit


def _store_attachments(appeal, uploads, kind, actor, at) -> list[AppealAttachment]:
    stored = []
    for upload, content_type in uploads:
        attachment = AppealAttachment(
            appeal=appeal,
            kind=kind,
            token=secrets.token_hex(16),
            extension=EXTENSIONS[content_type],
            content_type=content_type,
            size=upload.size,
            uploaded_by=_acting_account(actor),
            uploaded_at=at,
        )
        attachment.file.save(upload.name, upload, save=False)
        attachment.save()
        stored.append(attachment)
    return stored


# --- dispatch ------------------------------------------------------------------------------------------


def _end_assignments(appeal: Appeal, at: dt.datetime) -> None:
    appeal.assignments.filter(is_active=True).update(is_active=False, ended_at=at)


def _start_round(appeal: Appeal, unit: Unit, assisting_units: Iterable[Unit], at: dt.datetime) -> None:
    """Give an appeal nobody holds a fresh round of handling: one 主办, its 协办, deadlines from now."""
    table = routing_table()
    _open_round(appeal, unit, at, table.policy(table.lineage(appeal.category), appeal.urgency))
    _assign(appeal, unit, assisting_units, at)


def _open_round(appeal: Appeal, unit: Unit, at: dt.datetime, policy: DeadlinePolicy) -> None:
    due = sla_deadlines(at, policy)
    appeal.main_unit = unit
    appeal.dispatched_at = at
    appeal.signed_at = appeal.first_contact_at = appeal.resolved_at = appeal.called_back_at = None
    appeal.sign_due, appeal.contact_due, appeal.resolve_due = due.sign_due, due.contact_due, due.resolve_due


def _assign(appeal: Appeal, unit: Unit, assisting_units: Iterable[Unit], at: dt.datetime) -> None:
    AppealAssignment.objects.bulk_create(
        [
            AppealAssignment(
                appeal=appeal, unit=unit, role=AssignmentRole.MAIN, assigned_at=at, sign_due=appeal.sign_due
            )
        ]
        + [
            AppealAssignment(appeal=appeal, unit=u, role=AssignmentRole.ASSISTING, assigned_at=at)
            for u in assisting_units
        ]
    )


def _clear_round(appeal: Appeal, at: dt.datetime) -> None:
    """The appeal leaves handling (returned, merged): nobody holds it and no deadline runs."""
    _end_assignments(appeal, at)
    appeal.main_unit = None
    appeal.dispatched_at = appeal.signed_at = appeal.first_contact_at = None
    appeal.sign_due = appeal.contact_due = appeal.resolve_due = None


@transaction.atomic
def dispatch_appeal(
    appeal: Appeal, *, unit: Unit, actor, assisting_units: Sequence[Unit] = (), note: str = ""
) -> Appeal:
    """派单: send the appeal to `unit` as 主办, with `assisting_units` as 协办."""
    return _dispatch(_locked(appeal), unit, actor, assisting_units, note=note)


def _dispatch(appeal: Appeal, unit: Unit, actor, assisting_units=(), *, note: str, rule_id=None) -> Appeal:
    transition = _authorize(appeal, "dispatch", actor)
    assisting = _assisting(unit, assisting_units)
    now = timezone.now()
    _start_round(appeal, unit, assisting, now)
    _apply(
        appeal,
        transition,
        actor,
        at=now,
        note=note,
        data=_dispatch_data(unit, assisting, rule_id),
    )
    return appeal


def _assisting(unit: Unit, assisting_units: Iterable[Unit]) -> list[Unit]:
    """The 协办 units of a dispatch to `unit` (each once, not the 主办 itself); refused if any is inactive."""
    assisting = [u for u in dict.fromkeys(assisting_units) if u.pk != unit.pk]
    inactive = [u.name for u in [unit, *assisting] if not u.is_active]
    if inactive:
        raise AppealError("inactive_unit", f"单位“{'、'.join(inactive)}”已停用，不能派单。")
    return assisting


@transaction.atomic
def redispatch_appeal(
    appeal: Appeal, *, unit: Unit, actor, assisting_units: Sequence[Unit] = (), reason: str
) -> Appeal:
    """改派: take a dispatched appeal back from its 主办 unit before that unit signs it, and send it to
    `unit` with fresh deadlines. Withdrawn before its sign deadline, the round leaves the old unit's 响应率
    (the dispatch was wrong, the unit was not late); withdrawn after it, the round counts as unanswered, as
    it stood."""
    appeal = _locked(appeal)
    transition = _authorize(appeal, "redispatch", actor)
    reason = _required(reason, "reason_required", "改派须说明理由。")
    previous = appeal.main_unit
    if unit.pk == previous.pk:
        raise AppealError("same_unit", f"诉求已派给“{unit.name}”，改派请选择其他主办单位。")
    assisting = _assisting(unit, assisting_units)
    # 协办 units the new round leaves out are told so, as the old 主办 is.
    kept = [unit.pk, *(u.pk for u in assisting)]
    dropped = appeal.assignments.filter(is_active=True, role=AssignmentRole.ASSISTING).exclude(unit__in=kept)
    dropped_units = [a.unit for a in dropped.select_related("unit")]
    now = timezone.now()
    counted = _withdraw_round(appeal, now, f"已改派至{unit.name}")
    for dropped_unit in dropped_units:
        notify(
            unit=dropped_unit,
            text=f"诉求{appeal.tracking_code}“{appeal.title}”已改派至{unit.name}，本单位不再协办。",
            link=appeal_link(appeal),
        )
    _start_round(appeal, unit, assisting, now)
    data = {"from_unit": previous.pk, "from_unit_name": previous.name, "counted": counted}
    _apply(appeal, transition, actor, at=now, note=reason, data=data | _dispatch_data(unit, assisting, None))
    return appeal


def _withdraw_round(appeal: Appeal, at: dt.datetime, what: str) -> bool:
    """The dispatcher takes back a round its unit has not signed (改派, 合并): it ends marked withdrawn and
    the unit is told it need not act. Returns whether the round still counts in the unit's 响应率 (its
    sign deadline had passed)."""
    appeal.assignments.filter(is_active=True, role=AssignmentRole.MAIN).update(withdrawn=True)
    _end_assignments(appeal, at)
    notify(
        unit=appeal.main_unit,
        text=f"诉求{appeal.tracking_code}“{appeal.title}”{what}，本单位无需办理。",
        link=appeal_link(appeal),
    )
    return at > appeal.sign_due


def _dispatch_data(unit: Unit, assisting: Sequence[Unit], rule_id: int | None) -> dict:
    return {
        "unit": unit.pk,
        "unit_name": unit.name,
        "assisting": [u.pk for u in assisting],
        "assisting_names": [u.name for u in assisting],
        "rule": rule_id,
    }


@transaction.atomic
def auto_dispatch(appeal: Appeal) -> Appeal:
    """Dispatch a received appeal by the dispatch rules; unmatched (or conflicting) it stays received, in the
    dispatcher's queue. New appeals are routed by submit_appeal(route=True) in the same transaction."""
    appeal = _locked(appeal)
    if appeal.status != Status.RECEIVED:
        raise WorkflowError(
            "illegal_transition", f"诉求当前状态为“{Status(appeal.status).label}”，不能自动派单。"
        )
    choice = dispatch_suggestion(appeal)
    if choice.unit_id is None:
        return appeal
    unit = routing_table().units[choice.unit_id]
    return _dispatch(appeal, unit, None, note=_auto_note(choice), rule_id=choice.rule_id)


def _auto_note(choice: DispatchChoice) -> str:
    return f"自动派单：{choice.reason}"


@transaction.atomic
def amend_appeal(
    appeal: Appeal, *, actor, category: Category | None, grid=None, compound=None, reason: str
) -> Appeal:
    """更正: the dispatcher corrects the category, grid and compound that intake recorded (a hotline
    operator's slip, an appeal that could not be located). A compound places the appeal on its own grid. The
    round in progress keeps its deadlines, as the unit was given them; the dashboards move the appeal's
    counts to its new category and grid."""
    appeal = _locked(appeal)
    transition = _authorize(appeal, "amend", actor)
    reason = _required(reason, "reason_required", "更正须说明理由。")
    # A correction puts the right value in; it never takes what intake found away.
    if category is None and appeal.category_id is not None:
        raise AppealError("category_required", "不能清除已登记的分类，请选择正确的分类。")
    if grid is None and compound is None and appeal.grid_id is not None:
        raise AppealError("place_required", "不能清除已定位的位置，请选择正确的网格或小区。")
    if compound is not None:
        if grid is not None and not compound.grid.path.startswith(grid.path):
            raise AppealError("compound_outside_grid", f"小区“{compound.name}”不在网格“{grid.name}”内。")
        grid = compound.grid
    changes = {
        name: [_named(getattr(appeal, name)), _named(value)]
        for name, value in (("category", category), ("grid", grid), ("compound", compound))
        if getattr(appeal, f"{name}_id") != getattr(value, "pk", None)
    }
    if not changes:
        raise AppealError("nothing_amended", "分类和位置都与原来相同，没有需要更正的内容。")
    appeal.category, appeal.grid, appeal.compound = category, grid, compound
    _apply(appeal, transition, actor, at=timezone.now(), note=reason, data=changes)
    return appeal


def _named(row) -> dict | None:
    """A row as an event records it: its id and the name it had then, a category's with its ancestors
    (民政 › 其他 and 政法 › 其他 are different categories)."""
    if row is None:
        return None
    if isinstance(row, Category):
        ancestors = Category.objects.in_bulk(row.ancestor_ids)
        return {"id": row.pk, "name": " › ".join(ancestors[pk].name for pk in row.ancestor_ids)}
    return {"id": row.pk, "name": str(row)}


@transaction.atomic
def return_appeal(appeal: Appeal, *, actor, reason: str) -> Appeal:
    """退回: the 主办 unit sends the appeal back to the dispatcher (not its business), with a reason."""
    appeal = _locked(appeal)
    transition = _authorize(appeal, "return", actor)
    reason = _required(reason, "reason_required", "退回须说明理由。")
    now = timezone.now()
    unit_id = appeal.main_unit_id
    _withdraw_pending_extension(appeal, now, "退回时尚未审批，自动撤回。")
    _clear_round(appeal, now)
    _apply(appeal, transition, actor, at=now, note=reason, data={"unit": unit_id})
    return appeal


# --- handling ------------------------------------------------------------------------------------------


@transaction.atomic
def sign_appeal(appeal: Appeal, *, actor, note: str = "") -> Appeal:
    """签收: the 主办 unit accepts the appeal."""
    appeal = _locked(appeal)
    transition = _authorize(appeal, "sign", actor)
    now = timezone.now()
    appeal.signed_at = now
    appeal.assignments.filter(is_active=True, role=AssignmentRole.MAIN).update(signed_at=now)
    _apply(appeal, transition, actor, at=now, note=note, data={"on_time": now <= appeal.sign_due})
    return appeal


@transaction.atomic
def record_first_contact(appeal: Appeal, *, actor, note: str = "") -> Appeal:
    """首次联系: the handler has reached the citizen; handling is under way."""
    appeal = _locked(appeal)
    transition = _authorize(appeal, "first_contact", actor)
    now = timezone.now()
    appeal.first_contact_at = now
    _apply(appeal, transition, actor, at=now, note=note, data={"on_time": now <= appeal.contact_due})
    return appeal


@transaction.atomic
def request_extension(appeal: Appeal, *, actor, working_days: int, reason: str) -> ExtensionRequest:
    """申请延期 of the resolve deadline by `working_days`."""
    appeal = _locked(appeal)
    transition = _authorize(appeal, "request_extension", actor)
    reason = _required(reason, "reason_required", "申请延期须说明理由。")
    if not isinstance(working_days, int) or working_days < 1:
        raise AppealError("invalid_field", "延期天数须为正整数。")
    if appeal.extensions.filter(decision=ExtensionDecision.PENDING).exists():
        raise WorkflowError("extension_pending", "已有待审批的延期申请。")
    now = timezone.now()
    extension = ExtensionRequest.objects.create(
        appeal=appeal,
        unit=appeal.main_unit,
        working_days=working_days,
        reason=reason,
        requested_by=actor,
        requested_at=now,
    )
    _apply(
        appeal, transition, actor, at=now, note=reason, data={"extension": extension.pk, "days": working_days}
    )
    return extension


@transaction.atomic
def decide_extension(
    extension: ExtensionRequest, *, actor, approve: bool, note: str = ""
) -> ExtensionRequest:
    """审批延期: approval moves the resolve deadline by the requested working days."""
    appeal = _locked(extension.appeal)
    transition = _authorize(appeal, "decide_extension", actor)
    extension = ExtensionRequest.objects.select_for_update().get(pk=extension.pk)
    if extension.decision != ExtensionDecision.PENDING:
        raise WorkflowError("no_pending_extension", "该延期申请已审批。")
    now = timezone.now()
    extension.decision = ExtensionDecision.APPROVED if approve else ExtensionDecision.REJECTED
    extension.decided_by, extension.decided_at, extension.decision_note = actor, now, note.strip()
    extension.save()
    data = {"extension": extension.pk, "approved": approve}
    if approve:
        previous = appeal.resolve_due
        appeal.resolve_due = add_working_days(previous, extension.working_days)
        data |= {"previous_due": previous.isoformat(), "resolve_due": appeal.resolve_due.isoformat()}
    _apply(appeal, transition, actor, at=now, note=note, data=data)
    return extension


def _withdraw_pending_extension(appeal: Appeal, at: dt.datetime, note: str) -> None:
    """The round is answered or given back: a request nobody decided has nothing left to extend (and would
    block the next round's request)."""
    appeal.extensions.filter(decision=ExtensionDecision.PENDING).update(
        decision=ExtensionDecision.WITHDRAWN, decided_at=at, decision_note=note
    )


@transaction.atomic
def resolve_appeal(appeal: Appeal, *, actor, reply: str, evidence: Sequence[UploadedFile] = ()) -> Appeal:
    """办结: the 主办 unit answers the citizen, with evidence of what was done (photos, documents)."""
    appeal = _locked(appeal)
    transition = _authorize(appeal, "resolve", actor)
    appeal.reply = _required(reply, "reply_required", "办结须填写答复意见。")
    uploads = [(upload, check_attachment(upload)) for upload in evidence]
    now = timezone.now()
    appeal.resolved_at = now
    _withdraw_pending_extension(appeal, now, "办结时尚未审批，自动撤回。")
    stored = _store_attachments(appeal, uploads, AttachmentKind.EVIDENCE, actor, now)
    _apply(
        appeal,
        transition,
        actor,
        at=now,
        note=appeal.reply,
        data={"on_time": now <= appeal.resolve_due, "evidence": [a.pk for a in stored]},
    )
    return appeal


# --- callback and closing ------------------------------------------------------------------------------


@transaction.atomic
def record_callback(
    appeal: Appeal,
    *,
    resolution: str,
    satisfaction: str,
    via: str = CallbackVia.PHONE,
    actor=None,
    tracking_code: str | None = None,
    note: str = "",
) -> Callback:
    """回访 by a dispatcher (phone) or by the citizen online (own account or tracking code). 不满意 reopens
    the appeal to the same unit up to CIVICGRID_APPEALS_MAX_REOPEN times, then puts it on the 督办 board."""
    appeal = _locked(appeal)
    _choice(resolution, Resolution, "是否解决")
    _choice(satisfaction, Satisfaction, "是否满意")
    _choice(via, CallbackVia, "回访方式")
    if tracking_code is not None:
        via = CallbackVia.ONLINE
    transition = _authorize(appeal, "callback", actor, tracking_code=tracking_code)
    now = timezone.now()
    account = _acting_account(actor)
    callback = Callback.objects.create(
        appeal=appeal,
        unit=appeal.main_unit,
        resolution=resolution,
        satisfaction=satisfaction,
        via=via,
        note=note.strip(),
        actor=account,
        at=now,
    )
    appeal.called_back_at = now
    _apply(
        appeal,
        transition,
        account,
        at=now,
        note=note,
        data={"callback": callback.pk, "resolution": resolution, "satisfaction": satisfaction, "via": via},
    )
    if satisfaction == Satisfaction.DISSATISFIED:
        if appeal.reopen_count < appeals_setting("APPEALS_MAX_REOPEN"):
            _reopen(appeal, now)
        elif not appeal.supervisions.filter(closed_at=None).exists():
            _open_supervision(
                appeal, None, f"回访不满意，已重办{appeal.reopen_count}次，转督办。", automatic=True, at=now
            )
    return callback


def _reopen(appeal: Appeal, at: dt.datetime) -> None:
    """重办: back to the same units for another round, with fresh deadlines."""
    transition = _authorize(appeal, "reopen", None)
    assisting = [
        a.unit
        for a in appeal.assignments.filter(is_active=True, role=AssignmentRole.ASSISTING).select_related(
            "unit"
        )
    ]
    appeal.reopen_count += 1
    _end_assignments(appeal, at)
    _start_round(appeal, appeal.main_unit, assisting, at)
    _apply(
        appeal,
        transition,
        None,
        at=at,
        note="回访不满意，自动重办。",
        data={"reopen_count": appeal.reopen_count, "unit": appeal.main_unit_id},
    )


@transaction.atomic
def close_appeal(appeal: Appeal, *, actor, note: str = "") -> Appeal:
    """归档 after the callback; any open 督办 ends with it."""
    appeal = _locked(appeal)
    transition = _authorize(appeal, "close", actor)
    now = timezone.now()
    appeal.closed_at = now
    appeal.supervisions.filter(closed_at=None).update(closed_at=now)
    appeal.is_supervised = False
    _apply(appeal, transition, actor, at=now, note=note)
    return appeal


# --- supervision and merging ---------------------------------------------------------------------------


def _open_supervision(appeal: Appeal, actor, reason: str, *, automatic: bool, at: dt.datetime) -> Supervision:
    transition = _authorize(appeal, "supervise", actor)
    supervision = Supervision.objects.create(
        appeal=appeal, reason=reason, is_automatic=automatic, opened_by=actor, opened_at=at
    )
    appeal.is_supervised = True
    _apply(
        appeal,
        transition,
        actor,
        at=at,
        note=reason,
        data={"supervision": supervision.pk, "automatic": automatic},
    )
    if appeal.main_unit_id:
        notify(
            unit=appeal.main_unit,
            text=f"诉求{appeal.tracking_code}被督办：{reason}",
            link=appeal_link(appeal),
        )
    return supervision


@transaction.atomic
def supervise_appeal(appeal: Appeal, *, actor, reason: str) -> Supervision:
    """督办 by a supervisor or leader."""
    appeal = _locked(appeal)
    _authorize(appeal, "supervise", actor)
    reason = _required(reason, "reason_required", "督办须说明理由。")
    if appeal.supervisions.filter(closed_at=None).exists():
        raise WorkflowError("already_supervised", "该诉求已在督办中。")
    return _open_supervision(appeal, actor, reason, automatic=False, at=timezone.now())


PARTY_ACTIONS = frozenset({"party_task", "party_help"})


@transaction.atomic
def record_party_help(appeal: Appeal, *, action: str, actor=None, note: str = "", data=None) -> AppealEvent:
    """双报到 on the appeal's timeline: a community secretary turns it into a task for the party members
    reported to her community ("party_task"), or the platform records that a member did it ("party_help",
    actor None: the party service vouches for the member, who cannot see the appeal itself)."""
    if action not in PARTY_ACTIONS:
        raise WorkflowError("illegal_transition", "不是双报到动作。")
    appeal = _locked(appeal)
    transition = _authorize(appeal, action, actor)
    return _trace(
        appeal, transition, actor, at=timezone.now(), from_status=appeal.status, note=note, data=data
    )


@transaction.atomic
def merge_appeal(appeal: Appeal, *, into: Appeal, actor, note: str = "") -> Appeal:
    """合并: `appeal` duplicates `into` (still open, also in the actor's scope) and stops being handled. A
    round not yet signed is withdrawn, as by 改派."""
    if appeal.pk == into.pk:
        raise WorkflowError("merge_self", "不能将诉求合并到其自身。")
    # Lock both in id order so two dispatchers merging a pair crosswise cannot deadlock.
    first, second = sorted([appeal, into], key=lambda a: a.pk)
    locked = {a.pk: a for a in (_locked(first), _locked(second))}
    appeal, into = locked[appeal.pk], locked[into.pk]
    transition = _authorize(appeal, "merge", actor)
    if into.status not in workflow.OPEN_STATUSES:
        raise WorkflowError(
            "merge_target_closed", f"目标诉求状态为“{Status(into.status).label}”，不能合并到它。"
        )
    workflow.check_actor(transition, _standing(into, actor))
    now = timezone.now()
    appeal.merged_into = into
    data = {"into": into.pk, "into_code": into.tracking_code}
    if appeal.status == Status.DISPATCHED:
        data["counted"] = _withdraw_round(appeal, now, f"已合并至{into.tracking_code}")
    _clear_round(appeal, now)
    _apply(appeal, transition, actor, at=now, note=note, data=data)
    return appeal


# --- 吹哨报到 -------------------------------------------------------------------------------------------


@transaction.atomic
def blow_whistle(appeal: Appeal, *, actor, units: Sequence[Unit], reason: str) -> Whistle:
    """吹哨: a street office or community summons departments; each must report within
    CIVICGRID_WHISTLE_REPORT_MINUTES."""
    appeal = _locked(appeal)
    transition = _authorize(appeal, "blow_whistle", actor)
    reason = _required(reason, "reason_required", "吹哨须说明事由。")
    units = list(dict.fromkeys(units))
    if not units:
        raise AppealError("units_required", "请选择要召集的部门。")
    now = timezone.now()
    whistle = Whistle.objects.create(
        appeal=appeal,
        reason=reason,
        blown_by=actor,
        blown_at=now,
        report_due=now + dt.timedelta(minutes=appeals_setting("WHISTLE_REPORT_MINUTES")),
    )
    WhistleSummons.objects.bulk_create([WhistleSummons(whistle=whistle, unit=unit) for unit in units])
    due = timezone.localtime(whistle.report_due)
    for unit in units:
        notify(
            unit=unit,
            text=f"吹哨报到：诉求{appeal.tracking_code}，请于{due:%H:%M}前到场。{reason}",
            link=appeal_link(appeal),
        )
    _apply(
        appeal,
        transition,
        actor,
        at=now,
        note=reason,
        data={"whistle": whistle.pk, "units": [u.pk for u in units], "unit_names": [u.name for u in units]},
    )
    return whistle


@transaction.atomic
def report_arrival(summons: WhistleSummons, *, actor, action_taken: str = "") -> WhistleSummons:
    """报到: a summoned department is on site; records what it did."""
    appeal = _locked(summons.whistle.appeal)
    summons = WhistleSummons.objects.select_for_update().select_related("whistle").get(pk=summons.pk)
    transition = _authorize(appeal, "report_arrival", actor, summoned={summons.unit_id})
    if summons.arrived_at is not None:
        raise WorkflowError("already_arrived", "该部门已报到。")
    now = timezone.now()
    summons.arrived_at, summons.arrived_by, summons.action_taken = now, actor, action_taken.strip()
    summons.save()
    _apply(
        appeal,
        transition,
        actor,
        at=now,
        note=summons.action_taken,
        data={"summons": summons.pk, "unit": summons.unit_id, "on_time": summons.arrived_on_time},
    )
    return summons


@transaction.atomic
def rate_whistle_response(summons: WhistleSummons, *, actor, rating: int, note: str = "") -> WhistleSummons:
    """The community rates a summoned department's response, 1 (poor) to 5 (excellent), once."""
    appeal = _locked(summons.whistle.appeal)
    summons = WhistleSummons.objects.select_for_update().get(pk=summons.pk)
    transition = _authorize(appeal, "rate_whistle", actor)
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise AppealError("invalid_rating", "评价须为 1 至 5 分。")
    if summons.rating is not None:
        raise WorkflowError("already_rated", "已评价过该部门。")
    now = timezone.now()
    summons.rating, summons.rated_by, summons.rated_at = rating, actor, now
    summons.save()
    _apply(appeal, transition, actor, at=now, note=note, data={"summons": summons.pk, "rating": rating})
    return summons


# --- dispatch rules ------------------------------------------------------------------------------------


@transaction.atomic
def save_dispatch_rule(
    *,
    actor,
    unit: Unit,
    rule: DispatchRule | None = None,
    category: Category | None = None,
    grid=None,
    compound=None,
    is_active: bool = True,
) -> DispatchRule:
    """Create or change a dispatch rule (administrators only); the rule's history keeps every version."""
    if not scope_of(actor).everything:
        raise WorkflowError("forbidden_role", "只有系统管理员可以修改派单规则。")
    rule = rule if rule is not None else DispatchRule()
    before = (
        None if rule.pk is None else _rule_state(DispatchRule.objects.select_for_update().get(pk=rule.pk))
    )
    rule.category, rule.grid, rule.compound, rule.unit, rule.is_active = (
        category,
        grid,
        compound,
        unit,
        is_active,
    )
    rule.version += 1
    rule.save()
    after = _rule_state(rule)
    DispatchRuleVersion.objects.create(rule=rule, version=rule.version, changed_by=actor, **after)
    record_in_ledger(
        "dispatch_rule.change",
        target=rule,
        actor=actor,
        payload={"before": before, "after": after, "version": rule.version},
    )
    return rule


def _rule_state(rule: DispatchRule) -> dict:
    return {
        "category_id": rule.category_id,
        "grid_id": rule.grid_id,
        "compound_id": rule.compound_id,
        "unit_id": rule.unit_id,
        "is_active": rule.is_active,
    }


# --- the deadline sweep --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeadlineSweep:
    checked: int
    near_due: int
    overdue: int
    supervised: int


def refresh_due_states(*, now: dt.datetime | None = None) -> DeadlineSweep:
    """Mark near-due and overdue appeals, notify their 主办 unit of each change, and put every appeal that
    becomes overdue on the 督办 board (once per appeal: an automatic supervision is never opened twice)."""
    now = now or timezone.now()
    handling = Appeal.objects.filter(status__in=[Status.DISPATCHED, Status.SIGNED, Status.IN_PROGRESS])
    checked = near = overdue = supervised = 0
    rows = handling.values_list(
        "pk", "status", "due_state", "dispatched_at", "sign_due", "contact_due", "resolve_due"
    ).iterator()
    for pk, status, old, dispatched_at, sign_due, contact_due, resolve_due in rows:
        checked += 1
        if appeal_due_state(now, status, dispatched_at, sign_due, contact_due, resolve_due) == old:
            continue
        with transaction.atomic():
            # Decided again on the locked row: the appeal may have moved on since the scan read it.
            appeal = _locked(Appeal(pk=pk))
            new = appeal_due_state(
                now,
                appeal.status,
                appeal.dispatched_at,
                appeal.sign_due,
                appeal.contact_due,
                appeal.resolve_due,
            )
            if new == appeal.due_state:
                continue
            # save(), not update(): the dashboards' rollups follow appeal writes through model signals.
            appeal.due_state = new
            appeal.save(update_fields=["due_state", "updated_at"])
            if new == DueState.NEAR_DUE:
                near += 1
                _notify_due(appeal, "即将超期")
            elif new == DueState.OVERDUE:
                overdue += 1
                _notify_due(appeal, "已超期")
                if not appeal.supervisions.filter(Q(is_automatic=True) | Q(closed_at=None)).exists():
                    reason = f"{_overdue_milestone(appeal, now)}超期，系统自动督办。"
                    _open_supervision(appeal, None, reason, automatic=True, at=now)
                    supervised += 1
    return DeadlineSweep(checked=checked, near_due=near, overdue=overdue, supervised=supervised)


def _overdue_milestone(appeal: Appeal, now: dt.datetime) -> str:
    """The first deadline the appeal has missed (签收, 首次联系, 办结), as its badge names it: an appeal
    left unsigned is 签收超期, not 办理超期."""
    milestones = due_milestones(
        now, appeal.status, appeal.dispatched_at, appeal.sign_due, appeal.contact_due, appeal.resolve_due
    )
    return next((name for name, state in milestones if state == DueState.OVERDUE), "办理")


def _notify_due(appeal: Appeal, what: str) -> None:
    notify(
        unit=appeal.main_unit,
        text=f"诉求{appeal.tracking_code}“{appeal.title}”{what}。",
        link=appeal_link(appeal),
    )
