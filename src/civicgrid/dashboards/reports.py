"""分析研判报告, weekly and monthly, as Excel (openpyxl) and PDF, and the analysis module's Excel export.

The PDF is the report's HTML page printed by headless Chromium (Playwright `page.pdf()`): the same ECharts
charts as on screen, and Chromium embeds the (Noto CJK) fonts it used, so the file reads anywhere. The page
carries ECharts inline and is loaded with `set_content`, so printing needs no running web server.
"""

import concurrent.futures
import datetime as dt
import io
import os
import shutil
from dataclasses import dataclass

from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from civicgrid.directory.scope import Scope

from . import charts, pages, selectors
from .selectors import Filters

PERIODS = {"week": "周报（上周）", "month": "月报（上月）"}
PDF_TIMEOUT_MS = 60_000
PRINT_WIDTH_PX = 700  # (210 - 2 × 12) mm at 96 dpi
HEADER_FILL = PatternFill("solid", fgColor="1F4E8C")
HEADER_FONT = Font(bold=True, color="FFFFFF")


class Platform:
    """The platform itself as the reader of scheduled reports: the whole area, like an administrator."""

    is_authenticated = True
    is_active = True
    pk = None
    _civicgrid_scope = Scope(
        everything=True, grid_paths=(), unit_ids=frozenset(), person_id=None, roles=frozenset()
    )

    def __str__(self) -> str:
        return "系统"


def period_filters(period: str, today: dt.date | None = None) -> Filters:
    """Last full week (Monday to Sunday) or last full calendar month."""
    today = today or timezone.localdate()
    if period == "week":
        start = today - dt.timedelta(days=today.weekday() + 7)
        return Filters(start, start + dt.timedelta(days=7))
    end = today.replace(day=1)
    return Filters((end - dt.timedelta(days=1)).replace(day=1), end)


def period_title(period: str, filters: Filters) -> str:
    last = filters.end - dt.timedelta(days=1)
    if period == "week":
        year, week, _ = filters.start.isocalendar()
        return f"{year}年第{week}周（{filters.start:%m月%d日}—{last:%m月%d日}）"
    return f"{filters.start:%Y年%m月}"


def report_filename(period: str, filters: Filters, fmt: str) -> str:
    # Named in Chinese, as people find it among their downloads: 分析研判报告-周报-20261116.pdf.
    return f"分析研判报告-{PERIODS[period][:2]}-{filters.start:%Y%m%d}.{fmt}"


@dataclass
class Report:
    period: str
    title: str
    filters: Filters
    context: dict
    html: str

    def filename(self, fmt: str) -> str:
        return report_filename(self.period, self.filters, fmt)

    def pdf(self) -> io.BytesIO:
        return io.BytesIO(print_pdf(self.html))

    def workbook(self) -> io.BytesIO:
        return report_workbook(self)

    def content(self, fmt: str) -> bytes:
        return (self.pdf() if fmt == "pdf" else self.workbook()).getvalue()


def build(actor, period: str, today: dt.date | None = None) -> Report:
    """The report for the actor's scope over the last full week or month."""
    filters = period_filters(period, today)
    title = period_title(period, filters)
    context = pages.overview_context(actor, filters) | {
        "ranking": selectors.unit_ranking(actor, filters),
        "tree": selectors.category_tree(actor, filters),
        "warnings": selectors.early_warnings(actor),
    }
    context["rising"] = selectors.rising_categories(context["tree"])
    context["category_chart"] = charts.bar(
        [c.name for c in context["tree"]],
        {"本期": [c.count for c in context["tree"]], "上期": [c.previous for c in context["tree"]]},
    )
    html = render_to_string(
        "dashboards/report.html",
        context
        | {
            "report_title": f"问政分析研判报告 · {PERIODS[period][:2]} · {title}",
            "generated_at": timezone.localtime(),
            "reader": actor,
            "echarts_js": _static_text("vendor/echarts/echarts.min.js"),
            "charts_js": _static_text("dashboards/charts.js"),
            "css": _static_text("dashboards/report.css"),
        },
    )
    return Report(period, title, filters, context, html)


def _static_text(name: str) -> str:
    with open(finders.find(name), encoding="utf-8") as file:
        return file.read()


# --- PDF -----------------------------------------------------------------------------------------------


def chromium_path() -> str:
    path = (
        os.environ.get("CIVICGRID_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )
    if path is None:
        raise RuntimeError("未找到 Chromium，无法生成 PDF（make setup 会安装 Debian 的 chromium 包）。")
    return path


def _print(html: str) -> bytes:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), args=["--no-sandbox", "--disable-gpu", "--headless=new"]
        )
        try:
            # The printable width of A4 less the margins, so charts are drawn at the size they print.
            page = browser.new_page(locale="zh-CN", viewport={"width": PRINT_WIDTH_PX, "height": 1000})
            page.set_content(html, wait_until="load", timeout=PDF_TIMEOUT_MS)
            page.wait_for_function(
                "document.documentElement.dataset.chartsReady === 'true'", timeout=PDF_TIMEOUT_MS
            )
            return page.pdf(
                format="A4",
                print_background=True,
                margin={"top": "14mm", "bottom": "14mm", "left": "12mm", "right": "12mm"},
                display_header_footer=True,
                header_template="<span></span>",
                footer_template=(
                    '<div style="font-size:8px;width:100%;text-align:center;color:#666">'
                    '<span class="pageNumber"></span> / <span class="totalPages"></span></div>'
                ),
            )
        finally:
            browser.close()


def print_pdf(html: str) -> bytes:
    # A thread of its own: Playwright's sync API refuses to start where an event loop already runs (an
    # async server, or a test session that drives its own browser).
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_print, html).result()


# --- Excel ---------------------------------------------------------------------------------------------


def _sheet(workbook: Workbook, title: str, header: list[str], rows: list[list]) -> object:
    sheet = workbook.create_sheet(title)
    sheet.append(header)
    for cell in sheet[1]:
        cell.fill, cell.font, cell.alignment = HEADER_FILL, HEADER_FONT, Alignment(horizontal="center")
    for row in rows:
        sheet.append(row)
    for index, name in enumerate(header, start=1):
        width = max([len(str(name))] + [len(str(r[index - 1])) for r in rows if len(r) >= index])
        sheet.column_dimensions[get_column_letter(index)].width = min(max(10, 2 * width), 48)
    sheet.freeze_panes = "A2"
    return sheet


def _rate(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _percent_format(sheet, columns: str) -> None:
    for column in columns:
        for cell in sheet[column][1:]:
            cell.number_format = "0.0%"


def report_workbook(report: Report) -> io.BytesIO:
    context = report.context
    overview = context["overview"]
    workbook = Workbook()
    workbook.remove(workbook.active)
    summary = _sheet(
        workbook,
        "概览",
        ["指标", "数值"],
        [
            ["报告期", report.title],
            ["期间受理", overview.total],
            ["在办", overview.open],
            ["超期", overview.overdue],
            ["临期", overview.near_due],
            *[[label, _rate(value)] for label, value in context["rate_pairs"]],
        ],
    )
    for row in summary.iter_rows(min_row=7, max_row=9, min_col=2, max_col=2):
        row[0].number_format = "0.0%"
    trend = _sheet(workbook, "受理趋势", ["日期", "受理量"], [[d, n] for d, n in overview.trend])
    chart = LineChart()
    chart.title, chart.y_axis.title, chart.height, chart.width = "每日受理量", "件", 8, 18
    chart.add_data(
        Reference(trend, min_col=2, min_row=1, max_row=len(overview.trend) + 1), titles_from_data=True
    )
    chart.set_categories(Reference(trend, min_col=1, min_row=2, max_row=len(overview.trend) + 1))
    trend.add_chart(chart, "D2")
    units = _sheet(
        workbook,
        "部门排行",
        ["单位", "受理量", "超期", "响应率", "解决率", "满意率", "综合得分"],
        [
            [
                u.name,
                u.count,
                u.overdue,
                _rate(u.rates.response),
                _rate(u.rates.resolution),
                _rate(u.rates.satisfaction),
                None if u.rates.composite is None else round(u.rates.composite, 1),
            ]
            for u in context["ranking"]
        ],
    )
    _percent_format(units, "DEF")
    categories = _sheet(
        workbook,
        "行业分类",
        ["一级分类", "二级分类", "本期", "上期", "环比"],
        [
            [
                root.name,
                child.name if child is not root else "（合计）",
                child.count,
                child.previous,
                child.growth,
            ]
            for root in context["tree"]
            for child in [root, *root.children]
        ],
    )
    _percent_format(categories, "E")
    bars = BarChart()
    bars.title, bars.height, bars.width = "一级分类诉求量", 8, 18
    roots = [
        i
        for i, row in enumerate(categories.iter_rows(min_row=2, values_only=True), start=2)
        if row[1] == "（合计）"
    ]
    if roots:
        bars.add_data(Reference(categories, min_col=3, min_row=roots[0], max_row=roots[-1]))
        bars.set_categories(Reference(categories, min_col=1, min_row=roots[0], max_row=roots[-1]))
        categories.add_chart(bars, "G2")
    areas = _sheet(
        workbook,
        "地域分布",
        ["区域", "受理量", "响应率", "解决率", "满意率"],
        [
            [
                f.name,
                f.count,
                *(_rate(getattr(f.rates, k, None)) for k in ("response", "resolution", "satisfaction")),
            ]
            for f in context["region"].areas
        ],
    )
    _percent_format(areas, "CDE")
    _sheet(
        workbook,
        "预警",
        ["类型", "等级", "对象", "说明", "诉求数"],
        [[w.kind_label, w.severity, w.subject, w.explanation, len(w.appeals)] for w in context["warnings"]],
    )
    return _saved(workbook)


def analysis_workbook(actor, filters: Filters, rows: str, columns: str) -> io.BytesIO:
    """The analysis module's cross-tab and time series, as on screen."""
    table = selectors.cross_tab(actor, filters, rows, columns)
    workbook = Workbook()
    workbook.remove(workbook.active)
    header = [f"{table.row_label} \\ {table.column_label}", *table.columns, "合计"]
    body = [
        [r, *(table.cells.get((r, c), 0) for c in table.columns), table.row_totals[r]] for r in table.rows
    ]
    body.append(["合计", *(table.column_totals[c] for c in table.columns), table.total])
    sheet = _sheet(workbook, "交叉表", header, body)
    sheet.cell(row=len(body) + 1, column=1).font = Font(bold=True)
    last = filters.end - dt.timedelta(days=1)
    _sheet(workbook, "时间序列", ["时间", "受理量"], [list(p) for p in selectors.time_series(actor, filters)])
    _sheet(workbook, "说明", ["项目", "内容"], [["统计期间", f"{filters.start:%Y-%m-%d} 至 {last:%Y-%m-%d}"]])
    return _saved(workbook)


def _saved(workbook: Workbook) -> io.BytesIO:
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


# --- stored reports (schedule and command) -------------------------------------------------------------


def store(period: str, formats=("pdf", "xlsx"), today: dt.date | None = None) -> list[str]:
    """The whole area's report of the last full week or month, kept in the media storage under reports/.
    A period already stored is left alone, so the schedule may call this as often as it likes."""
    filters = period_filters(period, today)
    names = {fmt: f"reports/{report_filename(period, filters, fmt)}" for fmt in formats}
    missing = [fmt for fmt, name in names.items() if not default_storage.exists(name)]
    if missing:
        report = build(Platform(), period, today)
        for fmt in missing:
            default_storage.save(names[fmt], ContentFile(report.content(fmt)))
    return list(names.values())
