"""党费: the monthly amount from the base (2008 rules), and arrears.

Rates apply to the whole base, not progressively: a wage of 3000.00 pays 0.5 % (15.00), 3000.01 pays 1 %
(30.00). Amounts are Decimal yuan rounded half-up to the fen.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from ..conf import party_setting

FEN = Decimal("0.01")


class DuesCategory:
    """Which rule computes a member's dues. The values are stored on the member."""

    EMPLOYED = "employed"
    RETIRED = "retired"
    FARMER = "farmer"
    STUDENT = "student"
    UNEMPLOYED = "unemployed"
    SUBSISTENCE = "subsistence"

    CHOICES = [
        (EMPLOYED, "在职（按工资）"),
        (RETIRED, "离退休（按养老金）"),
        (FARMER, "农民"),
        (STUDENT, "学生"),
        (UNEMPLOYED, "下岗失业"),
        (SUBSISTENCE, "享受低保"),
    ]


WAGE_CATEGORIES = frozenset({DuesCategory.EMPLOYED, DuesCategory.RETIRED})


def bracket_rate(base: Decimal, brackets) -> Decimal:
    for upper, rate in brackets:
        if upper is None or base <= Decimal(upper):
            return Decimal(rate)
    raise ValueError("the last dues bracket must have no upper bound")


def monthly_dues(category: str, base: Decimal | None) -> Decimal:
    """The monthly dues before any approved reduction."""
    if category == DuesCategory.EMPLOYED:
        brackets = party_setting("DUES_WAGE_BRACKETS")
    elif category == DuesCategory.RETIRED:
        brackets = party_setting("DUES_PENSION_BRACKETS")
    else:
        return Decimal(party_setting("DUES_FLAT_MONTHLY")[category]).quantize(FEN)
    base = Decimal(base or 0)
    if base < 0:
        raise ValueError("the dues base cannot be negative")
    return (base * bracket_rate(base, brackets)).quantize(FEN, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Arrears:
    unpaid_months: tuple[date, ...]
    consecutive_unpaid: int  # unpaid months running up to the last month due

    @property
    def warning(self) -> bool:
        """Six consecutive unpaid months without good reason are treated as leaving the party (自行脱党)."""
        return self.consecutive_unpaid >= party_setting("DUES_ARREARS_WARNING_MONTHS")


def voluntary_dues_to_centre(amount: Decimal) -> bool:
    """Whether a voluntary payment is handed over whole to the Central Organisation Department."""
    return Decimal(amount) >= Decimal(party_setting("DUES_VOLUNTARY_TO_CENTRE"))


def arrears(due_months: Iterable[date], settled_months: Iterable[date]) -> Arrears:
    """`settled_months` are months paid in full or exempted; months are first days of month."""
    due = sorted(set(due_months))
    settled = set(settled_months)
    unpaid = tuple(m for m in due if m not in settled)
    consecutive = 0
    for month in reversed(due):
        if month in settled:
            break
        consecutive += 1
    return Arrears(unpaid_months=unpaid, consecutive_unpaid=consecutive)
