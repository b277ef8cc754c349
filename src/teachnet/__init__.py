"""teachnet: the public service platform of a teacher-education alliance."""

from .celery import app as celery_app

__all__ = ["celery_app"]
