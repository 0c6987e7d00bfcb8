"""Excel ledgers a branch hands to its higher committee: the 三会一课 ledger and the dues ledger."""

from datetime import date
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from . import roster, selectors
from .models import Organisation
from .rules.dates import month_start
from .rules.dues import DuesCategory

MEETING_COLUMNS = [
    ("日期", 12),
    ("类型", 12),
    ("主题", 24),
    ("地点", 18),
    ("主持人", 10),
    ("记录人", 10),
    ("应到", 6),
    ("实到", 6),
    ("缺席人员及原因", 28),
    ("议程", 36),
    ("决议事项", 36),
    ("表决情况", 36),
]
COMPLIANCE_COLUMNS = [("期间", 16), ("会议类型", 14), ("频次要求", 10), ("开展情况", 10), ("召开日期", 24)]
MONTHS = [f"{m}月" for m in range(1, 13)]


def _sheet(workbook: Workbook, title: str, columns: list[tuple[str, int]], first: bool = False):
    sheet = workbook.active if first else workbook.create_sheet()
    sheet.title = title
    sheet.append([name for name, _ in columns])
    for index, (_, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.cell(row=1, column=index).font = Font(bold=True)
    sheet.freeze_panes = "A2"
    return sheet


def roster_template_workbook() -> Workbook:
    """The roster layout `import_roster` reads, with one invented example row to overwrite."""
    workbook = Workbook()
    sheet = _sheet(workbook, "党员花名册", [(header, 14) for header in roster.COLUMNS.values()], first=True)
    for row in roster.template_rows():
        sheet.append([row[header] for header in roster.COLUMNS.values()])
    return workbook


def meeting_ledger_workbook(organisation: Organisation, year: int, today: date) -> Workbook:
    """One row per meeting of the year, and a second sheet with the compliance calendar."""
    workbook = Workbook()
    sheet = _sheet(workbook, "三会一课台账", MEETING_COLUMNS, first=True)
    for meeting in selectors.meeting_ledger(organisation, year):
        attendance = list(meeting.attendance.all())
        absent = [f"{a.member}（{a.absence_reason}）" for a in attendance if not a.present]
        votes = [
            f"{v.subject}：应到{v.due_voting} 实到{v.present_voting} 赞成{v.yes} 反对{v.no} 弃权{v.abstain}"
            f" 书面赞成{v.written_yes} 书面反对{v.written_no}，{'通过' if v.passed else '未通过'}"
            for v in meeting.votes.all()
        ]
        sheet.append(
            [
                meeting.held_on,
                meeting.get_kind_display(),
                meeting.topic,
                meeting.place,
                str(meeting.chair),
                str(meeting.recorder),
                len(attendance),
                sum(a.present for a in attendance),
                "；".join(absent),
                meeting.agenda,
                meeting.resolutions,
                "；".join(votes),
            ]
        )
        sheet.cell(row=sheet.max_row, column=1).number_format = "yyyy-mm-dd"
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    calendar = _sheet(workbook, "开展情况", COMPLIANCE_COLUMNS)
    as_of = min(today, date(year, 12, 31))
    for entry in selectors.health_of([organisation], as_of)[0].calendar:
        if entry.period.start.year == year:
            calendar.append(
                [
                    entry.period.label,
                    entry.kind_label,
                    entry.frequency_label,
                    entry.status_label,
                    "、".join(d.isoformat() for d in entry.held_on),
                ]
            )
    return workbook


def dues_ledger_workbook(organisation: Organisation, year: int, today: date) -> Workbook:
    """One row per member: category, base, this month's amount, and what was paid each month of the year
    ("欠" for a month due and unpaid, "免" for an approved exemption, blank before the ledger starts)."""
    workbook = Workbook()
    columns = [("姓名", 10), ("类别", 16), ("基数（元）", 12), ("月应交（元）", 12)]
    columns += [(m, 8) for m in MONTHS] + [("已交合计（元）", 14), ("欠交月数", 10)]
    sheet = _sheet(workbook, f"{year}年党费台账", columns, first=True)
    categories = dict(DuesCategory.CHOICES)
    payments: dict[tuple[int, int], Decimal] = {
        (p.member_id, p.month.month): p.amount for p in selectors.dues_ledger(organisation, year)
    }
    # The current month is not late yet: only earlier months unpaid are arrears (欠).
    current = month_start(today)
    for member in selectors.members_with_dues(organisation):
        start = max(month_start(member.dues_from), month_start(member.admitted_on))
        amounts = selectors.dues_for_months(member, [date(year, m, 1) for m in range(1, 13)])
        cells: list = []
        total, unpaid = Decimal("0.00"), 0
        for month in range(1, 13):
            first = date(year, month, 1)
            paid = payments.get((member.pk, month))
            if paid is not None:
                cells.append(paid)
                total += paid
            elif first < start or first >= current:
                cells.append("")
            elif amounts[first] == 0:
                cells.append("免")
            else:
                cells.append("欠")
                unpaid += 1
        amount = amounts[current if current.year == year else date(year, 12, 1)]
        sheet.append(
            [str(member), categories[member.dues_category], member.dues_base, amount, *cells, total, unpaid]
        )
    voluntary = _sheet(
        workbook, "自愿多交党费", [("姓名", 10), ("交纳日期", 12), ("金额（元）", 12), ("全额上缴中央", 14)]
    )
    for payment in selectors.voluntary_dues_of(organisation, year):
        voluntary.append(
            [str(payment.member), payment.paid_on, payment.amount, "是" if payment.to_centre else ""]
        )
    return workbook
