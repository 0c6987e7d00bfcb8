"""The in-process stand-in for Celery beat: runs CELERY_BEAT_SCHEDULE in a background thread.

Production runs `celery beat` and a worker against Redis; a single development process (`civicgrid serve`)
runs the same schedule here, so due-time checks happen without any other service.
"""

import logging
import threading
from datetime import timedelta

from celery.schedules import schedule as celery_schedule
from django.conf import settings
from django.db import close_old_connections, connections
from django.utils import timezone

from civicgrid.celery import app as celery_app

logger = logging.getLogger(__name__)


def _as_schedule(value) -> celery_schedule:
    if isinstance(value, celery_schedule):
        return value
    seconds = value.total_seconds() if isinstance(value, timedelta) else float(value)
    return celery_schedule(run_every=timedelta(seconds=seconds), app=celery_app)


class PeriodicLoop(threading.Thread):
    """Runs each scheduled task once at start, then whenever its schedule says it is due."""

    def __init__(self, beat_schedule: dict | None = None, tick_seconds: float = 5.0) -> None:
        super().__init__(name="civicgrid-periodic", daemon=True)
        celery_app.loader.import_default_modules()  # autodiscovery is lazy; the loop looks tasks up by name
        entries = settings.CELERY_BEAT_SCHEDULE if beat_schedule is None else beat_schedule
        self.entries = {
            name: (entry["task"], _as_schedule(entry["schedule"])) for name, entry in entries.items()
        }
        self.last_run: dict[str, object] = {}
        self.tick_seconds = tick_seconds
        self.stopped = threading.Event()

    def run_due(self) -> list[str]:
        """Run every entry that is due now; returns their names."""
        ran = []
        for name, (task_name, schedule) in self.entries.items():
            last = self.last_run.get(name)
            if last is not None and not schedule.is_due(last).is_due:
                continue
            self.last_run[name] = timezone.now()
            close_old_connections()
            try:
                celery_app.tasks[task_name].apply(throw=True)
            except Exception:
                # A failing job must not stop the others, nor the loop: log it and try at the next due time.
                logger.exception("periodic task %s failed", task_name)
            finally:
                close_old_connections()
            ran.append(name)
        return ran

    def run(self) -> None:
        try:
            while not self.stopped.is_set():
                self.run_due()
                self.stopped.wait(self.tick_seconds)
        finally:
            connections.close_all()  # this thread's own connections; nobody else can close them

    def stop(self) -> None:
        self.stopped.set()
