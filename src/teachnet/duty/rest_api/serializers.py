from django.urls import reverse
from rest_framework import serializers

from teachnet.core.rest_api.fields import DurationDisplayField, IdField

from ..models import Question, QuestionEvent


class DutyPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.SerializerMethodField()

    def get_name(self, obj) -> str:
        return obj.real_name or obj.username


class DutyDaySerializer(serializers.Serializer):
    day = serializers.DateField()
    count = serializers.IntegerField(help_text="Experts on duty that day.")
    short = serializers.BooleanField(help_text="Below the minimum (每天不少于 3 名专家在线值班).")
    shortfall = serializers.IntegerField()
    experts = DutyPersonSerializer(many=True)


class DutyFlagsSerializer(serializers.Serializer):
    project = serializers.IntegerField(source="unit.project.pk")
    project_name = serializers.CharField(source="unit.project.name")
    provider = serializers.IntegerField(source="unit.provider.pk")
    provider_name = serializers.CharField(source="unit.provider.name")
    today_on_duty = serializers.IntegerField(source="today.count", allow_null=True, default=None)
    waiting = serializers.IntegerField(help_text="Questions not yet answered (waiting or claimed).")
    overdue = serializers.SerializerMethodField(help_text="Unanswered for longer than DUTY_WAIT_WARN_HOURS.")
    short_days = DutyDaySerializer(
        many=True, help_text="Today and the days ahead (lookahead) below the minimum."
    )
    past_short = serializers.IntegerField(help_text="Days gone by that were below the minimum.")
    wait_warn_hours = serializers.IntegerField(source="hours")
    lookahead_days = serializers.IntegerField(source="lookahead")

    def get_overdue(self, obj) -> list[int]:
        return [q.pk for q in obj.overdue]


class DutyExpertTimesSerializer(serializers.Serializer):
    expert = DutyPersonSerializer()
    claimed = serializers.IntegerField()
    answered = serializers.IntegerField()
    open = serializers.IntegerField()
    on_duty_claims = serializers.IntegerField()
    mean_to_claim = serializers.FloatField(allow_null=True, help_text="Seconds, forwarded → claimed.")
    mean_to_claim_display = DurationDisplayField(source="mean_to_claim")
    mean_claim_to_answer = serializers.FloatField(allow_null=True, help_text="Seconds, claimed → answered.")
    mean_claim_to_answer_display = DurationDisplayField(source="mean_claim_to_answer")
    mean_to_answer = serializers.FloatField(allow_null=True, help_text="Seconds, forwarded → answered.")
    mean_to_answer_display = DurationDisplayField(source="mean_to_answer")


class DutyDayTimesSerializer(serializers.Serializer):
    day = serializers.DateField(help_text="The day the questions were forwarded.")
    on_duty = serializers.IntegerField()
    short = serializers.BooleanField()
    forwarded = serializers.IntegerField()
    answered = serializers.IntegerField()
    open = serializers.IntegerField()
    mean_to_claim = serializers.FloatField(allow_null=True)
    mean_to_claim_display = DurationDisplayField(source="mean_to_claim")
    mean_to_answer = serializers.FloatField(allow_null=True)
    mean_to_answer_display = DurationDisplayField(source="mean_to_answer")


class DutyUnitSerializer(serializers.Serializer):
    flags = DutyFlagsSerializer()
    may_manage_roster = serializers.BooleanField()
    candidates = DutyPersonSerializer(
        many=True, help_text="Who can be put on duty: team members with an account."
    )
    roster = DutyDaySerializer(
        many=True, help_text="Every day of the duty window (the remote-training phase)."
    )
    times_by_expert = DutyExpertTimesSerializer(many=True)
    times_by_day = DutyDayTimesSerializer(many=True)


class DutyRosterDayInputSerializer(serializers.Serializer):
    experts = serializers.ListField(
        child=serializers.IntegerField(),
        allow_empty=True,
        help_text="Every expert on duty that day (user ids).",
    )


class DutyQuestionEventSerializer(serializers.ModelSerializer):
    actor = DutyPersonSerializer(allow_null=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = QuestionEvent
        fields = ["kind", "kind_display", "actor", "note", "created_at"]


class DutyQuestionSerializer(serializers.ModelSerializer):
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    provider = serializers.IntegerField(source="provider_subject.provider_id", read_only=True)
    subject = serializers.CharField(source="provider_subject.subject.label", read_only=True)
    asker = DutyPersonSerializer(allow_null=True, read_only=True)
    forwarded_by = DutyPersonSerializer(allow_null=True, read_only=True)
    claimed_by = DutyPersonSerializer(allow_null=True, read_only=True)
    answered_by = DutyPersonSerializer(allow_null=True, read_only=True)
    seconds_to_claim = serializers.FloatField(allow_null=True, read_only=True)
    seconds_to_answer = serializers.FloatField(allow_null=True, read_only=True)
    seconds_to_answer_display = DurationDisplayField(source="seconds_to_answer")
    url = serializers.SerializerMethodField()

    class Meta:
        model = Question
        fields = [
            "id", "project", "provider", "provider_subject", "subject", "title", "body", "note", "state",
            "state_display", "asker", "forwarded_by", "forwarded_at", "origin_label", "origin_url",
            "claimed_by", "claimed_at", "claimed_on_duty", "answered_by", "answered_at", "answer",
            "seconds_to_claim", "seconds_to_answer", "seconds_to_answer_display", "url",
        ]  # fmt: skip

    def get_url(self, obj) -> str:
        return reverse("duty:question", args=[obj.pk])


class DutyQuestionDetailSerializer(DutyQuestionSerializer):
    events = DutyQuestionEventSerializer(many=True, read_only=True)

    class Meta(DutyQuestionSerializer.Meta):
        fields = [*DutyQuestionSerializer.Meta.fields, "events"]


class DutyReleaseInputSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)


class DutyAnswerInputSerializer(serializers.Serializer):
    answer = serializers.CharField(
        allow_blank=True, help_text="Rich text (sanitized HTML) or plain text; posted back into the thread."
    )


class DutyQuestionFilter(serializers.Serializer):
    """The queue's query string: a value that is not a state or an id is a 400."""

    state = serializers.ChoiceField(choices=Question.State.choices, required=False)
    project = IdField(required=False)
    provider = IdField(required=False)
