"""What the reporting API (REP-2 … REP-6) reads and writes: submissions, their rows (numbers masked, never in
full), upload attempts with the check's findings, the history, and the progress of the background jobs."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.reverse import reverse

from teachnet.accounts.rest_api.serializers import VisibleRelatedField
from teachnet.accounts.roles import Perm
from teachnet.core.models import TaskProgress
from teachnet.core.rest_api.fields import IdFilter, TextField
from teachnet.orgs.models import Region
from teachnet.orgs.rest_api.fields import RegionCodeField
from teachnet.training.models import Project, Subject

from .. import services
from ..models import Kind, Submission, SubmissionEvent, SubmissionRow, UploadAttempt


def _url(serializer: serializers.Serializer, name: str, *args) -> str:
    # Absolute when answering a request, as DRF's own hyperlinks are.
    return reverse(name, args=args, request=serializer.context.get("request"))


def progress_url(request, progress: TaskProgress | None) -> str | None:
    if progress is None:
        return None
    return reverse("reporting-progress-detail", args=[progress.pk], request=request)


# --- Submissions ------------------------------------------------------------------------------------------


class RegionBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name"]


class SubjectBriefSerializer(serializers.ModelSerializer):
    label = TextField(read_only=True, help_text="学段和学科，如“初中数学”")

    class Meta:
        model = Subject
        fields = ["id", "label"]


class SubmissionLinksSerializer(serializers.Serializer):
    """Where to go from a submission. `page` and `template` are the web pages (a signed-in browser)."""

    self = serializers.SerializerMethodField()
    rows = serializers.SerializerMethodField()
    attempts = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()
    upload = serializers.SerializerMethodField()
    page = serializers.SerializerMethodField()
    template = serializers.SerializerMethodField()

    def get_self(self, submission: Submission) -> str:
        return _url(self, "reporting-submission-detail", submission.pk)

    def get_rows(self, submission: Submission) -> str:
        return _url(self, "reporting-row-list", submission.pk)

    def get_attempts(self, submission: Submission) -> str:
        return _url(self, "reporting-attempt-list", submission.pk)

    def get_events(self, submission: Submission) -> str:
        return _url(self, "reporting-event-list", submission.pk)

    def get_upload(self, submission: Submission) -> str:
        return _url(self, "reporting-submission-upload", submission.pk)

    def get_page(self, submission: Submission) -> str:
        return _url(self, "reporting:detail", submission.pk)

    def get_template(self, submission: Submission) -> str:
        return _url(self, "reporting:template", submission.pk)


class SubmissionSerializer(serializers.ModelSerializer):
    """One table: a city's trainee table for one subject (学员信息表) or a province's trainer table
    (培训者信息表)."""

    kind_label = TextField(source="get_kind_display", read_only=True)
    region = RegionBriefSerializer(read_only=True)
    subject = SubjectBriefSerializer(read_only=True, allow_null=True, help_text="培训者信息表为 null")
    state_label = TextField(source="get_state_display", read_only=True)
    uploads_open = serializers.SerializerMethodField(
        help_text="此刻能否上传和提交：上报期限内，或审核人重新开放期间"
    )
    links = SubmissionLinksSerializer(source="*", read_only=True)

    class Meta:
        model = Submission
        fields = [
            "id",
            "project",
            "kind",
            "kind_label",
            "region",
            "subject",
            "state",
            "state_label",
            "row_count",
            "source_name",
            "uploaded_at",
            "reason",
            "reopened_until",
            "uploads_open",
            "links",
        ]
        read_only_fields = fields

    def get_uploads_open(self, submission: Submission) -> bool:
        return services.uploads_open(submission)


class SubmissionOpenSerializer(serializers.Serializer):
    """Which table to open: a city and a subject for a trainee table, a province for a trainer table."""

    # A project the caller cannot see is "does not exist", the same as a missing one.
    project = VisibleRelatedField(queryset=Project.objects.all(), perm=Perm.PROJECT_VIEW)
    kind = serializers.ChoiceField(choices=Kind.choices)
    # Division codes are a public standard: a region outside the caller's scope is a refusal (403).
    region = RegionCodeField(help_text="行政区划代码")
    subject = serializers.PrimaryKeyRelatedField(
        queryset=Subject.objects.all(), required=False, allow_null=True, help_text="学员信息表必填"
    )

    def validate(self, attrs):
        subject = attrs.get("subject")
        if subject is not None and subject.project_id != attrs["project"].pk:
            raise serializers.ValidationError({"subject": _("该项目没有这个学科。")}, code="does_not_exist")
        return attrs


class ReasonSerializer(serializers.Serializer):
    # Blank is left to the service, which says why a reason is needed.
    reason = TextField(allow_blank=True, max_length=2000)


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="Excel 文件（.xlsx），用平台下载的模板填写")


def _region_prefix(value: str) -> str:
    # A full division code stands for everything inside it: 440100 means all of Guangzhou, as 4401 does.
    region = Region.objects.filter(code=value).first() if len(value) == 6 else None
    return region.prefix if region is not None else value


class SubmissionFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Kind.choices)
    state = django_filters.ChoiceFilter(choices=Submission.State.choices)
    region = django_filters.CharFilter(method="in_region", label=_("地区代码或其前缀，如 4401"))
    project = IdFilter(field_name="project_id")
    subject = IdFilter(field_name="subject_id")

    class Meta:
        model = Submission
        fields = ["project", "kind", "state", "region", "subject"]

    def in_region(self, queryset, name, value):
        return queryset.filter(region__code__startswith=_region_prefix(value))


# --- Rows, attempts, events -------------------------------------------------------------------------------


class SubmissionRowSerializer(serializers.ModelSerializer):
    """One reported person. ID-card and phone numbers are masked; the full numbers never leave the server
    through this API."""

    region = RegionBriefSerializer(read_only=True)

    class Meta:
        model = SubmissionRow
        fields = [
            "id",
            "row_no",
            "real_name",
            "gender",
            "ethnicity",
            "id_card_masked",
            "phone_masked",
            "region",
            "organization_name",
            "stage",
            "subject_name",
            "title",
            "position",
            "teacher_type",
            "note",
        ]
        read_only_fields = fields


class RosterErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="Excel 行号（表头为第 1 行）；0 表示整个文件")
    column = TextField(allow_blank=True, help_text="列标题；整行或整个文件的错误为空")
    code = TextField()
    message = TextField()


class UploadAttemptSerializer(serializers.ModelSerializer):
    """One uploaded file and what the check found. `errors` holds the first 2000; the marked copy all."""

    status_label = TextField(source="get_status_display", read_only=True)
    uploaded_by_name = TextField(source="uploaded_by.real_name", read_only=True, allow_null=True)
    errors = RosterErrorSerializer(many=True, read_only=True)
    warnings = serializers.ListField(child=TextField(), read_only=True)
    progress = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    progress_url = serializers.SerializerMethodField()
    marked_url = serializers.SerializerMethodField(help_text="标注了错误的文件副本；没有错误时为 null")

    class Meta:
        model = UploadAttempt
        fields = [
            "id",
            "source_name",
            "size",
            "status",
            "status_label",
            "rows",
            "error_count",
            "errors",
            "warnings",
            "message",
            "uploaded_by_name",
            "created_at",
            "progress",
            "progress_url",
            "marked_url",
        ]
        read_only_fields = fields

    def get_progress_url(self, attempt: UploadAttempt) -> str | None:
        # Only the uploader may follow their job; others see the outcome on the attempt itself.
        request = self.context.get("request")
        if attempt.progress_id is None or request is None or attempt.uploaded_by_id != request.user.pk:
            return None
        return reverse("reporting-progress-detail", args=[attempt.progress_id], request=request)

    def get_marked_url(self, attempt: UploadAttempt) -> str | None:
        if not attempt.marked_path:
            return None
        return _url(self, "reporting-attempt-marked", attempt.submission_id, attempt.pk)


class SubmissionEventSerializer(serializers.ModelSerializer):
    action_label = TextField(read_only=True)
    from_label = TextField(read_only=True)
    to_label = TextField(read_only=True)
    actor_name = TextField(
        source="actor.real_name", read_only=True, allow_null=True, help_text="系统操作（如开设账号）为 null"
    )
    data = serializers.DictField(read_only=True, help_text="随操作而定：上传的行数和文件名、删除的行号等")

    class Meta:
        model = SubmissionEvent
        fields = [
            "id",
            "action",
            "action_label",
            "from_state",
            "from_label",
            "to_state",
            "to_label",
            "reason",
            "actor_name",
            "data",
            "created_at",
        ]
        read_only_fields = fields


# --- Background jobs --------------------------------------------------------------------------------------


class TaskProgressSerializer(serializers.ModelSerializer):
    state_label = TextField(source="get_state_display", read_only=True)
    percent = serializers.IntegerField(read_only=True)
    finished = serializers.BooleanField(read_only=True, help_text="已完成或失败：不必再查询")

    class Meta:
        model = TaskProgress
        fields = [
            "id",
            "kind",
            "title",
            "state",
            "state_label",
            "done",
            "total",
            "percent",
            "finished",
            "message",
            "created_at",
            "updated_at",
            "finished_at",
        ]
        read_only_fields = fields


class UploadAcceptedSerializer(serializers.Serializer):
    """The file is stored and its check has started: poll `progress_url`, then read `attempt_url`."""

    attempt = serializers.IntegerField(help_text="上传记录 id")
    attempt_url = serializers.URLField()
    progress = serializers.UUIDField(help_text="后台任务 id")
    progress_url = serializers.URLField()


class ApprovalSerializer(serializers.Serializer):
    """The table is approved; opening the accounts and enrolling the people runs in the background."""

    submission = SubmissionSerializer()
    progress = serializers.UUIDField(help_text="开设账号、登记参训的后台任务 id")
    progress_url = serializers.URLField()
