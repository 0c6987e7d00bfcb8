"""A branch's roster (党员花名册) as a secretary keeps it in Excel: the rows it must have, how each is read.

Reading is all-or-nothing: every row is checked before anything is stored, and a file with any problem is
refused whole, each problem naming its row (the header is row 1) and column. Dates may be written
2015-07-01, 2015/7/1, 2015.7.1 or 2015年7月1日, or be Excel dates.
"""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from .models import MemberStatus
from .rules.dues import DuesCategory
from .rules.recruitment import check_membership_dates, rule_set
from .rules.violations import RuleViolation

# field -> header in the file
COLUMNS = {
    "name": "姓名",
    "phone": "手机号",
    "status": "党员状态",
    "admitted_on": "入党日期",
    "full_since": "转正日期",
    "dues_category": "党费类别",
    "dues_base": "党费基数",
    "is_mobile": "流动党员",
}
REQUIRED = ("name", "phone", "status", "admitted_on")
STATUSES = {"正式党员": MemberStatus.FULL, "预备党员": MemberStatus.PROBATIONARY}
# "在职（按工资）" or just "在职": the label before its explanation is enough.
DUES_CATEGORIES = {label.split("（")[0]: value for value, label in DuesCategory.CHOICES} | {
    label: value for value, label in DuesCategory.CHOICES
}
YES_NO = {"是": True, "否": False, "": False}
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?: 00:00:00)?$")
_PHONE = re.compile(r"^1\d{10}$")


@dataclass(frozen=True)
class RosterRow:
    number: int
    name: str
    phone: str
    status: str
    admitted_on: date
    full_since: date | None
    dues_category: str
    dues_base: Decimal
    is_mobile: bool


@dataclass(frozen=True)
class RosterProblem:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"第 {self.row} 行「{self.column}」：{self.message}"


class RosterError(ValueError):
    """The file is refused; `problems` says why, row by row."""

    def __init__(self, problems: list[RosterProblem]):
        super().__init__("；".join(str(p) for p in problems[:5]) + ("……" if len(problems) > 5 else ""))
        self.problems = problems


def template_rows() -> list[dict[str, str]]:
    """An example row for the downloadable template (an invented person)."""
    return [
        {
            "姓名": "张三",
            "手机号": "13800000000",
            "党员状态": "正式党员",
            "入党日期": "2015-07-01",
            "转正日期": "2016-07-01",
            "党费类别": "在职",
            "党费基数": "6000",
            "流动党员": "否",
        }
    ]


def _date(value: str) -> date | None:
    match = _DATE.match(value)
    if not match:
        raise ValueError("日期格式应为 2015-07-01")
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError as error:
        raise ValueError("不是有效的日期") from error


class _RowReader:
    """Reads one row's cells, collecting problems instead of stopping at the first."""

    def __init__(self, number: int, row: dict[str, str], problems: list[RosterProblem]):
        self.number, self.row, self.problems = number, row, problems

    def text(self, field: str) -> str:
        value = (self.row.get(COLUMNS[field]) or "").strip()
        if not value and field in REQUIRED:
            self.problem(field, "不能为空")
        return value

    def choice(self, field: str, choices: dict, default: str = ""):
        value = self.text(field) or default
        if value not in choices:
            shown = "、".join(k for k in choices if k and "（" not in k)  # short labels only
            self.problem(field, f"“{value}”不是可选值（{shown}）")
            return None
        return choices[value]

    def day(self, field: str) -> date | None:
        value = self.text(field)
        if not value:
            return None
        try:
            return _date(value)
        except ValueError as error:
            self.problem(field, f"“{value}”{error}")
            return None

    def amount(self, field: str) -> Decimal:
        value = self.text(field).replace(",", "") or "0"
        try:
            amount = Decimal(value)
        except InvalidOperation:
            amount = Decimal(-1)
        if not amount.is_finite() or amount < 0 or amount >= Decimal("1e8"):
            self.problem(field, f"“{value}”应为不小于 0 的金额（元/月）")
            return Decimal(0)
        return amount.quantize(Decimal("0.01"))

    def problem(self, field: str, message: str) -> None:
        self.problems.append(RosterProblem(self.number, COLUMNS[field], message))


def read_roster(rows: list[dict[str, str]]) -> list[RosterRow]:
    """The roster's rows, checked; raises RosterError naming every problem found."""
    if not rows:
        raise RosterError([RosterProblem(1, "表头", "文件没有数据行")])
    missing = [COLUMNS[field] for field in REQUIRED if COLUMNS[field] not in rows[0]]
    if missing:
        raise RosterError([RosterProblem(1, "表头", f"缺少列：{'、'.join(missing)}")])
    problems: list[RosterProblem] = []
    members, seen_phones = [], {}
    rules = rule_set()
    for number, row in enumerate(rows, start=2):
        cells = _RowReader(number, row, problems)
        found = len(problems)
        name, phone = cells.text("name"), re.sub(r"[\s-]", "", cells.text("phone"))
        if phone and not _PHONE.match(phone):
            cells.problem("phone", f"“{phone}”不是 11 位手机号")
        elif phone in seen_phones:
            cells.problem("phone", f"与第 {seen_phones[phone]} 行重复")
        seen_phones.setdefault(phone, number)
        status = cells.choice("status", STATUSES)
        admitted_on, full_since = cells.day("admitted_on"), cells.day("full_since")
        dues_category = cells.choice("dues_category", DUES_CATEGORIES, default="在职")
        dues_base = cells.amount("dues_base")
        is_mobile = cells.choice("is_mobile", YES_NO)
        if len(problems) > found or admitted_on is None:
            continue
        try:
            check_membership_dates(status == MemberStatus.FULL, admitted_on, full_since, rules)
        except RuleViolation as violation:
            cells.problem("full_since", violation.message)
            continue
        members.append(
            RosterRow(
                number, name, phone, status, admitted_on, full_since, dues_category, dues_base, is_mobile
            )
        )
    if problems:
        raise RosterError(problems)
    return members
