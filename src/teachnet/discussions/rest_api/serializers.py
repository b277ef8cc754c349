from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from teachnet.core.rest_api.fields import IdField, TextField
from teachnet.core.richtext import plain_text

from ..models import Board, Post, PostImage, Seminar, SeminarPhoto, Thread


class DiscussionPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.SerializerMethodField()

    def get_name(self, obj) -> str:
        return obj.real_name or obj.username


class DiscussionBoardSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True)
    subject_label = serializers.CharField(source="subject.label", read_only=True)

    class Meta:
        model = Board
        fields = ["id", "kind", "title", "project", "subject", "subject_label", "training_class"]


class DiscussionAccessSerializer(serializers.Serializer):
    learner = serializers.BooleanField()
    tutor = serializers.BooleanField()
    expert = serializers.BooleanField()
    write = serializers.BooleanField(help_text="May start threads and reply.")
    moderate = serializers.BooleanField(help_text="May pin, lock and hide (tutors in their class, experts).")
    forward = serializers.BooleanField(help_text="May forward posts to the expert team (the class's tutor).")


class DiscussionBoardDetailSerializer(DiscussionBoardSerializer):
    access = serializers.SerializerMethodField()

    class Meta(DiscussionBoardSerializer.Meta):
        fields = [*DiscussionBoardSerializer.Meta.fields, "access"]

    @extend_schema_field(DiscussionAccessSerializer)
    def get_access(self, obj) -> dict:
        return DiscussionAccessSerializer(self.context["access"]).data


class DiscussionThreadSerializer(serializers.ModelSerializer):
    author = DiscussionPersonSerializer(allow_null=True, read_only=True)
    pinned = serializers.BooleanField(read_only=True)
    locked = serializers.BooleanField(read_only=True)

    class Meta:
        model = Thread
        fields = [
            "id", "board", "title", "author", "pinned", "pinned_at", "locked", "locked_at", "replies",
            "last_post_at", "created_at",
        ]  # fmt: skip


class DiscussionImageSerializer(serializers.ModelSerializer):
    file_url = serializers.SerializerMethodField()

    class Meta:
        model = PostImage
        fields = ["id", "name", "mime", "size", "width", "height", "file_url"]

    def get_file_url(self, obj) -> str:
        return reverse("discussion-image-file", kwargs={"pk": obj.pk})


class DiscussionForwardSerializer(serializers.Serializer):
    question = serializers.IntegerField(source="question_id")
    state = serializers.CharField(source="question.state")
    state_display = serializers.CharField(source="question.get_state_display")
    answer_post = serializers.IntegerField(source="answer_post_id", allow_null=True)


class DiscussionPostSerializer(serializers.ModelSerializer):
    """A post as the reader sees it: a hidden one shows its reason, and its text only to moderators."""

    author = DiscussionPersonSerializer(allow_null=True, read_only=True)
    hidden = serializers.BooleanField(read_only=True)
    body = serializers.SerializerMethodField(
        help_text="Sanitized HTML; empty for a hidden post (non-moderators)."
    )
    quote_excerpt = serializers.SerializerMethodField()
    images = serializers.SerializerMethodField()
    forward = serializers.SerializerMethodField()

    class Meta:
        model = Post
        fields = [
            "id", "thread", "author", "opening", "expert_answer", "body", "quote", "quote_excerpt", "images",
            "hidden", "hidden_reason", "forward", "created_at",
        ]  # fmt: skip

    def _shown(self, post) -> bool:
        return not post.hidden or self.context["access"].moderate

    def get_body(self, obj) -> str:
        return obj.body if self._shown(obj) else ""

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_quote_excerpt(self, obj) -> str | None:
        quote = obj.quote
        if quote is None:
            return None
        if not self._shown(quote):
            return f"已隐藏：{quote.hidden_reason}"
        return plain_text(quote.body)[:160]

    @extend_schema_field(DiscussionImageSerializer(many=True))
    def get_images(self, obj) -> list:
        return DiscussionImageSerializer(obj.images.all(), many=True).data if self._shown(obj) else []

    @extend_schema_field(DiscussionForwardSerializer(allow_null=True))
    def get_forward(self, obj) -> dict | None:
        forward = getattr(obj, "forward", None)
        return DiscussionForwardSerializer(forward).data if forward is not None else None


class ThreadInputSerializer(serializers.Serializer):
    title = TextField(allow_blank=True, max_length=1000)
    body = TextField(allow_blank=True, help_text="Rich text (sanitized HTML) or plain text.")


class ReplyInputSerializer(serializers.Serializer):
    body = TextField(allow_blank=True, help_text="Rich text (sanitized HTML) or plain text.")
    quote = IdField(required=False, allow_null=True, default=None, help_text="A post of the thread.")


def with_files(serializer: type[serializers.Serializer], field: str) -> type[serializers.Serializer]:
    """The multipart/form-data twin of a JSON request body: the same fields and up to 9 files in `field`.
    A JSON body cannot carry a file, so its schema does not offer one. Form data has no null: a field that
    may be null in JSON is left out instead (or sent empty), so the twin's schema does not offer null."""
    name = serializer.__name__.removesuffix("InputSerializer") + "UploadSerializer"
    attrs = {
        key: type(f)(*f._args, **{**f._kwargs, "allow_null": False})
        for key, f in serializer._declared_fields.items()
        if f.allow_null
    }
    attrs[field] = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, max_length=9,
        help_text="Images (JPEG, PNG, GIF, WebP), checked by their content.",
    )  # fmt: skip
    return type(name, (serializer,), {**attrs, "__module__": __name__})


ThreadUploadSerializer = with_files(ThreadInputSerializer, "images")
ReplyUploadSerializer = with_files(ReplyInputSerializer, "images")


class BoardQuerySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Board.Kind.choices, required=False, help_text="class or subject")


class HideInputSerializer(serializers.Serializer):
    reason = TextField(allow_blank=True, max_length=1000, help_text="Shown to others as 已隐藏：reason.")


class LockInputSerializer(serializers.Serializer):
    reason = TextField(required=False, allow_blank=True, default="", max_length=1000)


class ForwardInputSerializer(serializers.Serializer):
    note = TextField(required=False, allow_blank=True, default="", max_length=2000)


class SeminarPhotoSerializer(serializers.ModelSerializer):
    file_url = serializers.SerializerMethodField()

    class Meta:
        model = SeminarPhoto
        fields = ["id", "name", "mime", "size", "width", "height", "file_url"]

    def get_file_url(self, obj) -> str:
        return reverse("seminar-photo-file", kwargs={"pk": obj.pk})


class SeminarAttendeeSerializer(serializers.Serializer):
    enrollment = serializers.IntegerField(source="enrollment_id")
    user = serializers.IntegerField(source="enrollment.user_id")
    name = serializers.CharField(source="enrollment.user.real_name")


class SeminarSerializer(serializers.ModelSerializer):
    organizer = DiscussionPersonSerializer(allow_null=True, read_only=True)
    attendees = SeminarAttendeeSerializer(source="attendance", many=True, read_only=True)
    photos = SeminarPhotoSerializer(many=True, read_only=True)

    class Meta:
        model = Seminar
        fields = [
            "id", "training_class", "title", "held_on", "place", "organizer", "minutes", "attendees",
            "photos", "created_at", "updated_at",
        ]  # fmt: skip


class SeminarInputSerializer(serializers.Serializer):
    training_class = IdField(help_text="The class (its tutor only).")
    title = TextField(allow_blank=True, max_length=1000)
    held_on = serializers.DateField(allow_null=True, help_text="Not later than today.")
    place = TextField(allow_blank=True, max_length=1000)
    organizer = IdField(help_text="A user: the class's tutor or one of its learners.")
    attendees = serializers.ListField(
        child=IdField(), required=False, default=list, help_text="Enrollments of the class."
    )
    minutes = TextField(required=False, allow_blank=True, default="")


class SeminarUpdateInputSerializer(serializers.Serializer):
    """A PATCH changes what it sends and keeps the rest."""

    title = TextField(required=False, allow_blank=True, max_length=1000)
    held_on = serializers.DateField(required=False, allow_null=True)
    place = TextField(required=False, allow_blank=True, max_length=1000)
    organizer = IdField(required=False)
    attendees = serializers.ListField(child=IdField(), required=False, help_text="Enrollments of the class.")
    minutes = TextField(required=False, allow_blank=True)
    read_at = serializers.DateTimeField(
        required=False, allow_null=True, default=None,
        help_text="The record's updated_at as read; a save over a newer version is refused (422).",
    )  # fmt: skip


SeminarUploadSerializer = with_files(SeminarInputSerializer, "photos")
SeminarUpdateUploadSerializer = with_files(SeminarUpdateInputSerializer, "photos")


class PhotosInputSerializer(serializers.Serializer):
    photos = serializers.ListField(child=serializers.FileField(), min_length=1, max_length=9)
