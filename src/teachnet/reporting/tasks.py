"""Long jobs of the reporting app, on Celery or in-process, reported through TaskProgress."""

from celery import shared_task

from teachnet.core.services import run_reported


@shared_task(name="reporting.enroll_submission")
def enroll_submission(progress_id: str, submission_id: int, language: str = "zh-hans") -> None:
    from .models import Submission
    from .services import submission_enroll

    run_reported(
        progress_id,
        language,
        lambda reporter: submission_enroll(
            submission=Submission.objects.get(pk=submission_id), reporter=reporter
        ),
    )


@shared_task(name="reporting.check_upload")
def check_upload(progress_id: str, attempt_id: int, language: str = "zh-hans") -> None:
    from .models import UploadAttempt
    from .services import upload_attempt_run

    run_reported(
        progress_id,
        language,
        lambda reporter: upload_attempt_run(
            attempt=UploadAttempt.objects.get(pk=attempt_id), reporter=reporter
        ),
    )
