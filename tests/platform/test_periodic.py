import pytest
from celery import shared_task

from civicgrid.periodic import PeriodicLoop

# The loop closes stale database connections around each task, as a long-lived thread must.
pytestmark = pytest.mark.django_db

RUNS: list[str] = []


@shared_task(name="tests.platform.record_run")
def record_run() -> None:
    RUNS.append("ran")


@shared_task(name="tests.platform.always_fails")
def always_fails() -> None:
    raise RuntimeError("boom")


def test_loop_runs_each_task_at_start_then_only_when_due():
    RUNS.clear()
    loop = PeriodicLoop({"rec": {"task": "tests.platform.record_run", "schedule": 3600}})
    assert loop.run_due() == ["rec"]
    assert loop.run_due() == []
    assert RUNS == ["ran"]


def test_a_failing_task_does_not_stop_the_others():
    RUNS.clear()
    loop = PeriodicLoop(
        {
            "bad": {"task": "tests.platform.always_fails", "schedule": 60},
            "rec": {"task": "tests.platform.record_run", "schedule": 60},
        }
    )
    assert loop.run_due() == ["bad", "rec"]
    assert RUNS == ["ran"]


def test_production_schedule_names_registered_tasks():
    from django.conf import settings

    from civicgrid.celery import app

    loop = PeriodicLoop()
    for task_name, _ in loop.entries.values():
        assert task_name in app.tasks, task_name
    assert set(loop.entries) == set(settings.CELERY_BEAT_SCHEDULE)
