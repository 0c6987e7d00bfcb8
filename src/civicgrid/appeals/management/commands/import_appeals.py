import json

from django.core.management.base import BaseCommand, CommandError

from civicgrid.appeals.imports import ImportFileError, ImportReport, import_appeals, load_mapping
from civicgrid.directory.models import Account


def write_report(command: BaseCommand, report: ImportReport, *, as_json: bool) -> None:
    """The report for people (one line per rejected row) or, with --json, for programs."""
    if as_json:
        command.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        return
    for problem in report.problems:
        column = f"［{problem.column}］" if problem.column else ""
        command.stdout.write(f"第 {problem.line} 行{column}：{problem.message}（{problem.code}）")
    if report.unlisted_problems:
        command.stdout.write(f"……另有 {report.unlisted_problems} 个问题未列出。")
    command.stdout.write(report.summary)


def file_error(path: str, error: ImportFileError) -> dict:
    return {"file": path, "ok": False, "error": {"code": error.code, "message": error.message}}


def acting_account(username: str | None):
    if username is None:
        return None
    account = Account.objects.filter(username=username).first()
    if account is None:
        raise CommandError(f"账号“{username}”不存在。")
    return account


class Command(BaseCommand):
    help = (
        "按列映射导入热线工单（CSV：UTF-8/GBK 自动识别，或 .xlsx）。按来源编号去重；"
        "任一行有错误则整个文件不导入，并逐行列出原因。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="CSV 或 .xlsx 文件")
        parser.add_argument(
            "--mapping", required=True, help="列映射：已保存映射的名称（如 hotline-12345）或 JSON 文件路径"
        )
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出结构化报告（供程序使用）")
        parser.add_argument("--user", help="以该账号的名义导入（记入留痕）；默认为系统")
        parser.add_argument(
            "--skip-urgent-check",
            action="store_true",
            help="不研判急难险重（默认对未办结、紧急程度为一般的工单逐条研判，每万行约 8–15 秒）",
        )

    def handle(
        self, *args, file: str, mapping: str, dry_run: bool, user: str | None, verbosity: int, **options
    ):
        as_json = options["json"]
        try:
            report = import_appeals(
                file,
                load_mapping(mapping),
                actor=acting_account(user),
                dry_run=dry_run,
                progress=verbosity > 0 and not as_json,
                check_urgency=not options["skip_urgent_check"],
            )
        except ImportFileError as error:
            if as_json:
                self.stdout.write(json.dumps(file_error(file, error), ensure_ascii=False, indent=2))
            raise CommandError(f"{error.message}（{error.code}）") from error
        write_report(self, report, as_json=as_json)
        if not report.ok:
            raise CommandError("文件有错误，未导入任何数据。")
