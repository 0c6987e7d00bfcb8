"""Periodic work of the appeals domain (Celery beat in production, the serve loop in development)."""

from dataclasses import asdict

from celery import shared_task

from .services import refresh_due_states


@shared_task(name="civicgrid.appeals.tasks.check_deadlines")
def check_deadlines() -> dict:
    """Mark near-due and overdue appeals, notify their units, put newly overdue ones under 督办."""
    return asdict(refresh_due_states())
