import json
import re
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from civicgrid.appeals.imports import CompoundScatter, ImportFileError, import_appeals, load_mapping
from civicgrid.appeals.management.commands.import_appeals import (
    acting_account,
    file_error,
    write_report,
)

MAPPING = "teddy2020"
# The organiser's samples repeat rows of the full files (one repeats an id): a directory import skips them.
SAMPLE_MARK = "sample"


def message_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return sorted(p for p in path.glob("*.csv") if SAMPLE_MARK not in p.name and _has_messages(p))


def _has_messages(path: Path) -> bool:
    with path.open(encoding="utf-8-sig", errors="replace") as stream:
        header = stream.readline()
    return "留言编号" in header and "留言详情" in header


def source_of(path: Path) -> str:
    """The attachment a file comes from (附件2, 附件3 …): message numbers are only unique within one, and the
    CSV and .xlsx of one attachment share them."""
    found = re.search(r"附件\d", path.stem)
    return found.group(0) if found else path.stem


class Command(BaseCommand):
    help = (
        "把真实留言（2020 泰迪杯 C 题数据）导入为诉求，丰富演示数据：留言编号去重，"
        "地名已脱敏，故按编号确定性地随机落在演示城市的小区内。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "path",
            nargs="?",
            help="留言文件（CSV 或 .xlsx），或包含它们的目录（默认：共享数据目录下的 teddy2020）",
        )
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出结构化报告（供程序使用）")
        parser.add_argument("--user", help="以该账号的名义导入（记入留痕）；默认为系统")

    def handle(self, *args, path: str | None, dry_run: bool, user: str | None, verbosity: int, **options):
        as_json = options["json"]
        root = Path(path) if path else Path(settings.SHARED_DATA_DIR) / "teddy2020"
        if not root.exists():
            raise CommandError(f"找不到留言数据：{root}")
        files = message_files(root)
        if not files:
            raise CommandError(f"{root} 中没有留言文件（含“留言编号”“留言详情”列的 CSV）。")
        mapping, actor, placer = load_mapping(MAPPING), acting_account(user), CompoundScatter()
        failed, results = [], []
        for file in files:
            try:
                report = import_appeals(
                    file,
                    mapping.with_prefix(f"{mapping.external_id_prefix}{source_of(file)}:"),
                    actor=actor,
                    dry_run=dry_run,
                    progress=verbosity > 0 and not as_json,
                    placer=placer,
                )
            except ImportFileError as error:
                self.stderr.write(f"{file.name}：{error.message}（{error.code}）")
                results.append(file_error(file.name, error))
                failed.append(file.name)
                continue
            results.append(report.as_dict())
            if not as_json:
                write_report(self, report, as_json=False)
            if not report.ok:
                failed.append(file.name)
        if as_json:
            self.stdout.write(json.dumps(results, ensure_ascii=False, indent=2))
        if failed:
            raise CommandError(f"以下文件有错误，未导入：{'、'.join(failed)}")
