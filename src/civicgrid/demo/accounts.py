"""The demo accounts, one per role, and the table of them that demo-city and serve print for visitors."""

import unicodedata
from dataclasses import dataclass
from typing import TextIO

from django.conf import settings

from civicgrid.directory.models import Account, Role

from .models import DemoCity


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    # What the role is scoped to, resolved by the generator: district, community, resident_group,
    # department or property_company; None for the administrator (the whole platform).
    scope: str | None
    title: str = ""

    @property
    def role_title(self) -> str:
        return self.title or self.role.label


DEMO_ACCOUNTS = (
    DemoAccount("admin", Role.ADMINISTRATOR, None),
    DemoAccount("leader", Role.LEADER, "district"),
    DemoAccount("supervisor", Role.SUPERVISOR, "district"),
    DemoAccount("dispatcher", Role.DISPATCHER, "district"),
    DemoAccount("secretary", Role.COMMUNITY_SECRETARY, "community"),
    DemoAccount("gridworker", Role.GRID_WORKER, "resident_group"),
    DemoAccount("handler", Role.DEPARTMENT_HANDLER, "department"),
    DemoAccount("property", Role.DEPARTMENT_HANDLER, "property_company", title="物业承办人"),
    DemoAccount("citizen", Role.CITIZEN, "resident_group"),
    DemoAccount("partymember", Role.PARTY_MEMBER, "resident_group"),
)

TABLE_HEADER = ("角色", "用户名", "密码", "范围")


def demo_accounts_table() -> list[tuple[str, str, str, str]]:
    """(角色, 用户名, 密码, 范围) of each demo account; empty until a demo city has been built."""
    if not DemoCity.objects.exists():
        return []
    usernames = [demo.username for demo in DEMO_ACCOUNTS]
    found = Account.objects.filter(username__in=usernames).prefetch_related("roles__grid", "roles__unit")
    accounts = {account.username: account for account in found}
    rows = []
    for demo in DEMO_ACCOUNTS:
        account = accounts.get(demo.username)
        assignment = account and next((a for a in account.roles.all() if a.role == demo.role), None)
        if assignment is None:
            continue
        where = str(assignment.grid or assignment.unit or "全平台")
        rows.append((demo.role_title, demo.username, settings.CIVICGRID_DEMO_PASSWORD, where))
    return rows


def print_demo_accounts(stdout: TextIO) -> None:
    rows = demo_accounts_table()
    if not rows:
        return
    widths = [max(_width(row[i]) for row in [TABLE_HEADER, *rows]) for i in range(len(TABLE_HEADER))]
    stdout.write("演示账号（每个角色一个）：\n")
    for row in [TABLE_HEADER, *rows]:
        line = "  ".join(_pad(cell, width) for cell, width in zip(row, widths, strict=True))
        stdout.write(line.rstrip() + "\n")


def _width(text: str) -> int:
    # CJK characters take two terminal columns; without this the table's columns drift apart.
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
