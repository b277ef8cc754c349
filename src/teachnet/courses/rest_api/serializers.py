from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from teachnet.core.rest_api.fields import DurationDisplayField, IdField, TextField

from ..models import Course, CourseVersion, Module, Resource, ReviewComment


class ResourceSerializer(serializers.ModelSerializer):
    kind_display = TextField(source="get_kind_display", read_only=True)
    file_url = serializers.SerializerMethodField()
    duration_display = DurationDisplayField(source="duration_seconds")

    class Meta:
        model = Resource
        fields = [
            "id",
            "module",
            "kind",
            "kind_display",
            "title",
            "position",
            "credit_minutes",
            "file_name",
            "mime",
            "size",
            "sha256",
            "duration_seconds",
            "duration_display",
            "file_url",
            "body",
            "url",
            "starts_at",
            "updated_at",
        ]

    @extend_schema_field(TextField(allow_null=True))
    def get_file_url(self, obj) -> str | None:
        if not obj.file:
            return None
        return reverse("course-resource-file", kwargs={"pk": obj.pk})


class ModuleSerializer(serializers.ModelSerializer):
    resources = ResourceSerializer(many=True, read_only=True)

    class Meta:
        model = Module
        fields = ["id", "title", "position", "resources"]


class CourseSerializer(serializers.ModelSerializer):
    status_display = TextField(source="get_status_display", read_only=True)
    provider = TextField(source="provider_subject.provider.name", read_only=True)
    subject = TextField(source="provider_subject.subject.label", read_only=True)
    project = serializers.IntegerField(source="provider_subject.project_id", read_only=True)
    approved_version = serializers.IntegerField(
        source="approved_version.number", read_only=True, default=None, allow_null=True
    )
    total_minutes = serializers.SerializerMethodField()
    video_minutes = serializers.SerializerMethodField()

    class Meta:
        model = Course
        fields = [
            "id",
            "provider_subject",
            "project",
            "provider",
            "subject",
            "title",
            "description",
            "status",
            "status_display",
            "version",
            "approved_version",
            "total_minutes",
            "video_minutes",
            "updated_at",
        ]

    def _totals(self, obj):
        from ..services import course_totals

        if not hasattr(obj, "_totals"):
            obj._totals = course_totals(course=obj)
        return obj._totals

    def get_total_minutes(self, obj) -> int:
        return self._totals(obj).total_minutes

    def get_video_minutes(self, obj) -> int:
        return self._totals(obj).video_minutes


class CourseDetailSerializer(CourseSerializer):
    modules = ModuleSerializer(source="outline", many=True, read_only=True)
    problems = serializers.ListField(child=TextField(), read_only=True)

    class Meta(CourseSerializer.Meta):
        fields = [*CourseSerializer.Meta.fields, "modules", "problems"]


class CourseCreateSerializer(serializers.Serializer):
    provider_subject = IdField()


class CourseInputSerializer(serializers.Serializer):
    title = TextField(max_length=200)
    description = TextField(required=False, allow_blank=True, default="")


class ModuleInputSerializer(serializers.Serializer):
    title = TextField(max_length=200)


CREDIT_MINUTES_MAX = 100_000  # far above any course (50 h is 3,000 minutes); below any column's limit


class ResourceInputSerializer(serializers.Serializer):
    """A resource without a file (an article, a live session), as JSON."""

    module = IdField()
    kind = serializers.ChoiceField(choices=Resource.Kind.choices)
    title = TextField(max_length=200, required=False, allow_blank=True, default="")
    credit_minutes = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=0, max_value=CREDIT_MINUTES_MAX
    )
    body = TextField(required=False, allow_blank=True, default="")
    url = TextField(required=False, allow_blank=True, default="", max_length=500)
    starts_at = serializers.DateTimeField(required=False, allow_null=True, default=None)

    upload = None  # a file comes only as multipart/form-data


class ResourceUploadSerializer(ResourceInputSerializer):
    """A resource with its file (a video, a document), as multipart/form-data: a form has no null, so what
    is not sent takes its default."""

    upload = serializers.FileField()
    credit_minutes = serializers.IntegerField(
        required=False, default=None, min_value=0, max_value=CREDIT_MINUTES_MAX
    )
    starts_at = serializers.DateTimeField(required=False, default=None)


class ResourceUpdateSerializer(ResourceInputSerializer):
    module = IdField(required=False, allow_null=True, default=None)
    kind = None


class ResourceReplaceSerializer(ResourceUploadSerializer):
    """A change with a new file, as multipart/form-data."""

    module = IdField(required=False, default=None)
    kind = None
    upload = serializers.FileField(required=False, default=None)


class CommentSerializer(serializers.ModelSerializer):
    author = TextField(source="author.real_name", read_only=True)

    class Meta:
        model = ReviewComment
        fields = [
            "id",
            "version",
            "resource",
            "resource_title",
            "reply_to",
            "author",
            "by_reviewer",
            "body",
            "created_at",
        ]


class CommentInputSerializer(serializers.Serializer):
    body = TextField()
    resource = IdField(required=False, allow_null=True, default=None)
    reply_to = IdField(required=False, allow_null=True, default=None)


class DecisionInputSerializer(serializers.Serializer):
    note = TextField(required=False, allow_blank=True, default="")


class ChangeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["added", "removed", "changed"])
    title = TextField()
    details = serializers.ListField(child=TextField())


class VersionSerializer(serializers.ModelSerializer):
    decision_display = TextField(source="get_decision_display", read_only=True)
    submitted_by = TextField(source="submitted_by.real_name", read_only=True, default=None, allow_null=True)
    decided_by = TextField(source="decided_by.real_name", read_only=True, default=None, allow_null=True)
    changes = ChangeSerializer(many=True, read_only=True)

    class Meta:
        model = CourseVersion
        fields = [
            "number",
            "total_minutes",
            "video_minutes",
            "submitted_by",
            "submitted_at",
            "decision",
            "decision_display",
            "decided_by",
            "decided_at",
            "decision_note",
            "changes",
        ]


class VersionDetailSerializer(VersionSerializer):
    class Meta(VersionSerializer.Meta):
        fields = [*VersionSerializer.Meta.fields, "snapshot"]
