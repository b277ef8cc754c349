"""Reminders that nobody's click starts: "the deadline is in two days", "the Q&A starts in 30 minutes".

Apps register a job with `register(name, job)` in their AppConfig.ready; `job(now)` notifies whoever is due
and returns how many notices it sent (notify's subject_key makes a second run send nothing new). What runs the
jobs: in production Celery beat (settings.CELERY_BEAT_SCHEDULE, every REMINDER_INTERVAL seconds), or cron /
a systemd timer with `teachnet reminders`; the demo runs `teachnet reminders --loop` beside gunicorn.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from django.utils import timezone

log = logging.getLogger(__name__)

Job = Callable[[dt.datetime], int]
_JOBS: dict[str, Job] = {}


def register(name: str, job: Job) -> None:
    _JOBS[name] = job


def jobs() -> dict[str, Job]:
    return dict(_JOBS)


def run_due(now: dt.datetime | None = None, names: list[str] | None = None) -> dict[str, int]:
    """Run every job (or those named) once; one job's failure is logged and does not stop the others."""
    now = now or timezone.now()
    sent: dict[str, int] = {}
    for name, job in _JOBS.items():
        if names is not None and name not in names:
            continue
        try:
            sent[name] = job(now)
        except Exception:  # a broken reminder must not silence the rest
            log.exception("reminder job %s failed", name)
            sent[name] = -1
    return sent
