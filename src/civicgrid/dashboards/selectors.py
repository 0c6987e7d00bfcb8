"""Reads of the dashboards. Every figure comes from the rollups, filtered first by the actor's data scope
(directory/scope.py): area roles see the rows of their grid subtrees, department handlers the rows of their
units, administrators all. Only lists of individual appeals (overdue or returned items, warnings) read
appeals, through appeals.selectors.appeals_for and by indexed conditions.
"""

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field, replace

from django.core.cache import cache
from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone

from civicgrid.appeals.conf import appeals_setting
from civicgrid.appeals.models import (
    Appeal,
    AssignmentRole,
    Category,
    Channel,
    DueState,
    Kind,
    Resolution,
    Satisfaction,
    Status,
)
from civicgrid.appeals.scoring import Period, Rates, Tally, rates_of
from civicgrid.appeals.selectors import HandOffs, appeals_for, hand_offs
from civicgrid.appeals.services import appeal_link
from civicgrid.appeals.workflow import OPEN_STATUSES, sees_unlocated
from civicgrid.directory.models import Unit
from civicgrid.directory.privacy import mask_phone
from civicgrid.directory.scope import Scope, scope_of
from civicgrid.grid.models import Compound, Grid
from civicgrid.insight.hot_issues import Message, hot_issues
from civicgrid.insight.warnings import AppealEvent, EarlyWarning
from civicgrid.insight.warnings import early_warnings as find_warnings
from civicgrid.web.maps import grid_map

from .models import AREA_ROLLUPS, AppealRollup, ScoreRollup, WarningAck

DEFAULT_DAYS = 30
LIST_LIMIT = 50
UNLOCATED = "未定位"
UNCLASSIFIED = "未分类"


@dataclass(frozen=True)
class Filters:
    """The period (local dates, end exclusive) and the optional conditions of every dashboard query."""

    start: dt.date
    end: dt.date
    area: Grid | None = None
    category_id: int | None = None
    channel: str = ""
    kind: str = ""
    unit_id: int | None = None
    status: str = ""

    @classmethod
    def last_days(cls, days: int = DEFAULT_DAYS, **conditions) -> "Filters":
        today = timezone.localdate()
        return cls(today - dt.timedelta(days=days - 1), today + dt.timedelta(days=1), **conditions)

    @property
    def days(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=n) for n in range((self.end - self.start).days)]

    def previous(self) -> "Filters":
        """The period of the same length just before this one."""
        return replace(self, start=self.start - (self.end - self.start), end=self.start)


# --- rows in scope ---------------------------------------------------------------------------------------


def _scope_q(scope: Scope) -> Q:
    visible = scope.grid_q("grid_path")
    if sees_unlocated(scope):
        visible |= Q(grid_path="")
    if scope.unit_ids:
        visible |= Q(unit_id__in=scope.unit_ids)
    return visible


def rollup_rows(actor, model, filters: Filters, *, in_period: bool = True) -> QuerySet:
    """The actor's rows of `model` (AppealRollup or ScoreRollup) under the filters."""
    rows = model.objects.filter(_scope_q(scope_of(actor)))
    if in_period:
        rows = rows.filter(day__gte=filters.start, day__lt=filters.end)
    if filters.area is not None:
        rows = rows.filter(grid_path__startswith=filters.area.path)
    if filters.category_id:
        rows = rows.filter(Q(category_id=filters.category_id) | Q(category_root_id=filters.category_id))
    for name in ("channel", "kind", "unit_id"):
        if getattr(filters, name):
            rows = rows.filter(**{name: getattr(filters, name)})
    if filters.status and "status" in model.KEY:
        rows = rows.filter(status=filters.status)
    return rows


def area_rows(actor, model, filters: Filters, *fields: str, in_period: bool = True) -> QuerySet:
    """The rows of `rollup_rows`, to be summed by `fields`, from the smallest area rollup of `model` that
    holds them and every filtered dimension; `model`'s own when none can answer (a condition on category,
    kind or unit, or a scope of units rather than areas)."""
    if not (filters.category_id or filters.kind or filters.unit_id or scope_of(actor).unit_ids):
        needed = {"grid_path", *fields, *(["day"] if in_period else [])}
        needed |= {name for name in ("channel", "status") if getattr(filters, name)}
        for area_model in AREA_ROLLUPS[model]:
            if needed <= set(area_model.KEY):
                return rollup_rows(actor, area_model, filters, in_period=in_period)
    return rollup_rows(actor, model, filters, in_period=in_period)


def _count(rows: QuerySet) -> int:
    return rows.aggregate(n=Sum("count"))["n"] or 0


def _counts_by(rows: QuerySet, key) -> dict:
    """Summed counts per value of `key` (a field name or an expression)."""
    key = F(key) if isinstance(key, str) else key
    return {row["key"]: row["n"] for row in rows.values(key=key).annotate(n=Sum("count")).order_by()}


# --- the three rates --------------------------------------------------------------------------------------

SCORE_SUMS = {name: Sum(name) for name in ScoreRollup.MEASURES}


def _rates(sums: dict) -> Rates:
    """The rates exactly as appeals/scoring.py defines them, from summed rollup columns."""
    tally = Tally(
        dispatched=sums["dispatched"] or 0,
        responded=sums["responded"] or 0,
        resolutions={k: sums[k] or 0 for k in Resolution.values},
        satisfactions={k: sums[k] or 0 for k in Satisfaction.values},
    )
    return rates_of(
        tally,
        weights=appeals_setting("SCORE_WEIGHTS"),
        resolution_credit=appeals_setting("SCORE_RESOLUTION_CREDIT"),
        satisfaction_credit=appeals_setting("SCORE_SATISFACTION_CREDIT"),
    )


def rates(actor, filters: Filters) -> Rates:
    return _rates(area_rows(actor, ScoreRollup, filters).aggregate(**SCORE_SUMS))


def rates_by(actor, filters: Filters, key: str) -> dict:
    rows = rollup_rows(actor, ScoreRollup, filters).values(key).annotate(**SCORE_SUMS).order_by()
    return {row[key]: _rates(row) for row in rows}


# --- names ------------------------------------------------------------------------------------------------


def unit_names(ids) -> dict[int, str]:
    names = dict(Unit.objects.filter(pk__in=[i for i in ids if i]).values_list("pk", "name"))
    return names | {0: "未派单"}


def category_names(ids) -> dict[int, str]:
    names = dict(Category.objects.filter(pk__in=[i for i in ids if i]).values_list("pk", "name"))
    return names | {0: UNCLASSIFIED}


DIMENSION_LABELS = {
    "channel": dict(Channel.choices),
    "kind": dict(Kind.choices),
    "status": dict(Status.choices),
}


# --- 概览 -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Overview:
    total: int
    today: int
    open: int
    overdue: int
    near_due: int
    rates: Rates
    trend: list[tuple[dt.date, int]]
    channels: list[tuple[str, int]]
    statuses: list[tuple[str, int]]


def _labelled(counts: dict, labels: dict) -> list[tuple[str, int]]:
    return sorted(((labels.get(k, k or "—"), n) for k, n in counts.items() if n), key=lambda p: -p[1])


def daily_trend(rows: QuerySet, filters: Filters) -> list[tuple[dt.date, int]]:
    counts = _counts_by(rows, "day")
    return [(day, counts.get(day, 0)) for day in filters.days]


def overview(actor, filters: Filters) -> Overview:
    # One pass over the period's rows gives total, trend and both mixes (a few thousand groups at most).
    groups = (
        area_rows(actor, AppealRollup, filters, "day", "channel", "status")
        .values("day", "channel", "status")
        .annotate(n=Sum("count"))
        .order_by()
    )
    by_day: dict = defaultdict(int)
    by_channel: dict = defaultdict(int)
    by_status: dict = defaultdict(int)
    for group in groups:
        by_day[group["day"]] += group["n"]
        by_channel[group["channel"]] += group["n"]
        by_status[group["status"]] += group["n"]
    standing = area_rows(actor, AppealRollup, filters, "status", "due_state", in_period=False)
    by_due = _counts_by(standing.filter(status__in=OPEN_STATUSES), "due_state")
    today = area_rows(actor, AppealRollup, filters, "day", in_period=False).filter(day=timezone.localdate())
    return Overview(
        total=sum(by_day.values()),
        today=_count(today),
        open=sum(by_due.values()),
        overdue=by_due.get(DueState.OVERDUE, 0),
        near_due=by_due.get(DueState.NEAR_DUE, 0),
        rates=rates(actor, filters),
        trend=[(day, by_day.get(day, 0)) for day in filters.days],
        channels=_labelled(by_channel, DIMENSION_LABELS["channel"]),
        statuses=_labelled(by_status, DIMENSION_LABELS["status"]),
    )


# --- 地域 -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AreaFigure:
    grid: Grid | None  # None: appeals without a grid, or on the node itself
    name: str
    count: int
    rates: Rates
    unlocated: bool = False  # the appeals without a grid, which the dispatcher still has to place


@dataclass
class Region:
    node: Grid | None
    trail: list[Grid]
    areas: list[AreaFigure]
    collection: dict  # GeoJSON of the areas and compounds, for the choropleth
    compounds: list[Compound] = field(default_factory=list)


def scope_top_grids(actor) -> list[Grid]:
    scope = scope_of(actor)
    if scope.everything or not scope.grid_paths:
        return list(Grid.objects.filter(parent=None).order_by("name"))
    return list(Grid.objects.filter(path__in=scope.grid_paths).order_by("path"))


def area_node(actor, pk: int | None) -> Grid | None:
    """The grid to drill into, if the actor may: inside the scope's subtrees (a unit-only scope has no area,
    its rows are its units' wherever they lie, so it may look at any)."""
    scope = scope_of(actor)
    if pk is None:
        tops = scope_top_grids(actor)
        return tops[0] if len(tops) == 1 else None
    grid = Grid.objects.filter(pk=pk).first()
    if (
        grid is None
        or (scope.grid_paths and not scope.covers_grid_path(grid.path))
        or (not scope.everything and not scope.grid_paths and not scope.unit_ids)
    ):
        raise Http404("区域不存在")
    return grid


def _fold_by_area(counts_by_path: dict[str, float], areas: list[Grid]) -> tuple[dict[int, float], float]:
    """Totals per area from totals per grid path; what lies under none of them is returned apart."""
    folded: dict[int, float] = defaultdict(float)
    rest = 0.0
    for path, n in counts_by_path.items():
        area = next((a for a in areas if path.startswith(a.path)), None)
        if area is None:
            rest += n
        else:
            folded[area.pk] += n
    return folded, rest


def region(actor, filters: Filters, node: Grid | None) -> Region:
    # A grid without children is shown as itself, so the map never comes up empty at the bottom level.
    areas = (list(node.children.order_by("name")) or [node]) if node else scope_top_grids(actor)
    scope = scope_of(actor)
    if scope.grid_paths and not scope.everything:
        areas = [a for a in areas if scope.covers_grid_path(a.path)]
    area_filters = replace(filters, area=node)
    counts, rest = _fold_by_area(_counts_by(area_rows(actor, AppealRollup, area_filters), "grid_path"), areas)
    score_rows = area_rows(actor, ScoreRollup, area_filters).values("grid_path").annotate(**SCORE_SUMS)
    # Key None: appeals on the node itself (a community's own grid, where mailbox letters land) or unlocated.
    sums: dict[int | None, dict] = defaultdict(lambda: dict.fromkeys(ScoreRollup.MEASURES, 0))
    for row in score_rows.order_by():
        area = next((a for a in areas if row["grid_path"].startswith(a.path)), None)
        for name in ScoreRollup.MEASURES:
            sums[area.pk if area else None][name] += row[name] or 0
    figures = [AreaFigure(a, a.name, int(counts.get(a.pk, 0)), _rates(sums[a.pk])) for a in areas]
    figures.sort(key=lambda f: -f.count)
    if rest:
        own = f"{node.name}本级" if node else UNLOCATED
        figures.append(AreaFigure(None, own, int(rest), _rates(sums[None]), unlocated=node is None))
    if node is not None and sees_unlocated(scope) and node in scope_top_grids(actor):
        # The page a district's people land on counts what its overview counts: appeals not yet located too.
        figures += _unlocated_figure(actor, replace(filters, area=None))
    compounds = list(Compound.objects.filter(grid__path__startswith=node.path)) if node else []
    collection = {"type": "FeatureCollection", "features": []}
    for area in areas:
        collection["features"] += [f for f in grid_map(area, [], [])["features"] if f["geometry"]]
    trail = list(Grid.objects.filter(pk__in=node.path.strip("/").split("/")).order_by("path")) if node else []
    return Region(node, trail, figures, collection, compounds)


def _unlocated_figure(actor, filters: Filters) -> list[AreaFigure]:
    count = _count(area_rows(actor, AppealRollup, filters).filter(grid_path=""))
    if not count:
        return []
    sums = area_rows(actor, ScoreRollup, filters).filter(grid_path="").aggregate(**SCORE_SUMS)
    return [AreaFigure(None, UNLOCATED, count, _rates(sums), unlocated=True)]


# --- 部门 -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitFigure:
    unit_id: int
    name: str
    count: int
    overdue: int
    rates: Rates


def unit_ranking(actor, filters: Filters) -> list[UnitFigure]:
    counts = _counts_by(rollup_rows(actor, AppealRollup, filters), "unit_id")
    current = rollup_rows(actor, AppealRollup, filters, in_period=False)
    overdue = _counts_by(current.filter(status__in=OPEN_STATUSES, due_state=DueState.OVERDUE), "unit_id")
    unit_rates = rates_by(actor, filters, "unit_id")
    ids = [i for i in {*counts, *unit_rates} if i]
    names = unit_names(ids)
    empty = _rates(dict.fromkeys(ScoreRollup.MEASURES, 0))
    figures = [
        UnitFigure(i, names.get(i, "—"), counts.get(i, 0), overdue.get(i, 0), unit_rates.get(i, empty))
        for i in ids
    ]
    return sorted(figures, key=lambda f: (-f.count, f.name))


@dataclass(frozen=True)
class UnitDetail:
    unit: Unit
    count: int
    rates: Rates
    trend: list[tuple[dt.date, int]]
    overdue: list[Appeal]
    returned: list[Appeal]
    hand_offs: HandOffs


def unit_detail(actor, filters: Filters, pk: int) -> UnitDetail:
    unit = Unit.objects.filter(pk=pk).first()
    scope = scope_of(actor)
    if unit is None or (scope.unit_ids and not scope.grid_paths and pk not in scope.unit_ids):
        raise Http404("单位不存在")
    unit_filters = replace(filters, unit_id=pk)
    rows = rollup_rows(actor, AppealRollup, unit_filters)
    appeals = appeals_for(actor)
    returned = appeals.filter(
        status=Status.RETURNED, assignments__unit_id=pk, assignments__role=AssignmentRole.MAIN
    ).distinct()
    return UnitDetail(
        unit=unit,
        count=_count(rows),
        rates=rates(actor, unit_filters),
        trend=daily_trend(rows, unit_filters),
        overdue=list(
            appeals.filter(main_unit_id=pk, due_state=DueState.OVERDUE).order_by("resolve_due")[:LIST_LIMIT]
        ),
        returned=list(returned.order_by("-received_at")[:LIST_LIMIT]),
        hand_offs=hand_offs(actor, pk, *Period(filters.start, filters.end).bounds()),
    )


# --- 行业 -------------------------------------------------------------------------------------------------


@dataclass
class CategoryFigure:
    category_id: int
    name: str
    count: int
    previous: int
    children: list["CategoryFigure"] = field(default_factory=list)
    trend: list[int] = field(default_factory=list)

    @property
    def increase(self) -> int:
        return self.count - self.previous

    @property
    def growth(self) -> float | None:
        return (self.count - self.previous) / self.previous if self.previous else None


def category_tree(actor, filters: Filters) -> list[CategoryFigure]:
    """Level-1 categories with their level-2 children: volumes now and in the period before, and the
    level-1 daily trend."""
    rows = rollup_rows(actor, AppealRollup, filters)
    earlier = rollup_rows(actor, AppealRollup, filters.previous())
    now = {(r["category_root_id"], r["category_id"]): r["n"] for r in _pairs(rows)}
    before = {(r["category_root_id"], r["category_id"]): r["n"] for r in _pairs(earlier)}
    names = category_names({i for pair in [*now, *before] for i in pair})
    trends: dict[int, dict] = defaultdict(dict)
    for row in rows.values("category_root_id", "day").annotate(n=Sum("count")).order_by():
        trends[row["category_root_id"]][row["day"]] = row["n"]
    roots: dict[int, CategoryFigure] = {}
    for root_id, child_id in sorted({*now, *before}):
        root = roots.setdefault(root_id, CategoryFigure(root_id, names.get(root_id, "—"), 0, 0))
        n, p = now.get((root_id, child_id), 0), before.get((root_id, child_id), 0)
        root.count += n
        root.previous += p
        if child_id != root_id:
            root.children.append(CategoryFigure(child_id, names.get(child_id, "—"), n, p))
    for root in roots.values():
        root.children.sort(key=lambda c: -c.count)
        root.trend = [trends[root.category_id].get(day, 0) for day in filters.days]
    return sorted(roots.values(), key=lambda r: -r.count)


def _pairs(rows: QuerySet):
    return rows.values("category_root_id", "category_id").annotate(n=Sum("count")).order_by()


def rising_categories(tree: list[CategoryFigure], limit: int = 10, minimum: int = 3) -> list[CategoryFigure]:
    """Level-2 categories growing most against the previous period (at least `minimum` appeals now)."""
    children = [c for root in tree for c in root.children if c.count >= minimum and c.increase > 0]
    return sorted(children, key=lambda c: (-c.increase, c.name))[:limit]


# --- 分析 -------------------------------------------------------------------------------------------------

CROSS_DIMENSIONS = {
    "area": "区域",
    "category": "一级分类",
    "channel": "渠道",
    "kind": "诉求类型",
    "status": "状态",
    "unit": "承办单位",
    "month": "月份",
}


@dataclass(frozen=True)
class CrossTab:
    row_label: str
    column_label: str
    rows: list[str]
    columns: list[str]
    cells: dict[tuple[str, str], int]
    row_totals: dict[str, int]
    column_totals: dict[str, int]
    total: int


def _dimension_key(dimension: str):
    if dimension == "month":
        return TruncMonth("day")
    return F(
        {"area": "grid_path", "category": "category_root_id", "unit": "unit_id"}.get(dimension, dimension)
    )


def _dimension_labeller(actor, dimension: str, filters: Filters, keys: set):
    """A function from a grouped key to its label."""
    if dimension == "area":
        node = filters.area or area_node(actor, None)
        areas = (list(node.children.all()) or [node]) if node else scope_top_grids(actor)
        fallback = f"{node.name}本级" if node else UNLOCATED
        return lambda path: next((a.name for a in areas if path.startswith(a.path)), fallback)
    if dimension == "category":
        names = category_names(keys)
        return lambda key: names.get(key, "—")
    if dimension == "unit":
        names = unit_names(keys)
        return lambda key: names.get(key, "—")
    if dimension == "month":
        return lambda key: f"{key:%Y-%m}"
    labels = DIMENSION_LABELS[dimension]
    return lambda key: labels.get(key, key)


def cross_tab(actor, filters: Filters, row_dimension: str, column_dimension: str) -> CrossTab:
    rows = rollup_rows(actor, AppealRollup, filters)
    grouped = list(
        rows.values(r=_dimension_key(row_dimension), c=_dimension_key(column_dimension))
        .annotate(n=Sum("count"))
        .order_by()
    )
    row_label = _dimension_labeller(actor, row_dimension, filters, {g["r"] for g in grouped})
    column_label = _dimension_labeller(actor, column_dimension, filters, {g["c"] for g in grouped})
    cells: dict[tuple[str, str], int] = defaultdict(int)
    row_totals: dict[str, int] = defaultdict(int)
    column_totals: dict[str, int] = defaultdict(int)
    for g in grouped:
        r, c = row_label(g["r"]), column_label(g["c"])
        cells[(r, c)] += g["n"]
        row_totals[r] += g["n"]
        column_totals[c] += g["n"]
    return CrossTab(
        CROSS_DIMENSIONS[row_dimension],
        CROSS_DIMENSIONS[column_dimension],
        _ordered(row_totals, row_dimension),
        _ordered(column_totals, column_dimension),
        dict(cells),
        dict(row_totals),
        dict(column_totals),
        sum(row_totals.values()),
    )


def _ordered(totals: dict[str, int], dimension: str) -> list[str]:
    """Months in time order, anything else largest first."""
    return sorted(totals) if dimension == "month" else sorted(totals, key=lambda k: (-totals[k], k))


def time_series(actor, filters: Filters) -> list[tuple[str, int]]:
    """Daily counts for periods up to three months, monthly beyond."""
    rows = area_rows(actor, AppealRollup, filters)
    if len(filters.days) <= 92:
        return [(f"{day:%m-%d}", n) for day, n in daily_trend(rows, filters)]
    monthly = _counts_by(rows, TruncMonth("day"))
    return [(f"{month:%Y-%m}", n) for month, n in sorted(monthly.items())]


# --- 预警 -------------------------------------------------------------------------------------------------

# Spikes compare the last week with the eight before it (insight/warnings.py), so nine weeks are read.
WARNING_WINDOW = dt.timedelta(days=63)
# The most recent appeals read for warnings and hot issues: bounded work whatever the history holds.
WARNING_APPEALS_LIMIT = 20_000
HOT_ISSUE_MESSAGES = 400
WARNINGS_CACHE_SECONDS = 60
HOT_ISSUES_CACHE_SECONDS = 600
WARNING_KINDS = {
    "urgent": "急难险重",
    "spike": "突增",
    "overdue": "超期聚集",
    "repeat_reporter": "重复诉求",
    "repeat_place": "重复诉求",
}
# An appeal stops counting as open for warnings once answered: overdue clusters are about unanswered ones.
ANSWERED = {Status.RESOLVED, Status.CALLED_BACK, Status.CLOSED, Status.MERGED}


@dataclass(frozen=True)
class WarningItem:
    fingerprint: str
    kind: str
    kind_label: str
    severity: str
    subject: str
    explanation: str
    appeals: list[tuple[str, str]]  # (tracking code, link)
    ack: object = None  # WarningAck, when someone has taken it up


def _recent_appeals(actor, since: dt.datetime) -> list[dict]:
    fields = (
        "pk", "tracking_code", "received_at", "grid__name", "category__name", "compound__name", "title",
        "text", "status", "resolve_due", "resolved_at", "closed_at", "updated_at", "contact__phone",
    )  # fmt: skip
    rows = appeals_for(actor).filter(received_at__gte=since).order_by("-received_at").values(*fields)
    return list(rows[:WARNING_APPEALS_LIMIT])


def _warning_event(row: dict):
    answered = row["status"] in ANSWERED
    return AppealEvent(
        appeal_id=str(row["pk"]),
        label=row["tracking_code"],
        created_at=row["received_at"],
        grid_id=row["grid__name"] or UNLOCATED,
        category=row["category__name"] or "",
        # Masked so the warning names no one; seven digits still tell callers apart.
        reporter=mask_phone(row["contact__phone"]) if row["contact__phone"] else "",
        place=row["compound__name"] or "",
        title=row["title"],
        detail=row["text"],
        due_at=row["resolve_due"],
        closed_at=(row["resolved_at"] or row["closed_at"] or row["updated_at"]) if answered else None,
    )


def _fingerprint(kind: str, subject: str, appeal_ids) -> str:
    # The oldest appeal anchors a warning: the same cluster keeps its acknowledgement as appeals join it.
    anchor = min(appeal_ids, key=int) if appeal_ids else ""
    return hashlib.sha1(f"{kind}|{subject}|{anchor}".encode()).hexdigest()[:20]


def _per_reader(actor, name: str) -> str:
    """A cache key for what one reader sees (appeals_for depends on the scope and on the account)."""
    scope = scope_of(actor)
    identity = f"{actor.pk}|{scope.everything}|{'|'.join(scope.grid_paths)}|{sorted(scope.unit_ids)}"
    return f"dashboards:{name}:{hashlib.sha1(identity.encode()).hexdigest()}"


def early_warnings_for(actor, now: dt.datetime) -> tuple[list[EarlyWarning], dict[str, str]]:
    """Early warnings over the actor's appeals of the last nine weeks, the most severe first, with the
    tracking code of each appeal they name (by id). The dashboards and the API both read them here: grids
    and compounds by name, callers by masked phone, an answered appeal no longer open."""
    rows = _recent_appeals(actor, now - WARNING_WINDOW)
    codes = {str(row["pk"]): row["tracking_code"] for row in rows}
    return find_warnings([_warning_event(row) for row in rows], now), codes


def _warning_items(actor, now: dt.datetime) -> list[WarningItem]:
    warnings, codes = early_warnings_for(actor, now)
    return [
        WarningItem(
            _fingerprint(w.kind, w.subject, w.appeal_ids),
            w.kind,
            WARNING_KINDS.get(w.kind, w.kind),
            w.severity,
            w.subject,
            w.explanation,
            [(codes[i], appeal_link(Appeal(pk=int(i)))) for i in w.appeal_ids[:12]],
        )
        for w in warnings
    ]


def early_warnings(actor, now: dt.datetime | None = None) -> list[WarningItem]:
    """Urgent cases, spikes, overdue clusters and repeated appeals in the actor's scope, most severe first,
    each with its explanation, its appeals and whether someone has taken it up. The warnings themselves are
    kept for a minute (the big screen asks every minute); acknowledgements are always read fresh."""
    if now is None:
        key = _per_reader(actor, "warnings")
        items = cache.get_or_set(key, lambda: _warning_items(actor, timezone.now()), WARNINGS_CACHE_SECONDS)
    else:
        items = _warning_items(actor, now)
    acks = WarningAck.objects.select_related("assigned_unit", "acknowledged_by").in_bulk(
        [i.fingerprint for i in items], field_name="fingerprint"
    )
    return [replace(item, ack=acks.get(item.fingerprint)) for item in items]


def hot_issues_for(actor, days: int = DEFAULT_DAYS) -> list:
    """热点问题 among the actor's most recent appeals (insight/hot_issues.py), kept for ten minutes: text
    clustering is the slowest thing on the overview."""
    return cache.get_or_set(
        _per_reader(actor, "hot_issues"), lambda: _hot_issues(actor, days), HOT_ISSUES_CACHE_SECONDS
    )


def _hot_issues(actor, days: int) -> list:
    since = timezone.now() - dt.timedelta(days=days)
    rows = appeals_for(actor).filter(received_at__gte=since).order_by("-received_at")
    messages = [
        Message(str(pk), str(reporter or pk), title, text, received_at)
        for pk, reporter, title, text, received_at in rows.values_list(
            "pk", "contact__phone", "title", "text", "received_at"
        )[:HOT_ISSUE_MESSAGES]
    ]
    return hot_issues(messages, top=5)
