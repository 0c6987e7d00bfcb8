"""积分: a base score plus entries per reason, each reason capped per year. Advisory only: nothing in the
platform decides a member's standing from points."""

from collections.abc import Iterable
from decimal import Decimal

from ..conf import party_setting


def points_scheme() -> dict:
    return party_setting("POINTS")


def reason_label(reason: str) -> str:
    # A reason dropped from the scheme later still labels its old entries.
    return points_scheme()["reasons"].get(reason, {}).get("label", reason)


def points_for(reason: str, quantity: Decimal | int = 1) -> Decimal:
    return Decimal(str(points_scheme()["reasons"][reason]["points"])) * Decimal(quantity)


def yearly_score(entries: Iterable[tuple[str, Decimal]]) -> Decimal:
    """Base + each reason's yearly sum within its cap, kept between 0 and the scheme's maximum."""
    scheme = points_scheme()
    by_reason: dict[str, Decimal] = {}
    for reason, points in entries:
        by_reason[reason] = by_reason.get(reason, Decimal(0)) + Decimal(points)
    score = Decimal(scheme["base"])
    for reason, total in by_reason.items():
        cap = scheme["reasons"][reason]["yearly_cap"]
        if cap is not None:
            total = max(min(total, Decimal(cap)), -Decimal(cap))
        score += total
    return min(max(score, Decimal(0)), Decimal(scheme["max"]))
