"""What the Q&A API reads and writes."""

from rest_framework import serializers

from teachnet.core.rest_api.fields import ID_MAX, DurationDisplayField, IdField, TextField
from teachnet.training.models import ExpertTeamMember

from ..models import BODY_MAX, QaAttendance, QaMessage

STATES = ["cancelled", "scheduled", "open", "live", "ended"]
VERDICTS = ["counts", "not", "pending", "cancelled"]
REASONS = ["short", "no_chief"]


class QaHostSerializer(serializers.ModelSerializer):
    team_role = serializers.ChoiceField(source="role", choices=ExpertTeamMember.Role.choices)
    has_account = serializers.SerializerMethodField()

    class Meta:
        model = ExpertTeamMember
        fields = ["id", "name", "team_role", "has_account"]

    def get_has_account(self, obj) -> bool:
        return obj.user_id is not None


class QaMaySerializer(serializers.Serializer):
    ask = serializers.BooleanField(help_text="Ask and upvote (a learner or tutor of the subject).")
    host = serializers.BooleanField(help_text="Answer and mark answered, end the session.")
    manage = serializers.BooleanField(help_text="Change, cancel, choose hosts.")


class QaSessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    project = serializers.IntegerField(source="provider_subject.project_id")
    provider_subject = serializers.IntegerField(source="provider_subject_id")
    subject = serializers.CharField(source="provider_subject.subject.label")
    provider = serializers.CharField(source="provider_subject.provider.name")
    title = serializers.CharField()
    description = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(help_text="As planned.")
    ended_at = serializers.DateTimeField(
        allow_null=True, help_text="When a host ended it, or the archive did."
    )
    archived_at = serializers.DateTimeField(allow_null=True)
    cancelled_at = serializers.DateTimeField(allow_null=True)
    video_url = serializers.CharField(help_text="Optional video-stream link; empty when none.")
    hosts = QaHostSerializer(many=True, source="hosts.all")
    state = serializers.ChoiceField(choices=STATES)
    rev = serializers.IntegerField(source="seq", help_text="The room's last revision (see messages?since=).")
    counts = serializers.BooleanField(
        help_text="Counts against GP 四.2(4): held, ≥ 2 h, chief expert hosting."
    )
    verdict = serializers.ChoiceField(choices=VERDICTS)
    reasons = serializers.ListField(child=serializers.ChoiceField(choices=REASONS))
    verdict_display = serializers.CharField()
    may = QaMaySerializer()


class QaSessionInput(serializers.Serializer):
    title = TextField(max_length=200)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    hosts = serializers.ListField(
        child=IdField(), min_length=1, help_text="Expert-team member ids of the subject."
    )
    description = TextField(required=False, allow_blank=True, default="", max_length=5000)
    # Text, not a URL field: whether a link is one the room can show (http or https) is the service's to say,
    # as a 422; a stricter URL parser here would refuse links the schema's `uri` allows.
    video_url = TextField(
        required=False,
        allow_blank=True,
        default="",
        max_length=500,
        help_text="An http:// or https:// link to the video stream; empty for none.",
    )


class QaSessionCreateInput(QaSessionInput):
    provider_subject = IdField()


class QaSessionUpdateInput(QaSessionInput):
    """A PATCH: what is left out keeps its value."""

    version = serializers.DateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text="updated_at as read: a change made meanwhile by someone else is refused (422), not lost.",
    )


class QaCancelInput(serializers.Serializer):
    reason = TextField(required=False, allow_blank=True, default="", max_length=300)


class QaSessionFilter(serializers.Serializer):
    project = IdField(required=False)
    provider_subject = IdField(required=False)


class QaSinceFilter(serializers.Serializer):
    since = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=ID_MAX,
        default=0,
        help_text="Only what changed after this revision (the room's `rev`).",
    )


class QaStandingFilter(serializers.Serializer):
    project = IdField(help_text="A project with a subject the caller sees (404 otherwise).")


class QaMessageSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=QaMessage.Kind.choices)
    question = serializers.IntegerField(source="question_id", allow_null=True)
    author = serializers.CharField(source="author_name")
    host = serializers.BooleanField(source="by_host")
    at = serializers.DateTimeField(source="created_at")
    answered = serializers.SerializerMethodField()
    moved = serializers.SerializerMethodField()

    class Meta:
        model = QaMessage
        fields = [
            "id",
            "kind",
            "question",
            "author",
            "host",
            "body",
            "at",
            "votes",
            "answered",
            "moved",
            "moved_url",
            "rev",
        ]

    def get_answered(self, obj) -> bool:
        return obj.answered_at is not None

    def get_moved(self, obj) -> bool:
        return obj.moved_at is not None


class QaBodyInput(serializers.Serializer):
    body = TextField(
        max_length=BODY_MAX * 2, trim_whitespace=False, help_text=f"At most {BODY_MAX} characters."
    )


class QaAnswerInput(QaBodyInput):
    mark = serializers.BooleanField(default=True, help_text="Also mark the question answered.")


class QaVoteInput(serializers.Serializer):
    on = serializers.BooleanField(default=True, help_text="false takes the vote back.")


class QaMarkInput(serializers.Serializer):
    answered = serializers.BooleanField(default=True)


class QaPresenceSerializer(serializers.Serializer):
    seconds = serializers.IntegerField(help_text="Time present within the session so far.")
    seconds_display = DurationDisplayField(source="seconds")


class QaAttendanceSerializer(serializers.ModelSerializer):
    user_name = serializers.SerializerMethodField()
    seconds_display = DurationDisplayField(source="seconds")

    class Meta:
        model = QaAttendance
        fields = ["user", "user_name", "first_seen_at", "last_seen_at", "seconds", "seconds_display"]

    def get_user_name(self, obj) -> str:
        return obj.user.real_name or obj.user.username


class QaStandingSerializer(serializers.Serializer):
    rule = serializers.CharField(source="rule.key")
    label = serializers.CharField(source="rule.label")
    minimum = serializers.IntegerField(source="rule.minimum")
    unit = serializers.CharField()
    count = serializers.IntegerField()
    met = serializers.BooleanField()
    note = serializers.CharField(help_text="Why some did not count, and what is pending.")
