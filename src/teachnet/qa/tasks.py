"""The Q&A session's periodic work as a Celery task of its own, for a deployment that schedules it apart; the
beat schedule runs it with the other reminders (notifications.periodic: "qa.notify_starting")."""

from celery import shared_task


@shared_task(name="qa.notify_starting")
def notify_starting() -> dict:
    """Tell learners of each session starting within QA_NOTIFY_MINUTES_BEFORE minutes, once per session."""
    from .services import sessions_notify_starting

    return sessions_notify_starting()
