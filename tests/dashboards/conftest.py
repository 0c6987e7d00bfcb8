"""Dashboards fixtures: the small city's appeals at every stage, and an independent count of what the
rollups must hold, made in Python from the raw rows."""

import datetime as dt
from collections import Counter
from importlib import import_module

import pytest
from django.apps import apps
from django.core.cache import cache
from django.utils import timezone

from civicgrid.appeals import services
from civicgrid.appeals.models import (
    Appeal,
    AppealAssignment,
    AssignmentRole,
    Callback,
    Category,
    Channel,
    Kind,
    Resolution,
    Satisfaction,
)
from civicgrid.dashboards.models import AREA_ROLLUPS, AppealRollup, ScoreRollup
from civicgrid.dashboards.services import rebuild_rollups


def _grain(category: Category | None) -> tuple[int, int]:
    # Written apart from rollups.category_grain on purpose: the test must not share the code it checks.
    if category is None:
        return 0, 0
    chain = [category]
    while chain[-1].parent is not None:
        chain.append(chain[-1].parent)
    root = chain[-1]
    second = chain[-2] if len(chain) > 1 else root
    return second.pk, root.pk


def _dimensions(appeal: Appeal) -> tuple:
    category, root = _grain(appeal.category)
    return (
        appeal.grid_id or 0,
        appeal.grid.path if appeal.grid else "",
        category,
        root,
        appeal.channel,
        appeal.kind,
    )


def raw_rollups() -> tuple[Counter, Counter]:
    """(AppealRollup counts, ScoreRollup measures) as they must be, keyed like the stored rows."""
    appeals_by_key: Counter = Counter()
    scores: Counter = Counter()
    appeals = {a.pk: a for a in Appeal.objects.select_related("grid", "category__parent__parent")}
    for a in appeals.values():
        day = timezone.localdate(a.received_at)
        grid_id, path, category, root, channel, kind = _dimensions(a)
        key = (day, grid_id, path, category, root, a.main_unit_id or 0, channel, kind, a.status, a.due_state)
        appeals_by_key[key] += 1
    for assignment in AppealAssignment.objects.filter(role=AssignmentRole.MAIN):
        if assignment.withdrawn and assignment.ended_at <= assignment.sign_due:
            continue  # 改派 in time: the dispatch's mistake, not counted against the unit
        grid_id, path, category, root, channel, kind = _dimensions(appeals[assignment.appeal_id])
        key = (timezone.localdate(assignment.assigned_at), grid_id, path, category, root, assignment.unit_id)
        key += (channel, kind)
        scores[(*key, "dispatched")] += 1
        on_time = assignment.signed_at is not None and assignment.signed_at <= assignment.sign_due
        scores[(*key, "responded")] += on_time
    for callback in Callback.objects.all():
        grid_id, path, category, root, channel, kind = _dimensions(appeals[callback.appeal_id])
        key = (timezone.localdate(callback.at), grid_id, path, category, root, callback.unit_id or 0)
        key += (channel, kind)
        scores[(*key, callback.resolution)] += 1
        scores[(*key, callback.satisfaction)] += 1
    return +appeals_by_key, +scores


def stored_rollups() -> tuple[Counter, Counter]:
    appeals_by_key = Counter(
        {tuple(row[:-1]): row[-1] for row in AppealRollup.objects.values_list(*AppealRollup.KEY, "count")}
    )
    scores: Counter = Counter()
    for row in ScoreRollup.objects.values_list(*ScoreRollup.KEY, *ScoreRollup.MEASURES):
        key, measures = row[: len(ScoreRollup.KEY)], row[len(ScoreRollup.KEY) :]
        for name, value in zip(ScoreRollup.MEASURES, measures, strict=True):
            scores[(*key, name)] += value
    assert all(v >= 0 for v in appeals_by_key.values()) and all(v >= 0 for v in scores.values())
    return +appeals_by_key, +scores


def area_sums(model, area_model) -> tuple[Counter, Counter]:
    """An area rollup of `model` as stored, and as the rows of `model` summed over the dimensions it drops."""
    stored: Counter = Counter()
    summed: Counter = Counter()
    for area_row in area_model.objects.values(*area_model.KEY, *area_model.MEASURES):
        for name in area_model.MEASURES:
            stored[(*(area_row[k] for k in area_model.KEY), name)] += area_row[name]
    for row in model.objects.values(*area_model.KEY, *area_model.MEASURES):
        for name in area_model.MEASURES:
            summed[(*(row[k] for k in area_model.KEY), name)] += row[name]
    return +stored, +summed


def assert_rollups_exact() -> None:
    expected, stored = raw_rollups(), stored_rollups()
    assert stored[0] == expected[0], "AppealRollup differs from the appeals"
    assert stored[1] == expected[1], "ScoreRollup differs from the assignments and callbacks"
    for model, area_models in AREA_ROLLUPS.items():
        for area_model in area_models:
            area_stored, area_expected = area_sums(model, area_model)
            assert area_stored == area_expected, f"{area_model.__name__} differs from {model.__name__}"


@pytest.fixture(autouse=True)
def fresh_cache():
    # Warnings and hot issues are cached per reader; each test's city is new.
    cache.clear()


class Flow:
    """Appeals walked through their life by the appeals services, by the small city's people."""

    def __init__(self, city) -> None:
        self.city = city
        self.dispatcher = city.accounts["dispatcher"]
        self.handler = city.accounts["handler"]

    def submit(
        self, *, grid_index: int | None = 0, category=None, channel=Channel.HOTLINE, **fields
    ) -> Appeal:
        grid = None if grid_index is None else self.city.grids[grid_index]
        return services.submit_appeal(
            channel=channel,
            kind=fields.pop("kind", Kind.COMPLAINT),
            title=fields.pop("title", "路灯不亮"),
            text=fields.pop("text", "小区门口路灯连续三晚不亮，夜间出行不便。"),
            actor=self.dispatcher,
            category=category,
            grid=grid,
            **fields,
        )

    def dispatch(self, appeal: Appeal, unit: str = "department") -> Appeal:
        return services.dispatch_appeal(appeal, unit=self.city.units[unit], actor=self.dispatcher)

    def sign(self, appeal: Appeal) -> Appeal:
        return services.sign_appeal(appeal, actor=self.handler)

    def resolve(self, appeal: Appeal) -> Appeal:
        appeal = services.record_first_contact(appeal, actor=self.handler)
        return services.resolve_appeal(appeal, actor=self.handler, reply="已处理。")

    def callback(self, appeal: Appeal, satisfaction: str = Satisfaction.SATISFIED) -> Callback:
        return services.record_callback(
            appeal, resolution=Resolution.RESOLVED, satisfaction=satisfaction, actor=self.dispatcher
        )

    def closed(self, **fields) -> Appeal:
        return self.closed_from(self.submit(**fields))

    def closed_from(self, appeal: Appeal) -> Appeal:
        appeal = self.resolve(self.sign(self.dispatch(appeal)))
        self.callback(appeal)
        return services.close_appeal(Appeal.objects.get(pk=appeal.pk), actor=self.dispatcher)


@pytest.fixture
def flow(city) -> Flow:
    return Flow(city)


@pytest.fixture
def leaf_category(db) -> Category:
    return Category.objects.filter(level=3).order_by("path").first()


@pytest.fixture
def history(flow, city):
    """A month of appeals spread over the city's grids, channels and categories, at every stage, with the
    dispatched ones overdue (their deadlines moved into the past, as if weeks had gone by, and the deadline
    sweep run; then the rollups rebuilt: both write with QuerySet.update, which no receiver sees)."""
    if not Category.objects.exists():
        # A transactional test (browser) flushed the catalogue its migration had loaded.
        import_module("civicgrid.appeals.migrations.0002_load_categories").load_categories(apps, None)
    roots = list(Category.objects.filter(level=1).order_by("path")[:4])
    leaves = [Category.objects.filter(path__startswith=root.path, level=3).first() for root in roots]
    now = timezone.now()
    channels = [Channel.HOTLINE, Channel.WEB, Channel.APP, Channel.PATROL]
    made = []
    for n in range(24):
        appeal = flow.submit(
            grid_index=n % 8,
            category=leaves[n % 4],
            channel=channels[n % 4],
            kind=Kind.COMPLAINT if n % 3 else Kind.HELP,
            title=["路灯不亮", "楼道堆放杂物", "噪音扰民", "下水道堵塞"][n % 4],
            received_at=now - dt.timedelta(days=n % 20, hours=n),
        )
        made.append(appeal)
        if n % 4 == 0:
            flow.closed_from(appeal)
        elif n % 4 == 1:
            flow.dispatch(appeal)
    Appeal.objects.filter(status="dispatched").update(resolve_due=now - dt.timedelta(days=8))
    services.refresh_due_states(now=now)
    rebuild_rollups()
    return made
