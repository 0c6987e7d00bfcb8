"""Reads the open API needs beyond the domain apps' own selectors; every one that serves a caller starts
from that caller's scope."""

import datetime as dt
import re
import secrets
from dataclasses import asdict, dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from civicgrid.appeals.models import (
    Appeal,
    Category,
    DispatchRule,
    ExtensionDecision,
    ExtensionRequest,
    WhistleSummons,
)
from civicgrid.appeals.scoring import Period, scores
from civicgrid.appeals.selectors import appeals_for
from civicgrid.dashboards.selectors import early_warnings_for
from civicgrid.directory.models import Account, Role, Unit
from civicgrid.directory.scope import scope_of
from civicgrid.grid.models import Grid
from civicgrid.insight.warnings import EarlyWarning

from .keys import split_token, token_digest
from .models import ApiClient, ApiKey

# Ids are decimal integers that fit a 64-bit column; anything else names nothing.
ID = re.compile(r"[0-9]{1,18}")
# Roles whose work is routing: they read the dispatch rules of their area.
RULE_READERS = (Role.DISPATCHER, Role.SUPERVISOR, Role.LEADER)


def api_key_by_token(token: str) -> ApiKey | None:
    """The key a presented token belongs to (revoked or not), or None."""
    prefix = split_token(token)
    if prefix is None:
        return None
    key = ApiKey.objects.select_related("client", "client__account").filter(prefix=prefix).first()
    if key is None or not secrets.compare_digest(key.digest, token_digest(token)):
        return None
    return key


def api_keys() -> QuerySet[ApiKey]:
    return ApiKey.objects.select_related("client").order_by("client__name", "-created_at")


def api_key_with_prefix(prefix: str) -> ApiKey | None:
    return ApiKey.objects.select_related("client").filter(prefix=prefix).first()


def categories() -> QuerySet[Category]:
    """The public category catalogue (no scope: every caller files appeals into it)."""
    return Category.objects.filter(is_active=True).select_related("parent").order_by("path")


def dispatch_rules_for(actor) -> QuerySet[DispatchRule]:
    """Administrators see every rule; routing roles the rules for their area and the rules of any area."""
    scope = scope_of(actor)
    rules = DispatchRule.objects.select_related("category", "grid", "compound", "unit")
    if scope.everything:
        return rules
    if not scope.grid_paths or not scope.has_role(*RULE_READERS):
        return rules.none()
    return rules.filter(Q(grid__isnull=True) | scope.grid_q("grid__path"))


def pending_extension_of(appeal: Appeal) -> ExtensionRequest | None:
    return appeal.extensions.filter(decision=ExtensionDecision.PENDING).first()


def summons_awaiting(appeal: Appeal, actor) -> WhistleSummons | None:
    """The oldest summons (吹哨) on the appeal that one of the actor's units has not yet answered."""
    units = scope_of(actor).unit_ids
    return (
        WhistleSummons.objects.filter(whistle__appeal=appeal, unit_id__in=units, arrived_at=None)
        .select_related("whistle__appeal")
        .order_by("whistle__blown_at", "pk")
        .first()
    )


def latest_summons_of(appeal: Appeal, unit) -> WhistleSummons | None:
    """The unit's summons from the appeal's latest whistle that summoned it."""
    return (
        WhistleSummons.objects.filter(whistle__appeal=appeal, unit=unit)
        .select_related("whistle__appeal")
        .order_by("-whistle__blown_at", "-pk")
        .first()
    )


@dataclass(frozen=True)
class ScoreRow:
    key: int
    name: str
    response: float | None
    resolution: float | None
    satisfaction: float | None
    composite: float | None


GROUP_MODELS = {"unit": Unit, "grid": Grid, "category": Category}


def scores_for(actor, *, group: str, year: int, month: int) -> list[ScoreRow]:
    """The three rates per unit, grid or category for one month, over the appeals in the actor's scope,
    best composite first."""
    rates = scores(group, Period.month(year, month), appeals_for(actor))
    names = dict(GROUP_MODELS[group].objects.filter(pk__in=rates).values_list("pk", "name"))
    rows = [ScoreRow(key, names.get(key, ""), **asdict(r)) for key, r in rates.items()]
    return sorted(rows, key=lambda row: (row.composite is None, -(row.composite or 0), row.key))


def warnings_for(actor, *, now: dt.datetime | None = None) -> list[EarlyWarning]:
    """Early warnings over the actor's appeals, as the dashboards show them."""
    return early_warnings_for(actor, now or timezone.now())[0]


# --- narrowing a list by query parameters --------------------------------------------------------------

# criterion → ORM lookup; a criterion given as None is not applied.
APPEAL_LOOKUPS = {
    "status": "status",
    "kind": "kind",
    "channel": "channel",
    "urgency": "urgency",
    "due_state": "due_state",
    "main_unit": "main_unit_id",
    "is_supervised": "is_supervised",
    "received_after": "received_at__gte",
    "received_before": "received_at__lt",
    "external_id": "external_id",
    # Paths hold the ids from the root ("/1/7/42/"), so "/7/" in a path means "in 7's subtree".
    "category": "category__path__contains",
    "grid": "grid__path__contains",
}
CATALOGUE_LOOKUPS = {"level": "level", "parent": "parent_id", "kind": "kind", "grid": "grid__path__contains"}


def narrowed(queryset: QuerySet, criteria: dict, lookups: dict[str, str]) -> QuerySet:
    """The queryset with every given criterion applied through its lookup."""
    conditions = {}
    for name, value in criteria.items():
        if value is None or name not in lookups:
            continue
        conditions[lookups[name]] = f"/{value}/" if lookups[name].endswith("path__contains") else value
    return queryset.filter(**conditions)


def filtered_appeals(appeals: QuerySet[Appeal], criteria: dict) -> QuerySet[Appeal]:
    search = criteria.get("search")
    appeals = narrowed(appeals, criteria, APPEAL_LOOKUPS)
    return appeals.filter(Q(title__icontains=search) | Q(text__icontains=search)) if search else appeals


def api_client_named(name: str) -> ApiClient | None:
    return ApiClient.objects.filter(name=name).first()


def account_named(username: str):
    """An account by user name, for the operator's command line (unscoped: the operator has the machine)."""
    return Account.objects.filter(username=username).first()
