"""Long and timed jobs of homework, on Celery or in-process: the full copy re-check (with its progress bar)
and the daily "deadline approaching" notice (homework.notify_due, for Celery beat or `teachnet homework
notify-due`)."""

from celery import shared_task

from teachnet.core.services import run_reported


@shared_task(name="homework.recheck")
def recheck(progress_id: str, assignment_id: int, language: str = "zh-hans") -> None:
    from .models import Assignment
    from .services import similarity_recheck

    run_reported(
        progress_id,
        language,
        lambda reporter: similarity_recheck(
            assignment=Assignment.objects.get(pk=assignment_id), reporter=reporter
        ),
    )


@shared_task(name="homework.notify_due")
def notify_due() -> int:
    from .services import homework_notify_due

    return homework_notify_due()
