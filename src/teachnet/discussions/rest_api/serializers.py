from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

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
    title = serializers.CharField(allow_blank=True, max_length=1000)
    body = serializers.CharField(allow_blank=True, help_text="Rich text (sanitized HTML) or plain text.")
    images = serializers.ListField(child=serializers.FileField(), required=False, default=list, max_length=9)


class ReplyInputSerializer(serializers.Serializer):
    body = serializers.CharField(allow_blank=True, help_text="Rich text (sanitized HTML) or plain text.")
    quote = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="A post of the thread."
    )
    images = serializers.ListField(child=serializers.FileField(), required=False, default=list, max_length=9)


class HideInputSerializer(serializers.Serializer):
    reason = serializers.CharField(
        allow_blank=True, max_length=1000, help_text="Shown to others as 已隐藏：reason."
    )


class LockInputSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)


class ForwardInputSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


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
    training_class = serializers.IntegerField(
        required=False, help_text="On create: the class (its tutor only)."
    )
    title = serializers.CharField(allow_blank=True, max_length=1000)
    held_on = serializers.DateField(allow_null=True)
    place = serializers.CharField(allow_blank=True, max_length=1000)
    organizer = serializers.IntegerField(help_text="A user: the class's tutor or one of its learners.")
    attendees = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list, help_text="Enrollments of the class."
    )
    minutes = serializers.CharField(required=False, allow_blank=True, default="")
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list, max_length=9)
    read_at = serializers.DateTimeField(
        required=False, allow_null=True, default=None,
        help_text="On update: the record's updated_at as read; a save over a newer version is refused (400).",
    )  # fmt: skip


class PhotosInputSerializer(serializers.Serializer):
    photos = serializers.ListField(child=serializers.FileField(), max_length=9)
