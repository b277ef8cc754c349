"""The reporting API (REP-2 … REP-6), scoped like the pages: a submission the caller may not see is a 404, an
action their role does not allow on one they see is a 403 (from the services, which decide it).

Writes go through the services; the upload and the enrolment after an approval run in the background, as on
the pages, and answer with the job's progress id and where to poll it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.utils.translation import get_language
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from teachnet.accounts.permissions import get_visible_or_404
from teachnet.accounts.rest_api.serializers import service_errors
from teachnet.accounts.roles import Perm
from teachnet.core.selectors import task_progress_for_owner

from .. import services
from ..models import Submission, SubmissionEvent, SubmissionRow, UploadAttempt
from ..selectors import submission_list_visible
from .serializers import (
    ApprovalSerializer,
    ReasonSerializer,
    SubmissionEventSerializer,
    SubmissionFilter,
    SubmissionOpenSerializer,
    SubmissionRowSerializer,
    SubmissionSerializer,
    TaskProgressSerializer,
    UploadAcceptedSerializer,
    UploadAttemptSerializer,
    UploadSerializer,
    progress_url,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@contextmanager
def _service_call() -> Iterator[None]:
    """service_errors(), plus the service's error codes ("closed", "not_editable", "empty" …) under `codes`,
    for a client to act on without parsing a translated message."""
    try:
        with service_errors():
            yield
    except serializers.ValidationError as exc:
        cause = exc.__cause__
        if isinstance(cause, DjangoValidationError):
            errors = (
                [e for found in cause.error_dict.values() for e in found]
                if hasattr(cause, "error_dict")
                else cause.error_list
            )
            codes = sorted({e.code for e in errors if e.code})
            if codes:
                exc.detail["codes"] = codes
        raise


def _submission(request, pk) -> Submission:
    return get_visible_or_404(
        actor=request.user,
        model=Submission,
        perm=Perm.REPORT_VIEW,
        pk=pk,
        queryset=Submission.objects.select_related("project", "region", "subject"),
    )


def _answer(request, submission: Submission, code: int = status.HTTP_200_OK) -> Response:
    # Re-read through the permission layer: the service's copy lacks the related rows the answer shows.
    fresh = _submission(request, submission.pk)
    return Response(SubmissionSerializer(fresh, context={"request": request}).data, status=code)


@extend_schema(tags=["reporting"])
class SubmissionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """上报表: the trainee and trainer tables the caller may see (REPORT_VIEW over their region)."""

    queryset = Submission.objects.none()  # the model, for the schema; get_queryset scopes every request
    serializer_class = SubmissionSerializer
    filterset_class = SubmissionFilter

    def get_queryset(self):
        return submission_list_visible(actor=self.request.user)

    def get_object(self):
        return _submission(self.request, self.kwargs["pk"])

    @extend_schema(
        summary="打开一张上报表",
        description=(
            "The table a city reports for one subject, or a province for its trainers: created on first "
            "use, then always the same one. Idempotent: 201 when this call created it, 200 when it already "
            "existed. A region or kind the caller may not report for is 403."
        ),
        request=SubmissionOpenSerializer,
        responses={
            200: OpenApiResponse(SubmissionSerializer, description="已存在，返回该表"),
            201: OpenApiResponse(SubmissionSerializer, description="新建"),
        },
    )
    def create(self, request):
        data = SubmissionOpenSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        existed = (
            submission_list_visible(actor=request.user, project=fields["project"])
            .filter(kind=fields["kind"], region=fields["region"], subject=fields.get("subject"))
            .exists()
        )
        # The service creates the table before it checks the caller's right to it: a refusal must not leave
        # an empty table behind in someone else's region.
        with _service_call(), transaction.atomic():
            submission = services.submission_open(
                actor=request.user,
                project=fields["project"],
                kind=fields["kind"],
                region=fields["region"],
                subject=fields.get("subject"),
            )
        return _answer(request, submission, status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    @extend_schema(
        summary="上传文件",
        description=(
            "Stores the file and starts its check in the background (202). Poll `progress_url`; when it is "
            "done, the attempt says whether the file was saved as the table's rows or what is wrong with it, "
            "row by row. A failed check changes nothing in the table."
        ),
        request={"multipart/form-data": UploadSerializer},
        responses={202: UploadAcceptedSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def upload(self, request, pk=None):
        submission = self.get_object()
        data = UploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with _service_call():
            attempt, task = services.upload_start(
                actor=request.user,
                submission=submission,
                uploaded_file=data.validated_data["file"],
                language=get_language(),
            )
        body = {
            "attempt": attempt.pk,
            "attempt_url": reverse(
                "reporting-attempt-detail", args=[submission.pk, attempt.pk], request=request
            ),
            "progress": task.pk,
            "progress_url": progress_url(request, task),
        }
        return Response(UploadAcceptedSerializer(body).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(summary="提交审核", request=None, responses=SubmissionSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        submission = self.get_object()
        with _service_call():
            submission = services.submission_submit(actor=request.user, submission=submission)
        return _answer(request, submission)

    @extend_schema(
        summary="审核通过",
        description=(
            "Approves the table and starts opening accounts and enrolling its people in the background: "
            "poll `progress_url`."
        ),
        request=None,
        responses=ApprovalSerializer,
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        submission = self.get_object()
        with _service_call():
            submission, task = services.approve_and_enroll(
                actor=request.user, submission=submission, language=get_language()
            )
        body = {
            "submission": _submission(request, submission.pk),
            "progress": task.pk,
            "progress_url": progress_url(request, task),
        }
        return Response(ApprovalSerializer(body, context={"request": request}).data)

    @extend_schema(summary="退回", request=ReasonSerializer, responses=SubmissionSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        submission = self.get_object()
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with _service_call():
            submission = services.submission_reject(
                actor=request.user, submission=submission, reason=data.validated_data["reason"]
            )
        return _answer(request, submission)

    @extend_schema(
        summary="重新开放",
        description=(
            f"Gives the table back to its submitter for {services.REOPEN_DAYS} days, past the deadline too."
        ),
        request=ReasonSerializer,
        responses=SubmissionSerializer,
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        submission = self.get_object()
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with _service_call():
            submission = services.submission_reopen(
                actor=request.user, submission=submission, reason=data.validated_data["reason"]
            )
        return _answer(request, submission)


class _SubmissionChildViewSet(viewsets.GenericViewSet):
    """Something of one submission: reachable only through a submission the caller may see."""

    @cached_property
    def submission(self) -> Submission:
        return _submission(self.request, self.kwargs["submission_id"])

    def get_object(self):
        obj = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if obj is None:
            raise Http404
        return obj


@extend_schema(tags=["reporting"])
class SubmissionRowViewSet(mixins.ListModelMixin, _SubmissionChildViewSet):
    """The people in a table, in file order. Numbers are masked."""

    queryset = SubmissionRow.objects.none()
    serializer_class = SubmissionRowSerializer

    def get_queryset(self):
        return self.submission.rows.select_related("region").order_by("row_no")

    @extend_schema(summary="删除一行", responses={204: None})
    def destroy(self, request, submission_id=None, pk=None):
        row = self.get_object()
        with _service_call():
            services.row_delete(actor=request.user, row=row)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["reporting"])
class UploadAttemptViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _SubmissionChildViewSet):
    """The files uploaded for a table, newest first, each with what its check found."""

    queryset = UploadAttempt.objects.none()
    serializer_class = UploadAttemptSerializer

    def get_queryset(self):
        return self.submission.attempts.select_related("uploaded_by")

    def perform_content_negotiation(self, request, force=False):
        # The marked copy is a file, whatever the client says it accepts; errors stay JSON.
        return super().perform_content_negotiation(request, force=force or self.action == "marked")

    @extend_schema(
        summary="下载错误标注副本",
        responses={(200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description="标注了错误的 xlsx 文件")},
    )
    def marked(self, request, submission_id=None, pk=None):
        attempt = self.get_object()
        path = Path(settings.PRIVATE_ROOT) / attempt.marked_path if attempt.marked_path else None
        if path is None or not path.is_file():
            raise Http404
        name = f"{Path(attempt.source_name).stem or 'roster'}-错误标注.xlsx"
        return FileResponse(open(path, "rb"), as_attachment=True, filename=name, content_type=XLSX)  # noqa: SIM115


@extend_schema(tags=["reporting"])
class SubmissionEventViewSet(mixins.ListModelMixin, _SubmissionChildViewSet):
    """The table's history: every upload, submission, review, reopening, deleted row and enrolment."""

    queryset = SubmissionEvent.objects.none()
    serializer_class = SubmissionEventSerializer

    def get_queryset(self):
        return self.submission.events.select_related("actor")


@extend_schema(tags=["reporting"])
class TaskProgressView(APIView):
    @extend_schema(
        summary="后台任务进度",
        description="A check or an enrolment the caller started. Anyone else's job is a 404.",
        responses=TaskProgressSerializer,
    )
    def get(self, request, pk):
        task = task_progress_for_owner(actor=request.user, progress_id=pk)
        return Response(TaskProgressSerializer(task).data)
