"""Serializers of the homework API: output shapes, and the input of each action (nested, as in the
HackSoft style), validated again by the services."""

from rest_framework import serializers

from teachnet.core.rest_api.fields import IdField, StrictBooleanField, TextField

from ..models import (
    Assignment,
    Attachment,
    GradingEvent,
    Rubric,
    SimilarityPair,
    SpotCheck,
    Submission,
    SubmissionVersion,
)


class HomeworkLevelSerializer(serializers.Serializer):
    key = TextField()
    label = TextField()
    points = serializers.IntegerField()
    descriptor = TextField(allow_blank=True)


class HomeworkCriterionSerializer(serializers.Serializer):
    key = TextField()
    title = TextField()
    description = TextField(allow_blank=True)
    levels = HomeworkLevelSerializer(many=True)


class HomeworkRubricSerializer(serializers.ModelSerializer):
    criteria = HomeworkCriterionSerializer(many=True)

    class Meta:
        model = Rubric
        fields = ["id", "provider_subject", "title", "criteria", "updated_at"]


class HomeworkRubricInputSerializer(serializers.Serializer):
    provider_subject = serializers.IntegerField(required=False, help_text="for a new rubric")
    title = TextField(max_length=120)
    text = TextField(
        help_text="One criterion a line (`标题 | 说明`), its levels below it (`- 等级 | 分值 | 描述`)."
    )


class HomeworkAssignmentSerializer(serializers.ModelSerializer):
    rubric = HomeworkCriterionSerializer(many=True)
    max_points = serializers.IntegerField(read_only=True)
    late_policy_display = serializers.CharField(source="get_late_policy_display", read_only=True)

    class Meta:
        model = Assignment
        fields = [
            "id",
            "project",
            "subject",
            "provider_subject",
            "training_class",
            "title",
            "prompt",
            "template_text",
            "deadline",
            "late_policy",
            "late_policy_display",
            "rubric",
            "rubric_source",
            "max_points",
            "spot_share",
            "spot_minimum",
            "similarity_threshold",
            "created_at",
        ]


class HomeworkAssignmentInputSerializer(serializers.Serializer):
    provider_subject = IdField(required=False, allow_null=True, help_text="for the subject")
    training_class = IdField(required=False, allow_null=True, help_text="or for one class")
    title = TextField(max_length=200)
    prompt = TextField(help_text="HTML or plain text; sanitized")
    template_text = TextField(required=False, allow_blank=True, default="")
    deadline = serializers.DateTimeField()
    late_policy = serializers.ChoiceField(choices=Assignment.LatePolicy.choices, default="accept_late")
    rubric = IdField(required=False, allow_null=True, help_text="a rubric of the library")
    rubric_text = TextField(required=False, allow_blank=True, default="", help_text="or written here")
    spot_share = serializers.DecimalField(max_digits=3, decimal_places=2, default="0.10")
    spot_minimum = serializers.IntegerField(min_value=0, max_value=50, default=2)


class HomeworkProgressRowSerializer(serializers.Serializer):
    training_class = serializers.IntegerField(source="training_class.pk")
    class_name = serializers.CharField(source="training_class.name")
    tutor = serializers.IntegerField(source="training_class.tutor_id", allow_null=True)
    members = serializers.IntegerField()
    submitted = serializers.IntegerField()
    graded = serializers.IntegerField()
    returned = serializers.IntegerField(help_text="ever returned for revision")
    recommended = serializers.IntegerField()
    late = serializers.IntegerField()
    drafts = serializers.IntegerField()
    awaiting_revision = serializers.IntegerField(help_text="returned, not yet sent again")
    ungraded = serializers.IntegerField()


class HomeworkAttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = ["id", "name", "kind", "mime", "size", "revision", "created_at"]


class HomeworkVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = SubmissionVersion
        fields = [
            "revision",
            "body",
            "attachments",
            "submitted_at",
            "late",
            "levels",
            "score",
            "comment",
            "graded_by",
            "returned_at",
            "return_reason",
        ]


class HomeworkEventSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = GradingEvent
        fields = ["id", "kind", "kind_display", "actor", "revision", "data", "created_at"]


class HomeworkSubmissionSerializer(serializers.ModelSerializer):
    learner_name = serializers.CharField(source="learner.real_name", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Submission
        fields = [
            "id",
            "assignment",
            "learner",
            "learner_name",
            "training_class",
            "state",
            "state_display",
            "revision",
            "version",
            "submitted_at",
            "late",
            "levels",
            "score",
            "comment",
            "graded_by",
            "graded_at",
            "recommended",
            "similarity",
            "updated_at",
        ]


class HomeworkSubmissionDetailSerializer(HomeworkSubmissionSerializer):
    attachments = serializers.SerializerMethodField()
    versions = HomeworkVersionSerializer(many=True, read_only=True)

    class Meta(HomeworkSubmissionSerializer.Meta):
        fields = [*HomeworkSubmissionSerializer.Meta.fields, "body", "attachments", "versions"]

    def get_attachments(self, obj) -> list[dict]:
        return HomeworkAttachmentSerializer(obj.attachments.filter(revision=obj.revision), many=True).data


class HomeworkStaleSerializer(serializers.Serializer):
    detail = TextField()
    current = HomeworkSubmissionSerializer()


class HomeworkWriteInputSerializer(serializers.Serializer):
    body = TextField(allow_blank=True, help_text="HTML or plain text; sanitized")
    version = serializers.IntegerField(help_text="the version read; a stale one is refused with 409")
    submit = serializers.BooleanField(default=False)


class HomeworkUploadInputSerializer(serializers.Serializer):
    upload = serializers.FileField()


class HomeworkGradeInputSerializer(serializers.Serializer):
    levels = serializers.DictField(child=TextField(), help_text="criterion key → level key")
    comment = TextField(allow_blank=True, default="")
    version = serializers.IntegerField()


class HomeworkReturnInputSerializer(serializers.Serializer):
    reason = TextField()
    version = serializers.IntegerField()


class HomeworkRecommendInputSerializer(serializers.Serializer):
    on = StrictBooleanField(default=True)
    version = serializers.IntegerField()


class HomeworkCorrectInputSerializer(serializers.Serializer):
    levels = serializers.DictField(child=TextField())
    reason = TextField()
    version = serializers.IntegerField()


class HomeworkPairSerializer(serializers.ModelSerializer):
    first_learner = serializers.CharField(source="first.learner.real_name", read_only=True)
    second_learner = serializers.CharField(source="second.learner.real_name", read_only=True)

    class Meta:
        model = SimilarityPair
        fields = [
            "id",
            "assignment",
            "first",
            "second",
            "first_learner",
            "second_learner",
            "score",
            "found_at",
        ]


class HomeworkSpanSerializer(serializers.Serializer):
    start = serializers.IntegerField()
    end = serializers.IntegerField()


class HomeworkPairDetailSerializer(HomeworkPairSerializer):
    first_text = serializers.CharField(source="first.body_text", read_only=True)
    second_text = serializers.CharField(source="second.body_text", read_only=True)
    first_shared = HomeworkSpanSerializer(many=True, read_only=True, source="spans_first")
    second_shared = HomeworkSpanSerializer(many=True, read_only=True, source="spans_second")

    class Meta(HomeworkPairSerializer.Meta):
        fields = [
            *HomeworkPairSerializer.Meta.fields,
            "first_text",
            "second_text",
            "first_shared",
            "second_shared",
        ]


class HomeworkTaskSerializer(serializers.Serializer):
    task = serializers.UUIDField(help_text="GET /api/v1/tasks/{id}/ or the page's progress bar")


class HomeworkSpotCheckSerializer(serializers.ModelSerializer):
    """Blind: the tutor's levels and score are null until the expert has scored."""

    learner_name = serializers.CharField(source="submission.learner.real_name", read_only=True)
    tutor_levels = serializers.SerializerMethodField()
    tutor_score = serializers.SerializerMethodField()

    class Meta:
        model = SpotCheck
        fields = [
            "id",
            "assignment",
            "submission",
            "learner_name",
            "tutor",
            "expert",
            "levels",
            "score",
            "comment",
            "scored_at",
            "tutor_levels",
            "tutor_score",
            "drawn_at",
        ]

    def get_tutor_levels(self, obj) -> dict | None:
        return obj.tutor_levels if obj.scored_at else None

    def get_tutor_score(self, obj) -> int | None:
        return obj.tutor_score if obj.scored_at else None


class HomeworkSpotScoreInputSerializer(serializers.Serializer):
    levels = serializers.DictField(child=TextField())
    comment = TextField(allow_blank=True, default="")


class HomeworkDrawnSerializer(serializers.Serializer):
    drawn = serializers.IntegerField()


class HomeworkAgreementSerializer(serializers.Serializer):
    key = TextField()
    title = TextField()
    compared = serializers.IntegerField()
    same = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True)


class SubmissionsQuerySerializer(serializers.Serializer):
    training_class = IdField(required=False, help_text="only this class's submissions")
