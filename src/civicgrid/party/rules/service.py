"""双报到: the yearly minimum (a reported member who does less is flagged for the year's 民主评议) and the
periodic renewal of the registration."""

from datetime import date
from decimal import Decimal

from ..conf import party_setting
from .dates import add_months


def service_shortfalls(activities: int, hours: Decimal) -> list[str]:
    """What the member fell short of, in words for the appraisal list (empty when the minimum is met)."""
    minimum = party_setting("SERVICE_MINIMUM")
    shortfalls = []
    if minimum["activities"] is not None and activities < minimum["activities"]:
        shortfalls.append(f"参加活动 {activities} 次，少于 {minimum['activities']} 次")
    if minimum["hours"] is not None and hours < Decimal(str(minimum["hours"])):
        shortfalls.append(f"服务 {hours} 小时，少于 {minimum['hours']} 小时")
    return shortfalls


def renewal_due(last_registered: date, today: date) -> date | None:
    """The date the registration should have been renewed by, if that has passed; else None."""
    due = add_months(last_registered, party_setting("REPORT_RENEWAL_MONTHS"))
    return due if today > due else None
