"""Periodic work of Q&A sessions: Celery beat (settings.CELERY_BEAT_SCHEDULE) or `teachnet qa …` (cron)."""

from celery import shared_task


@shared_task(name="qa.notify_starting")
def notify_starting() -> dict:
    """Tell learners of each session starting within QA_NOTIFY_MINUTES_BEFORE minutes, once per session."""
    from .services import sessions_notify_starting

    return sessions_notify_starting()


@shared_task(name="qa.archive_ended")
def archive_ended() -> int:
    """Archive the sessions whose planned end has passed and that no host ended."""
    from .services import sessions_archive_due

    return sessions_archive_due()
