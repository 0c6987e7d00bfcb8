"""`civicgrid dashboards <action>`: rebuild the rollups from raw appeals, or write an 分析研判报告."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from civicgrid.dashboards import reports
from civicgrid.dashboards.services import rebuild_rollups


class Command(BaseCommand):
    help = "问政分析看板：重建汇总表，生成周报/月报（PDF 与 Excel）。"

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        actions.add_parser("rebuild", help="按原始诉求重建汇总表（迁移、批量导入之后或修复时）")
        report = actions.add_parser("report", help="生成全域分析研判报告")
        report.add_argument(
            "--period", choices=sorted(reports.PERIODS), default="week", help="week 周报，month 月报"
        )
        report.add_argument(
            "--output", type=Path, help="写到此目录（默认存入媒体存储 reports/ 目录）", default=None
        )
        report.add_argument("--format", choices=["pdf", "xlsx", "both"], default="both")

    def handle(self, *args, action: str, **options) -> None:
        if action == "rebuild":
            totals = rebuild_rollups(progress=True)
            self.stdout.write(
                f"已重建：诉求汇总 {totals['appeal_rows']} 行，考核汇总 {totals['score_rows']} 行。"
            )
            return
        formats = ("pdf", "xlsx") if options["format"] == "both" else (options["format"],)
        if options["output"] is None:
            for name in reports.store(options["period"], formats):
                self.stdout.write(f"已生成：{name}")
            return
        output: Path = options["output"]
        if output.exists() and not output.is_dir():
            raise CommandError(f"{output} 不是目录。")
        output.mkdir(parents=True, exist_ok=True)
        report = reports.build(reports.Platform(), options["period"])
        for fmt in formats:
            path = output / report.filename(fmt)
            path.write_bytes(report.content(fmt))
            self.stdout.write(f"已生成：{path}")
