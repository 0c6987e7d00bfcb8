"""Export of any list of appeals a screen shows to Excel (.xlsx), with Chinese headers.

`export_appeals(actor, appeals)` narrows the list to what the actor may see (selectors.appeals_for), streams
rows with openpyxl's write-only mode (constant memory, however long the list) and shows the citizen's contact
only to those privacy.contact_visible allows; everyone else gets it masked, as on the screens.

A view hooks it to a button:

    data = export_appeals(request.user, filtered_queryset, columns=["tracking_code", "title", "status"])
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(export_filename())
"""

import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from civicgrid.directory.scope import scope_of

from .errors import AppealError
from .models import Appeal, AppealAssignment, AppealContact, Category
from .privacy import contact_visible, mask_name, mask_phone
from .selectors import appeals_for

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 1_048_575  # Excel's sheet limit, less the header
CHUNK_SIZE = 2000
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


@dataclass(frozen=True)
class Row:
    """One appeal as the exporter sees it: the appeal, its contact as the actor may see it, category path."""

    appeal: Appeal
    contact_name: str
    contact_phone: str
    category: str


@dataclass(frozen=True)
class ExportColumn:
    key: str
    header: str
    width: int
    value: Callable[[Row], object]


def _local(moment: dt.datetime | None) -> dt.datetime | None:
    # Excel has no time zones: the local time people read on the screens.
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def _name(related) -> str:
    return related.name if related is not None else ""


COLUMNS: dict[str, ExportColumn] = {
    column.key: column
    for column in [
        ExportColumn("tracking_code", "查询码", 13, lambda r: r.appeal.tracking_code),
        ExportColumn("external_id", "来源编号", 16, lambda r: r.appeal.external_id),
        ExportColumn("channel", "渠道", 10, lambda r: r.appeal.get_channel_display()),
        ExportColumn("kind", "诉求类型", 8, lambda r: r.appeal.get_kind_display()),
        ExportColumn("category", "分类", 30, lambda r: r.category),
        ExportColumn("title", "标题", 30, lambda r: r.appeal.title),
        ExportColumn("text", "诉求内容", 60, lambda r: r.appeal.text),
        ExportColumn("urgency", "紧急程度", 8, lambda r: r.appeal.get_urgency_display()),
        ExportColumn("status", "状态", 8, lambda r: r.appeal.get_status_display()),
        ExportColumn("due_state", "时限状态", 8, lambda r: r.appeal.get_due_state_display()),
        ExportColumn("grid", "网格", 24, lambda r: _name(r.appeal.grid)),
        ExportColumn("compound", "小区", 14, lambda r: _name(r.appeal.compound)),
        ExportColumn("address", "地址", 30, lambda r: r.appeal.address),
        ExportColumn("main_unit", "主办单位", 24, lambda r: _name(r.appeal.main_unit)),
        ExportColumn("received_at", "受理时间", 17, lambda r: _local(r.appeal.received_at)),
        ExportColumn("dispatched_at", "派单时间", 17, lambda r: _local(r.appeal.dispatched_at)),
        ExportColumn("resolve_due", "办结时限", 17, lambda r: _local(r.appeal.resolve_due)),
        ExportColumn("resolved_at", "办结时间", 17, lambda r: _local(r.appeal.resolved_at)),
        ExportColumn("is_supervised", "督办中", 7, lambda r: "是" if r.appeal.is_supervised else "否"),
        ExportColumn("reply", "办理答复", 60, lambda r: r.appeal.reply),
        ExportColumn("contact_name", "诉求人", 10, lambda r: r.contact_name),
        ExportColumn("contact_phone", "联系电话", 14, lambda r: r.contact_phone),
    ]
}
DEFAULT_COLUMNS = (
    "tracking_code",
    "channel",
    "kind",
    "category",
    "title",
    "status",
    "due_state",
    "grid",
    "compound",
    "main_unit",
    "received_at",
    "resolve_due",
    "resolved_at",
    "contact_name",
    "contact_phone",
)
CONTACT_COLUMNS = frozenset({"contact_name", "contact_phone"})


def export_filename(now: dt.datetime | None = None) -> str:
    return f"诉求导出-{timezone.localtime(now or timezone.now()):%Y%m%d-%H%M}.xlsx"


def export_appeals(
    actor,
    appeals: QuerySet[Appeal],
    columns: Sequence[str] = DEFAULT_COLUMNS,
    *,
    output: str | Path | BinaryIO | None = None,
) -> bytes | None:
    """The appeals (any filtered queryset; only those in the actor's scope are exported) as an .xlsx workbook:
    returned as bytes, or written to `output` (a path or a binary file) when given."""
    unknown = [key for key in columns if key not in COLUMNS]
    if unknown or not columns:
        raise AppealError("unknown_column", f"未知的导出列：{'、'.join(unknown) or '（未选择任何列）'}。")
    visible = appeals.filter(pk__in=appeals_for(actor).values("pk"))
    if visible.count() > MAX_ROWS:
        raise AppealError("export_too_large", f"导出超过 Excel 上限 {MAX_ROWS} 行，请缩小筛选范围。")
    chosen = [COLUMNS[key] for key in columns]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("诉求")
    for index, column in enumerate(chosen, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    sheet.append([_header(sheet, column.header) for column in chosen])
    for row in _rows(actor, visible, with_contact=bool(CONTACT_COLUMNS & set(columns))):
        sheet.append([_cell(sheet, column.value(row)) for column in chosen])
    if output is not None:
        workbook.save(output)
        return None
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rows(actor, appeals: QuerySet[Appeal], *, with_contact: bool):
    scope = scope_of(actor)
    paths = category_paths()
    appeals = appeals.select_related("category", "grid", "compound", "main_unit").order_by(
        "-received_at", "-pk"
    )
    if with_contact:
        appeals = appeals.prefetch_related(
            Prefetch("contact", queryset=AppealContact.objects.all()),
            Prefetch(
                "assignments",
                queryset=AppealAssignment.objects.filter(is_active=True).only("appeal_id", "unit_id"),
                to_attr="active_assignments",
            ),
        )
    for appeal in appeals.iterator(chunk_size=CHUNK_SIZE):
        name = phone = ""
        contact = getattr(appeal, "contact", None) if with_contact else None
        if contact is not None:
            assigned = frozenset(a.unit_id for a in appeal.active_assignments)
            if contact_visible(scope, is_anonymous=appeal.is_anonymous, assigned_unit_ids=assigned):
                name, phone = contact.name, contact.phone
            else:
                name, phone = mask_name(contact.name), mask_phone(contact.phone)
        yield Row(appeal, name, phone, paths.get(appeal.category_id, ""))


def category_paths() -> dict[int, str]:
    """Category id → its full path, 一级/二级/三级."""
    nodes = {pk: (name, parent) for pk, name, parent in Category.objects.values_list("pk", "name", "parent")}
    paths = {}
    for pk in nodes:
        names, current = [], pk
        while current is not None:
            name, current = nodes[current]
            names.append(name)
        paths[pk] = "/".join(reversed(names))
    return paths


def _header(sheet, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=text)
    cell.font = Font(bold=True)
    return cell


def _cell(sheet, value):
    if isinstance(value, dt.datetime):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATETIME_FORMAT
        return cell
    return value
