"""Scheduled work of the dashboards (Celery beat in production, the serve loop in development). Each task
stores the last full period's report once; calling it again within the period does nothing, so an hourly
schedule produces each report soon after its period ends."""

from celery import shared_task

from . import reports


@shared_task(name="civicgrid.dashboards.tasks.store_weekly_report")
def store_weekly_report() -> list[str]:
    return reports.store("week")


@shared_task(name="civicgrid.dashboards.tasks.store_monthly_report")
def store_monthly_report() -> list[str]:
    return reports.store("month")
