"""`civicgrid serve`: the development server together with the periodic loop (due-time checks)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from civicgrid.periodic import PeriodicLoop


class Command(BaseCommand):
    help = "启动开发服务器（含定时任务循环：到期检查等）"

    def add_arguments(self, parser):
        parser.add_argument(
            "addrport", nargs="?", default="127.0.0.1:8000", help="地址:端口，默认 127.0.0.1:8000"
        )
        parser.add_argument("--no-periodic", action="store_true", help="不启动定时任务循环")

    def handle(self, *args, addrport: str, no_periodic: bool, **options):
        if not no_periodic:
            loop = PeriodicLoop()
            loop.start()
            self.stdout.write(f"定时任务循环已启动：{', '.join(loop.entries) or '（无任务）'}")
        # The reloader would fork a second process, and with it a second loop.
        call_command("runserver", addrport, use_reloader=False)
