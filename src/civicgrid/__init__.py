"""civicgrid: grid-based grassroots governance led by community party organisations."""

from .celery import app as celery_app

__all__ = ["celery_app"]
