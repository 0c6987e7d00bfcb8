"""组织关系转接: a 介绍信 is valid for a few months from issue; the receipt comes back within a month."""

from datetime import date

from ..conf import party_setting
from .dates import add_months
from .violations import RuleViolation, cn_date


def letter_valid_until(issued_on: date) -> date:
    return add_months(issued_on, party_setting("TRANSFER_LETTER_VALID_MONTHS"))


def check_acceptance(issued_on: date, accepted_on: date) -> None:
    if accepted_on < issued_on:
        raise RuleViolation(
            "transfer_order", "先开具后接收", f"接收 {cn_date(accepted_on)} 早于开具 {cn_date(issued_on)}。"
        )
    valid_until = letter_valid_until(issued_on)
    if accepted_on > valid_until:
        raise RuleViolation(
            "transfer_letter_expired",
            "介绍信在有效期内使用",
            f"介绍信 {cn_date(issued_on)} 开具，有效期至 {cn_date(valid_until)}，"
            f"接收 {cn_date(accepted_on)} 时已过期，须重新开具。",
        )


def receipt_due(accepted_on: date) -> date:
    return add_months(accepted_on, party_setting("TRANSFER_RECEIPT_MONTHS"))


def receipt_overdue(accepted_on: date, returned_on: date | None, today: date) -> bool:
    due = receipt_due(accepted_on)
    return (returned_on or today) > due
