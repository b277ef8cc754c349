"""The Celery app. With REDIS_URL the broker is Redis; without it tasks run in-process (see core.tasks)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "teachnet.settings")

app = Celery("teachnet")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
