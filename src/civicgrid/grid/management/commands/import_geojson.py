import json
import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from civicgrid.grid.services import import_geojson


def _progress(iterable, *, total: int, desc: str):
    # Shown on stderr, and only when a run lasts long enough to need it.
    return tqdm(iterable, total=total, desc=desc, unit="个", file=sys.stderr, delay=1)


class Command(BaseCommand):
    help = "导入网格或小区边界（GeoJSON FeatureCollection）；任一要素有错误则不保存任何数据。"

    def add_arguments(self, parser):
        parser.add_argument("path", help="GeoJSON 文件路径")
        parser.add_argument("--level", help="要素未写 level 时使用的层级（键名、中文名或序号）")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出结构化报告（供程序使用）")

    def handle(self, *args, path: str, level: str | None, **options):
        report = import_geojson(path, level=level, progress=_progress)
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        else:
            for error in report.errors:
                self.stdout.write(f"{error.where}：{error.message}（{error.code}）")
        if not report.ok:
            raise CommandError(report.summary)
        if not options["json"]:
            self.stdout.write(self.style.SUCCESS(report.summary))
