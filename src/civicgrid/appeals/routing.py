"""The routing table: what routing a new appeal reads — the category catalogue, the grids (for their paths),
the active dispatch rules of active units, deadline overrides and compounds' property companies — held in
memory by each process.

Read per appeal, these cost five queries (matching the rules the dearest), a third of an intake's time. Every
use instead reads one stamp (`RoutingStamp`), which any save or delete of those models rewrites with a fresh
random token in the writer's own transaction (signals.py); a process whose table carries another token
rebuilds it. Random rather than counted, so that a rolled-back change cannot bring back a value some stale
table holds. Writes that bypass signals (QuerySet.update, bulk_create) must call `routing_changed()`.
"""

import threading
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection

from civicgrid.directory.models import Unit
from civicgrid.grid.models import Compound, Grid

from .conf import appeals_setting
from .deadlines import DeadlinePolicy, lineage_policy, resolve_policy
from .dispatching import AppealFacts, DispatchChoice, RuleView, choose_unit
from .models import Category, DeadlineOverride, DispatchRule, RoutingStamp


@dataclass(frozen=True)
class RoutingTable:
    token: str
    categories: dict[int, Category]
    grids: dict[int, Grid]  # without their boundaries
    rules_by_category: dict[int | None, tuple[RuleView, ...]]  # None: rules for every category
    units: dict[int, Unit]  # the active ones
    overrides_by_category: dict[int, tuple[DeadlineOverride, ...]]
    property_companies: dict[int, int]  # compound id → its property company's unit id

    def lineage(self, category: Category | None) -> list[Category]:
        """The category and its ancestors, root first (none for an uncategorised appeal)."""
        return [] if category is None else [self.categories[pk] for pk in category.ancestor_ids]

    def choice(
        self, lineage: Sequence[Category], grid_path: str | None, compound_id: int | None
    ) -> DispatchChoice:
        """Where the dispatch rules send an appeal of this category lineage and place (dispatching.py)."""
        facts = AppealFacts(
            category_ids=frozenset(c.pk for c in lineage),
            category_names=tuple(c.name for c in lineage),
            grid_path=grid_path,
            compound_id=compound_id,
            property_company_id=self.property_companies.get(compound_id),
        )
        candidates = [
            rule for key in (None, *facts.category_ids) for rule in self.rules_by_category.get(key, ())
        ]
        return choose_unit(facts, candidates, appeals_setting("PROPERTY_CATEGORY_KEYWORDS"))

    def policy(self, lineage: Sequence[Category], urgency: str) -> DeadlinePolicy:
        if not lineage:
            return resolve_policy(urgency, (), ())
        ids = [c.pk for c in lineage]
        overrides = [o for pk in ids for o in self.overrides_by_category.get(pk, ())]
        return lineage_policy(urgency, ids, [c.name for c in lineage], overrides)


_lock = threading.Lock()
_table: RoutingTable | None = None


def routing_table() -> RoutingTable:
    """This process's table, rebuilt first if the stored stamp has moved on."""
    global _table
    token = _stored_token()
    table = _table
    if table is not None and table.token == token:
        return table
    with _lock:
        if _table is None or _table.token != token:
            _table = _build(token)
        return _table


def routing_changed() -> None:
    """Give the stamp a new token (creating its row if it is gone): every process rebuilds its table."""
    token = uuid.uuid4().hex
    if not RoutingStamp.objects.filter(pk=1).update(token=token):
        RoutingStamp.objects.create(pk=1, token=token)


def _stored_token() -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {RoutingStamp._meta.db_table} WHERE id = 1")
        row = cursor.fetchone()
    # No row (a flushed database): a token no table holds, so nothing stale is trusted.
    return row[0] if row else uuid.uuid4().hex


def _build(token: str) -> RoutingTable:
    units = {unit.pk: unit for unit in Unit.objects.filter(is_active=True)}
    rules = defaultdict(list)
    for pk, unit_id, category_id, level, grid_path, compound_id in DispatchRule.objects.filter(
        is_active=True, unit__is_active=True
    ).values_list("pk", "unit_id", "category_id", "category__level", "grid__path", "compound_id"):
        rules[category_id].append(RuleView(pk, unit_id, category_id, level or 0, grid_path, compound_id))
    overrides = defaultdict(list)
    for override in DeadlineOverride.objects.all():
        overrides[override.category_id].append(override)
    return RoutingTable(
        token=token,
        categories={category.pk: category for category in Category.objects.all()},
        grids={grid.pk: grid for grid in Grid.objects.defer("boundary")},
        rules_by_category={key: tuple(value) for key, value in rules.items()},
        units=units,
        overrides_by_category={key: tuple(value) for key, value in overrides.items()},
        property_companies=dict(
            Compound.objects.filter(property_company__isnull=False).values_list("pk", "property_company_id")
        ),
    )
