from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from civicgrid.demo.models import DemoCity
from civicgrid.party.demo import seed_party_demo


class Command(BaseCommand):
    help = "为演示城市生成党建演示数据（党组织、党员、会议、党费、发展党员、双报到任务）；已生成时不做改动。"

    def handle(self, *args, verbosity, **options) -> None:
        city = DemoCity.objects.select_related("district").first()
        if city is None:
            raise CommandError("尚未生成演示城市，请先运行 civicgrid demo-city。")
        demo = seed_party_demo(
            city.district,
            seed=settings.CIVICGRID_DEMO_SEED,
            today=timezone.localdate(),
            progress=verbosity > 0,
        )
        if demo is None:
            self.stdout.write("党建演示数据已存在，未做改动。")
            return
        self.stdout.write(
            f"党建演示数据已生成：党组织 {demo.organisations}，党员 {demo.members}，"
            f"会议 {demo.meetings}，发展党员档案 {demo.applications}。"
        )
