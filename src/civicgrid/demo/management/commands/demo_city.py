import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from civicgrid.demo.accounts import print_demo_accounts
from civicgrid.demo.generator import DemoCityGenerator
from civicgrid.demo.selectors import demo_city_counts


def centre(value: str) -> tuple[float, float]:
    lat, lng = (float(part) for part in value.split(","))
    return lat, lng


class Command(BaseCommand):
    help = "生成演示城市（网格、小区、单位、人员，每个角色一个演示账号）；已生成时只打印演示账号。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--seed", type=int, help="随机种子（默认 CIVICGRID_DEMO_SEED）")
        parser.add_argument("--compounds", type=int, default=1000, help="小区数（默认 1000）")
        parser.add_argument(
            "--centre", type=centre, help="区中心坐标“纬度,经度”，演示数据不知道该区中心时需要"
        )

    def handle(self, *args, seed, compounds, centre, verbosity, **options) -> None:
        generator = DemoCityGenerator(seed=seed, compounds=compounds, centre=centre, progress=verbosity > 0)
        started = time.monotonic()
        try:
            city, created = generator.build()
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from error
        counts = "，".join(f"{name} {count}" for name, count in demo_city_counts(city).items())
        if created:
            self.stdout.write(f"演示城市已生成（{time.monotonic() - started:.1f} 秒）：{counts}")
        else:
            self.stdout.write(f"演示城市{city}已存在，未做改动：{counts}")
        print_demo_accounts(self.stdout)
