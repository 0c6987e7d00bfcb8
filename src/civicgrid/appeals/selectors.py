"""Reads of appeals, always through the actor's scope (directory/scope.py).

Who sees which appeals:
- area roles: appeals whose grid lies in their subtrees; dispatchers, supervisors and leaders also
  unlocated ones;
- department handlers: appeals their unit is or was assigned to, or summoned for (吹哨报到); staff of a street
  office or community committee also those in the area their unit governs;
- everyone: the appeals they submitted themselves;
- administrators: all.
Outside the scope an appeal does not exist for the actor: `appeal_for` raises Http404.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from civicgrid.directory.scope import scope_of
from civicgrid.insight.classifier import Prediction, classify
from civicgrid.insight.duplicates import DEFAULT_WINDOW as DUPLICATE_WINDOW
from civicgrid.insight.duplicates import AppealRecord, DuplicateIndex, DuplicateMatch

from . import workflow
from .dispatching import DispatchChoice
from .models import (
    Appeal,
    AppealAssignment,
    AppealAttachment,
    AppealContact,
    AppealEvent,
    Category,
    DueState,
    ExtensionDecision,
    ExtensionRequest,
    Notification,
    Status,
    Supervision,
    WhistleSummons,
)
from .privacy import contact_visible, mask_name, mask_phone
from .routing import routing_table

URGENCY_ORDER = ["critical", "urgent", "normal"]


def appeals_for(actor) -> QuerySet[Appeal]:
    scope = scope_of(actor)
    appeals = Appeal.objects.select_related("category", "grid", "main_unit")
    if scope.everything:
        return appeals
    visible = scope.grid_q("grid__path")
    if workflow.sees_unlocated(scope):
        visible |= Q(grid__isnull=True)
    if scope.unit_ids:
        visible |= Exists(
            AppealAssignment.objects.filter(appeal=OuterRef("pk"), unit_id__in=scope.unit_ids)
        ) | Exists(WhistleSummons.objects.filter(whistle__appeal=OuterRef("pk"), unit_id__in=scope.unit_ids))
    if actor is not None and actor.is_authenticated:
        visible |= Q(created_by=actor)
    return appeals.filter(visible)


def appeal_for(actor, pk: int) -> Appeal:
    return get_object_or_404(appeals_for(actor), pk=pk)


def attachment_of(appeal: Appeal, pk: int) -> AppealAttachment:
    """One file of an appeal the caller has already been allowed to see."""
    return get_object_or_404(appeal.attachments, pk=pk)


def _by_urgency_then_age(appeals: QuerySet[Appeal]) -> list[Appeal]:
    # Critical first, then the longest waiting: the order a dispatcher works through a queue.
    return sorted(appeals, key=lambda a: (URGENCY_ORDER.index(a.urgency), a.received_at, a.pk))


def unsigned_past_due(actor) -> QuerySet[Appeal]:
    """Dispatched appeals their 主办 unit has not signed by the sign deadline, longest overdue first: the
    dispatcher presses the unit, or takes the appeal back (改派) when it went to the wrong one."""
    return (
        appeals_for(actor)
        .filter(status=Status.DISPATCHED, sign_due__lt=timezone.now())
        .order_by("sign_due", "pk")
    )


def dispatcher_queue(actor) -> list[Appeal]:
    """Appeals waiting for a dispatcher: received and not auto-dispatched, or returned by a unit."""
    return _by_urgency_then_age(appeals_for(actor).filter(status__in=[Status.RECEIVED, Status.RETURNED]))


def handler_inbox(actor) -> QuerySet[Appeal]:
    """Appeals the actor's units handle now (主办 or 协办) or must report to (吹哨报到), nearest deadline
    first."""
    units = scope_of(actor).unit_ids
    current = Exists(
        AppealAssignment.objects.filter(appeal=OuterRef("pk"), unit_id__in=units, is_active=True)
    )
    summoned = Exists(
        WhistleSummons.objects.filter(whistle__appeal=OuterRef("pk"), unit_id__in=units, arrived_at=None)
    )
    handling = [Status.DISPATCHED, Status.SIGNED, Status.IN_PROGRESS]
    return (
        appeals_for(actor)
        .filter((current & Q(status__in=handling)) | summoned)
        .order_by("resolve_due", "received_at", "pk")
    )


def supervision_board(actor) -> QuerySet[Supervision]:
    """Open 督办 cases on appeals in the actor's scope, overdue first."""
    return (
        Supervision.objects.filter(closed_at=None, appeal__in=appeals_for(actor))
        .select_related("appeal", "appeal__main_unit", "appeal__grid", "opened_by")
        .order_by("appeal__resolve_due", "opened_at")
    )


def pending_extensions(actor) -> QuerySet[ExtensionRequest]:
    return ExtensionRequest.objects.filter(
        decision=ExtensionDecision.PENDING, appeal__in=appeals_for(actor)
    ).select_related("appeal", "unit", "requested_by")


def overdue_appeals(actor) -> QuerySet[Appeal]:
    return appeals_for(actor).filter(due_state__in=[DueState.NEAR_DUE, DueState.OVERDUE])


def appeal_timeline(appeal: Appeal) -> QuerySet[AppealEvent]:
    """Every event of an appeal (already read through `appeal_for`), oldest first."""
    return appeal.events.select_related("actor", "actor__person").order_by("at", "pk")


@dataclass(frozen=True)
class HandOffs:
    """How often appeals left a unit's hands in a period without being handled there."""

    returned: int  # 退回 by the unit: not its business, it says
    redispatched: int  # 改派 away from it by the dispatcher before it signed


def hand_offs(actor, unit_id: int, start: dt.datetime, end: dt.datetime) -> HandOffs:
    """退回 and 改派 of the unit's appeals between `start` and `end`, among the appeals the actor sees."""
    events = AppealEvent.objects.filter(at__gte=start, at__lt=end, appeal__in=appeals_for(actor))
    return HandOffs(
        returned=events.filter(action="return", data__unit=unit_id).count(),
        redispatched=events.filter(action="redispatch", data__from_unit=unit_id).count(),
    )


def allowed_actions(actor, appeal: Appeal) -> list[str]:
    """Workflow actions the actor may take on the appeal now (screens show these buttons only)."""
    summoned = WhistleSummons.objects.filter(whistle__appeal=appeal, arrived_at=None).values_list(
        "unit_id", flat=True
    )
    standing = workflow.Standing.of(
        appeal,
        scope_of(actor),
        summoned=summoned,
        is_owner=actor.is_authenticated and appeal.created_by_id == actor.pk,
    )
    return workflow.allowed_actions(appeal.status, standing)


@dataclass(frozen=True)
class ContactView:
    name: str
    phone: str
    address_detail: str
    masked: bool


def appeal_contact_for(actor, appeal: Appeal) -> ContactView | None:
    """The citizen's contact as the actor may see it: in full for those who call the citizen, else masked."""
    contact = AppealContact.objects.filter(appeal=appeal).first()
    if contact is None:
        return None
    assigned = frozenset(appeal.assignments.filter(is_active=True).values_list("unit_id", flat=True))
    if contact_visible(scope_of(actor), is_anonymous=appeal.is_anonymous, assigned_unit_ids=assigned):
        return ContactView(contact.name, contact.phone, contact.address_detail, masked=False)
    return ContactView(mask_name(contact.name), mask_phone(contact.phone), "", masked=True)


def notifications_for(actor) -> QuerySet[Notification]:
    """The actor's own notifications and his units' (a unit's are shared by its staff), newest first."""
    scope = scope_of(actor)
    return Notification.objects.filter(Q(recipient_unit_id__in=scope.unit_ids) | Q(recipient_account=actor))


def unread_notification_count(actor) -> int:
    return notifications_for(actor).filter(read_at=None).count()


# --- the public citizen portal -------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicEvent:
    label: str
    at: dt.datetime


@dataclass(frozen=True)
class PublicAppeal:
    """What anyone holding the tracking code may see: no personal data, no staff names, no internal notes."""

    tracking_code: str
    title: str
    kind: str
    category: str
    status: str
    status_label: str
    unit: str
    received_at: dt.datetime
    resolved_at: dt.datetime | None
    reply: str
    can_rate: bool
    events: tuple[PublicEvent, ...]


PUBLIC_ACTIONS = frozenset(
    {"submit", "dispatch", "redispatch", "sign", "first_contact", "resolve", "callback", "reopen", "close"}
)


def appeal_by_tracking_code(code: str) -> PublicAppeal:
    appeal = (
        Appeal.objects.select_related("category", "main_unit")
        .filter(tracking_code=code.strip().upper())
        .first()
    )
    if appeal is None:
        raise Http404("查询码不存在")
    events = appeal.events.filter(action__in=PUBLIC_ACTIONS).order_by("at", "pk").values_list("action", "at")
    return PublicAppeal(
        tracking_code=appeal.tracking_code,
        title=appeal.title,
        kind=appeal.get_kind_display(),
        category=appeal.category.name if appeal.category_id else "",
        status=appeal.status,
        status_label=appeal.get_status_display(),
        unit=appeal.main_unit.name if appeal.main_unit_id else "",
        received_at=appeal.received_at,
        resolved_at=appeal.resolved_at,
        reply=appeal.reply if appeal.status in {Status.RESOLVED, Status.CALLED_BACK, Status.CLOSED} else "",
        can_rate=appeal.status == Status.RESOLVED,
        events=tuple(PublicEvent(workflow.TRANSITIONS[action].label, at) for action, at in events),
    )


# --- reads for the screens (appeals/views.py) -----------------------------------------------------------


def dispatch_suggestion(appeal: Appeal) -> DispatchChoice:
    """What auto-dispatch would choose for the appeal now (unit and the rule's reason), for the dispatcher's
    suggestions panel and for auto_dispatch itself; the dispatcher may override it."""
    table = routing_table()
    return table.choice(
        table.lineage(appeal.category), appeal.grid.path if appeal.grid_id else None, appeal.compound_id
    )


# The most recent open appeals of the grid compared with the one being dispatched: bounded work per page.
DUPLICATE_CANDIDATES = 500


@dataclass(frozen=True)
class DuplicateCandidate:
    appeal: Appeal
    match: DuplicateMatch


def _duplicate_record(appeal: Appeal) -> AppealRecord:
    return AppealRecord(
        str(appeal.pk),
        f"{appeal.title}。{appeal.text}",
        str(appeal.grid_id),
        appeal.received_at,
        str(appeal.compound_id or ""),
    )


def likely_duplicates(actor, appeal: Appeal, limit: int = 5) -> list[DuplicateCandidate]:
    """Open appeals the actor can see about the same problem at the same place: the same grid, within the
    duplicates window of the appeal's time, scored by insight/duplicates.py (the dispatcher may merge)."""
    if appeal.grid_id is None:
        return []
    nearby = (
        appeals_for(actor)
        .filter(
            grid_id=appeal.grid_id,
            status__in=workflow.OPEN_STATUSES,
            received_at__range=(appeal.received_at - DUPLICATE_WINDOW, appeal.received_at + DUPLICATE_WINDOW),
        )
        .exclude(pk=appeal.pk)
        .order_by("-received_at")[:DUPLICATE_CANDIDATES]
    )
    candidates = {str(a.pk): a for a in nearby}
    index = DuplicateIndex()
    index.add_many([_duplicate_record(a) for a in candidates.values()])
    matches = index.find(_duplicate_record(appeal), limit)
    return [DuplicateCandidate(candidates[m.appeal_id], m) for m in matches]


@dataclass(frozen=True)
class CategoryReading:
    prediction: Prediction  # the first-level category the classifier reads in the title and text
    registered: str  # the appeal's own first-level category; "" when not yet classified

    @property
    def differs(self) -> bool:
        return bool(self.registered) and self.registered != self.prediction.category


def predicted_category(appeal: Appeal) -> CategoryReading:
    root = appeal.category.ancestor_ids[0] if appeal.category_id else None
    registered = Category.objects.filter(pk=root).values_list("name", flat=True).first() if root else ""
    return CategoryReading(classify(appeal.title, appeal.text), registered or "")


def return_reasons(appeals) -> dict[int, str]:
    """The latest 退回 reason of each appeal, by appeal id."""
    events = AppealEvent.objects.filter(appeal__in=appeals, action="return").order_by("at", "pk")
    return {appeal_id: note for appeal_id, note in events.values_list("appeal_id", "note")}


def summonses_awaiting(actor) -> QuerySet[WhistleSummons]:
    """吹哨报到 summonses of the actor's units that have not reported yet, earliest due first."""
    return (
        WhistleSummons.objects.filter(unit_id__in=scope_of(actor).unit_ids, arrived_at=None)
        .select_related("whistle", "whistle__appeal", "unit")
        .order_by("whistle__report_due", "pk")
    )


def whistles_for(actor) -> QuerySet:
    """吹哨 on appeals in the actor's scope, latest first, with their summonses."""
    from .models import Whistle

    return (
        Whistle.objects.filter(appeal__in=appeals_for(actor))
        .select_related("appeal", "blown_by")
        .prefetch_related("summonses__unit")
        .order_by("-blown_at", "-pk")
    )


def category_children(parent_id: int | None):
    """Active categories directly under `parent_id` (the first level for None): the intake cascade."""
    from .models import Category

    return Category.objects.filter(parent_id=parent_id, is_active=True).order_by("sort_order", "name")


def appeal_summonses(appeal: Appeal) -> QuerySet[WhistleSummons]:
    """Every department summoned to the appeal (already read through `appeal_for`), by whistle."""
    return (
        WhistleSummons.objects.filter(whistle__appeal=appeal)
        .select_related("whistle", "unit", "arrived_by", "rated_by")
        .order_by("whistle__blown_at", "pk")
    )


def appeal_with_tracking_code(code: str) -> Appeal:
    """The appeal a tracking code names, for a service that takes the code as the citizen's credential
    (online callback); never rendered: the portal shows `appeal_by_tracking_code`."""
    return get_object_or_404(Appeal, tracking_code=code.strip().upper())
