import json

from django.core.management.base import BaseCommand, CommandError

from civicgrid.appeals.management.commands.import_appeals import acting_account
from civicgrid.party import services
from civicgrid.party.models import Organisation
from civicgrid.party.roster import RosterError
from civicgrid.party.rules.violations import RuleViolation
from civicgrid.tables import InputError, read_table


class Command(BaseCommand):
    help = (
        "从党员花名册（CSV 或 .xlsx）把支部现有党员一次录入。"
        "列：姓名、手机号、党员状态、入党日期、转正日期、党费类别、党费基数、流动党员；"
        "任一行有错误则全部不导入，并逐行列出原因。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="CSV 或 .xlsx 文件")
        parser.add_argument("--branch", type=int, required=True, help="党支部编号")
        parser.add_argument("--user", help="以该账号的名义导入（记入留痕）；默认为系统")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出结构化结果（供程序使用）")
        parser.add_argument("--check", action="store_true", help="只检查并列出将导入的党员，不保存")

    def handle(self, *args, **options) -> None:
        as_json = options["json"]
        organisation = Organisation.objects.filter(pk=options["branch"]).first()
        if organisation is None:
            raise CommandError(f"党组织 {options['branch']} 不存在。")
        write = services.check_roster if options["check"] else services.import_roster
        try:
            done = write(
                organisation=organisation,
                rows=read_table(options["file"]),
                actor=acting_account(options["user"]),
            )
        except RosterError as error:
            problems = [{"row": p.row, "column": p.column, "message": p.message} for p in error.problems]
            self._result(as_json, {"ok": False, "problems": problems}, [str(p) for p in error.problems])
            raise CommandError(f"花名册有 {len(problems)} 处问题，未导入任何党员。") from error
        except (InputError, RuleViolation) as error:
            self._result(
                as_json, {"ok": False, "problems": [{"row": None, "column": None, "message": str(error)}]}
            )
            raise CommandError(str(error)) from error
        if options["check"]:
            known = sum(plan.person is not None for plan in done)
            self._result(
                as_json,
                {
                    "ok": True,
                    "imported": 0,
                    "would_import": [
                        {"row": p.row.number, "name": p.row.name, "known_person": p.person is not None}
                        for p in done
                    ],
                    "branch": organisation.name,
                },
                [
                    f"检查通过：可导入 {len(done)} 名党员到 {organisation.name}"
                    f"（{known} 人平台已有登记），未保存。"
                ],
            )
            return
        self._result(
            as_json,
            {"ok": True, "imported": len(done), "branch": organisation.name},
            [f"已导入 {len(done)} 名党员到 {organisation.name}。"],
        )

    def _result(self, as_json: bool, result: dict, lines: tuple[str, ...] | list[str] = ()) -> None:
        if as_json:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
        else:
            for line in lines:
                self.stdout.write(line)
