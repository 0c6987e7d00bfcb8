"""The weekly and monthly 分析研判报告: Excel with its sheets and charts; PDF with Chinese fonts embedded and
charts drawn, rendered to PNG pages in test-artifacts/ for people to look at; the command and the task."""

import datetime as dt
import io
import os
import shutil
import subprocess

import pytest
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from civicgrid.dashboards import reports
from civicgrid.dashboards.tasks import store_monthly_report

pytestmark = pytest.mark.django_db


def next_month() -> dt.date:
    """A day on which "last month" is this month, which holds most of the test history."""
    today = timezone.localdate()
    return dt.date(today.year + today.month // 12, today.month % 12 + 1, 1)


def test_periods_are_the_last_full_week_and_month():
    wednesday = dt.date(2026, 11, 18)
    week = reports.period_filters("week", wednesday)
    month = reports.period_filters("month", wednesday)
    assert (week.start, week.end) == (dt.date(2026, 11, 9), dt.date(2026, 11, 16))
    assert (month.start, month.end) == (dt.date(2026, 10, 1), dt.date(2026, 11, 1))
    assert reports.period_title("week", week) == "2026年第46周（11月09日—11月15日）"
    # The file is named in Chinese: no week or month leaks into the downloads folder.
    assert reports.report_filename("week", week, "pdf") == "分析研判报告-周报-20261109.pdf"
    assert reports.report_filename("month", month, "xlsx") == "分析研判报告-月报-20261001.xlsx"


def test_the_excel_report_has_every_section(city, history):
    report = reports.build(city.accounts["leader"], "month", next_month())
    workbook = load_workbook(report.workbook())
    assert workbook.sheetnames == ["概览", "受理趋势", "部门排行", "行业分类", "地域分布", "预警"]
    assert workbook["概览"]["B3"].value == report.context["overview"].total > 0
    assert workbook["受理趋势"]._charts and workbook["行业分类"]._charts


def test_a_secretarys_report_covers_her_community_only(city, history):
    report = reports.build(city.accounts["secretary"], "month", next_month())
    assert {f.name for f in report.context["region"].areas} <= {g.name for g in city.grids[:2]} | {
        "第1街道1社区本级"
    }


@pytest.mark.browser
def test_the_pdf_report_embeds_chinese_fonts_and_draws_its_charts(city, history, artifacts_dir):
    if not shutil.which("pdftoppm"):
        pytest.skip("needs poppler-utils (make setup installs it)")
    report = reports.build(city.accounts["leader"], "month", next_month())
    pdf = report.pdf().getvalue()
    assert pdf.startswith(b"%PDF")
    path = os.path.join(artifacts_dir, "dashboards-report-month.pdf")
    with open(path, "wb") as file:
        file.write(pdf)
    # Every font is embedded (Chromium writes Noto CJK's CFF outlines as Type 3 glyphs, with a ToUnicode map,
    # so the text stays searchable): the file reads the same on a machine without Chinese fonts.
    fonts = subprocess.run(
        ["pdffonts", path], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts
    prefix = os.path.join(artifacts_dir, "dashboards-report-month")
    subprocess.run(["pdftoppm", "-png", "-r", "70", path, prefix], check=True)
    pages = sorted(f for f in os.listdir(artifacts_dir) if f.startswith("dashboards-report-month-"))
    assert len(pages) >= 3
    text = subprocess.run(["pdftotext", path, "-"], capture_output=True, text=True, check=True).stdout
    assert "问政分析研判报告" in text and "部门办理情况" in text


@pytest.mark.browser
def test_the_command_and_the_scheduled_task_write_both_formats(city, history, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    out = io.StringIO()
    call_command(
        "dashboards", "report", "--period", "week", "--output", str(tmp_path), "--format", "xlsx", stdout=out
    )
    assert "已生成" in out.getvalue() and list(tmp_path.glob("*.xlsx"))
    names = store_monthly_report()
    assert [n.rsplit(".", 1)[1] for n in names] == ["pdf", "xlsx"]
    stored = [(tmp_path / "media" / n).stat() for n in names]
    assert all(s.st_size > 1000 for s in stored)
    # Within the period the schedule finds the report there and leaves it alone.
    assert store_monthly_report() == names
    assert [(tmp_path / "media" / n).stat().st_mtime_ns for n in names] == [s.st_mtime_ns for s in stored]


def test_the_rebuild_command_reports_its_rows(history):
    out = io.StringIO()
    call_command("dashboards", "rebuild", stdout=out)
    assert "诉求汇总" in out.getvalue()
