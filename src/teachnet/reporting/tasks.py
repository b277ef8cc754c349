"""Long jobs of the reporting app, on Celery or in-process, reported through TaskProgress."""

from celery import shared_task
from django.utils.translation import override

from teachnet.core.services import ProgressReporter


@shared_task(name="reporting.enroll_submission")
def enroll_submission(progress_id: str, submission_id: int, language: str = "zh-hans") -> None:
    from .models import Submission
    from .services import submission_enroll

    reporter = ProgressReporter(progress_id)
    with override(language):
        try:
            submission_enroll(submission=Submission.objects.get(pk=submission_id), reporter=reporter)
        except Exception as exc:  # the page must show the failure, whatever it was
            reporter.fail(message=str(exc) or exc.__class__.__name__)
            raise


@shared_task(name="reporting.check_upload")
def check_upload(progress_id: str, attempt_id: int, language: str = "zh-hans") -> None:
    from .models import UploadAttempt
    from .services import upload_attempt_run

    reporter = ProgressReporter(progress_id)
    with override(language):
        try:
            upload_attempt_run(attempt=UploadAttempt.objects.get(pk=attempt_id), reporter=reporter)
        except Exception as exc:  # the page must show the failure, whatever it was
            reporter.fail(message=str(exc) or exc.__class__.__name__)
            raise
