"""Sending notices outside the inbox, on Celery or in-process."""

from celery import shared_task


@shared_task(name="notifications.deliver")
def deliver(notification_ids: list[int]) -> None:
    from .services import deliver_now

    deliver_now(notification_ids)


@shared_task(name="notifications.run_reminders")
def run_reminders() -> dict[str, int]:
    from .periodic import run_due

    return run_due()
