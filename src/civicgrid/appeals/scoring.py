"""The three rates (响应率, 解决率, 满意率), the composite score, monthly red and black lists, and the
ranking of property companies. Definitions (weights and credits in settings, see conf.py):

- 响应率 = 主办 assignments signed by their sign deadline / 主办 assignments made in the period. Every
  dispatch counts, including re-dispatches after a return and reopened rounds, except one the dispatcher
  withdrew (改派, or 合并 of a duplicate) before its sign deadline
  (`AppealAssignment.objects.scored_rounds()`).
- 解决率 = Σ credit(是否解决) / callbacks in the period; credits CIVICGRID_SCORE_RESOLUTION_CREDIT
  (解决 1, 部分解决 0.5, 未解决 0 by default).
- 满意率 = Σ credit(是否满意) / rated callbacks (未评价 left out); credits CIVICGRID_SCORE_SATISFACTION_CREDIT
  (满意 1, 基本满意 1, 不满意 0 by default).
- composite = weighted mean of the rates that exist (a unit without callbacks is scored on its 响应率 alone),
  weights CIVICGRID_SCORE_WEIGHTS (30/35/35 by default), as a percentage.

A callback is credited to the unit that was 主办 when it was made, to the appeal's grid and category.
Rates are fractions in [0, 1] or None when their denominator is zero. Periods are local dates, end exclusive.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from civicgrid.directory.models import Unit, UnitKind

from .conf import appeals_setting
from .models import Appeal, AppealAssignment, Callback, Satisfaction

# Where assignments and callbacks both keep the key of each grouping.
GROUP_FIELDS = {"unit": "unit_id", "grid": "appeal__grid_id", "category": "appeal__category_id"}


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # exclusive

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        end = dt.date(year + month // 12, month % 12 + 1, 1)
        return cls(dt.date(year, month, 1), end)

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        tz = timezone.get_current_timezone()
        return (
            dt.datetime.combine(self.start, dt.time.min, tzinfo=tz),
            dt.datetime.combine(self.end, dt.time.min, tzinfo=tz),
        )


@dataclass(frozen=True)
class Tally:
    """Raw counts for one unit, grid or category."""

    dispatched: int = 0
    responded: int = 0
    resolutions: Mapping[str, int] = field(default_factory=dict)
    satisfactions: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Rates:
    response: float | None
    resolution: float | None
    satisfaction: float | None
    composite: float | None


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def rates_of(
    tally: Tally,
    *,
    weights: Mapping[str, float],
    resolution_credit: Mapping[str, float],
    satisfaction_credit: Mapping[str, float],
) -> Rates:
    called_back = sum(tally.resolutions.values())
    resolved = sum(resolution_credit.get(k, 0.0) * n for k, n in tally.resolutions.items())
    rated = {k: n for k, n in tally.satisfactions.items() if k != Satisfaction.UNRATED}
    satisfied = sum(satisfaction_credit.get(k, 0.0) * n for k, n in rated.items())
    response = _ratio(tally.responded, tally.dispatched)
    resolution = _ratio(resolved, called_back)
    satisfaction = _ratio(satisfied, sum(rated.values()))
    return Rates(
        response, resolution, satisfaction, composite_score(response, resolution, satisfaction, weights)
    )


def composite_score(
    response: float | None, resolution: float | None, satisfaction: float | None, weights: Mapping[str, float]
) -> float | None:
    parts = [
        (weights["response"], response),
        (weights["resolution"], resolution),
        (weights["satisfaction"], satisfaction),
    ]
    present = [(w, r) for w, r in parts if r is not None and w]
    total = sum(w for w, _ in present)
    return 100 * sum(w * r for w, r in present) / total if total else None


@dataclass(frozen=True)
class RedBlackLists:
    red: list  # keys, best first
    black: list  # keys, worst first


def red_and_black_lists(composites: Mapping[object, float | None], size: int) -> RedBlackLists:
    """Top `size` (红榜) and bottom `size` (黑榜) by composite score; unscored keys are on neither; a key is
    on one list at most; ties are broken by key so every run lists the same."""
    scored = sorted(((s, k) for k, s in composites.items() if s is not None), key=lambda p: (-p[0], p[1]))
    red = [k for _, k in scored[:size]]
    rest = [p for p in scored if p[1] not in red]
    black = [k for _, k in sorted(rest, key=lambda p: (p[0], p[1]))[:size]]
    return RedBlackLists(red=red, black=black)


# --- figures from the database -------------------------------------------------------------------------


def tallies(group: str, period: Period, appeals: QuerySet[Appeal] | None = None) -> dict[object, Tally]:
    """Counts per unit, grid or category (`group`) for the period, optionally within some appeals (e.g. an
    actor's scope, `appeals_for(actor)`)."""
    key = F(GROUP_FIELDS[group])
    start, end = period.bounds()
    assignments = AppealAssignment.objects.scored_rounds().filter(assigned_at__gte=start, assigned_at__lt=end)
    callbacks = Callback.objects.filter(at__gte=start, at__lt=end)
    if appeals is not None:
        assignments = assignments.filter(appeal__in=appeals)
        callbacks = callbacks.filter(appeal__in=appeals)
    counts: dict[object, dict] = defaultdict(
        lambda: {
            "dispatched": 0,
            "responded": 0,
            "resolutions": defaultdict(int),
            "satisfactions": defaultdict(int),
        }
    )
    for row in assignments.values(key=key).annotate(
        dispatched=Count("pk"), responded=Count("pk", filter=Q(signed_at__lte=F("sign_due")))
    ):
        counts[row["key"]]["dispatched"] += row["dispatched"]
        counts[row["key"]]["responded"] += row["responded"]
    for row in callbacks.values("resolution", "satisfaction", key=key).annotate(n=Count("pk")):
        counts[row["key"]]["resolutions"][row["resolution"]] += row["n"]
        counts[row["key"]]["satisfactions"][row["satisfaction"]] += row["n"]
    return {
        key: Tally(c["dispatched"], c["responded"], dict(c["resolutions"]), dict(c["satisfactions"]))
        for key, c in counts.items()
        if key is not None
    }


def _configured_rates(tally: Tally) -> Rates:
    return rates_of(
        tally,
        weights=appeals_setting("SCORE_WEIGHTS"),
        resolution_credit=appeals_setting("SCORE_RESOLUTION_CREDIT"),
        satisfaction_credit=appeals_setting("SCORE_SATISFACTION_CREDIT"),
    )


def scores(group: str, period: Period, appeals: QuerySet[Appeal] | None = None) -> dict[object, Rates]:
    """响应率, 解决率, 满意率 and the composite per unit, grid or category over the period."""
    return {key: _configured_rates(tally) for key, tally in tallies(group, period, appeals).items()}


def monthly_lists(year: int, month: int, group: str = "unit") -> RedBlackLists:
    """The month's red and black lists, CIVICGRID_SCORE_LIST_SIZE long."""
    composites = {key: rates.composite for key, rates in scores(group, Period.month(year, month)).items()}
    return red_and_black_lists(composites, appeals_setting("SCORE_LIST_SIZE"))


# --- property companies --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PropertyFigures:
    unit_id: int
    name: str
    quantity: int  # appeals dispatched to the company as 主办 in the period
    reopened: int  # of those, reopened at least once
    resolved: int  # of those, resolved now
    resolved_on_time: int
    satisfaction: float | None  # 满意率 over its callbacks in the period


@dataclass(frozen=True)
class PropertyRank:
    figures: PropertyFigures
    reopen_rate: float | None
    on_time_rate: float | None
    quality: float | None  # weighted satisfaction and (1 − reopen rate), as a percentage
    score: float | None  # quality and speed together, as a percentage
    quantity_rank: int
    quality_rank: int | None
    speed_rank: int | None


def _ranks(values: Mapping[int, float | None]) -> dict[int, int | None]:
    """1 for the highest value; None for no value; equal values are ranked by key."""
    ordered = sorted(((v, k) for k, v in values.items() if v is not None), key=lambda p: (-p[0], p[1]))
    ranks: dict[int, int | None] = dict.fromkeys(values)
    for position, (_, key) in enumerate(ordered, start=1):
        ranks[key] = position
    return ranks


def rank_property_companies_from(figures: Sequence[PropertyFigures], weights: Mapping[str, float]) -> list:
    """Rank companies by quantity (most appeals first), quality and speed (on-time rate); the list is ordered
    by the overall score, best first, unscored last."""
    derived = {}
    for f in figures:
        reopen = _ratio(f.reopened, f.quantity)
        on_time = _ratio(f.resolved_on_time, f.resolved)
        not_reopened = None if reopen is None else 1 - reopen
        quality_parts = [(weights["satisfaction"], f.satisfaction), (weights["not_reopened"], not_reopened)]
        all_parts = [*quality_parts, (weights["on_time"], on_time)]
        derived[f.unit_id] = (reopen, on_time, _weighted(quality_parts), _weighted(all_parts))
    quantity_ranks = _ranks({f.unit_id: f.quantity for f in figures})
    quality_ranks = _ranks({k: d[2] for k, d in derived.items()})
    speed_ranks = _ranks({k: d[1] for k, d in derived.items()})
    ranked = [
        PropertyRank(
            f,
            *derived[f.unit_id],
            quantity_ranks[f.unit_id],
            quality_ranks[f.unit_id],
            speed_ranks[f.unit_id],
        )
        for f in figures
    ]
    return sorted(ranked, key=lambda r: (r.score is None, -(r.score or 0), r.figures.unit_id))


def _weighted(parts: Sequence[tuple[float, float | None]]) -> float | None:
    present = [(w, v) for w, v in parts if v is not None and w]
    total = sum(w for w, _ in present)
    return 100 * sum(w * v for w, v in present) / total if total else None


def rank_property_companies(period: Period) -> list[PropertyRank]:
    start, end = period.bounds()
    companies = Unit.objects.filter(kind=UnitKind.PROPERTY_COMPANY, is_active=True).order_by("pk")
    satisfaction = {key: rates.satisfaction for key, rates in scores("unit", period).items()}
    figures = []
    for company in companies:
        rounds = AppealAssignment.objects.scored_rounds().filter(
            unit=company, assigned_at__gte=start, assigned_at__lt=end
        )
        appeals = Appeal.objects.filter(pk__in=rounds.values("appeal_id"))
        counts = appeals.aggregate(
            quantity=Count("pk", distinct=True),
            reopened=Count("pk", filter=Q(reopen_count__gt=0), distinct=True),
            resolved=Count("pk", filter=Q(resolved_at__isnull=False), distinct=True),
            on_time=Count("pk", filter=Q(resolved_at__lte=F("resolve_due")), distinct=True),
        )
        figures.append(
            PropertyFigures(
                unit_id=company.pk,
                name=company.name,
                quantity=counts["quantity"],
                reopened=counts["reopened"],
                resolved=counts["resolved"],
                resolved_on_time=counts["on_time"],
                satisfaction=satisfaction.get(company.pk),
            )
        )
    return rank_property_companies_from(figures, appeals_setting("PROPERTY_SCORE_WEIGHTS"))
