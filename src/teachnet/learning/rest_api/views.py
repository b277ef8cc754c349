"""The learning API: the study-time protocol (start, heartbeat, presence-check answer, close) and the records
(LRN-3).

A session is started by the logged-in learner (session or token authentication). Heartbeats, answers and the
goodbye carry the session's token instead: it is the credential, shown once when the session starts, so the
hot path reads no Django session and no user row.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from teachnet.accounts.rest_api.serializers import service_errors
from teachnet.core.rest_api.fields import DurationDisplayField, IdField, TextField
from teachnet.courses.models import Course

from .. import selectors, services
from ..fastpath import MAX_SEGMENTS, heartbeat_answer
from ..models import CreditInterval, VideoProgress


class StartInput(serializers.Serializer):
    course = IdField()
    resource = IdField()


class StartOutput(serializers.Serializer):
    session = serializers.IntegerField()
    token = TextField(help_text="The session's credential for heartbeats; shown once.")
    beat_seconds = serializers.IntegerField()
    activity_seconds = serializers.IntegerField()
    max_playback_rate = serializers.FloatField()
    taken_over = serializers.BooleanField(help_text="Another place's session was ended by this one.")
    credited_seconds = serializers.IntegerField(help_text="Already credited for this resource, all days.")
    room_seconds = serializers.IntegerField()
    today_room_seconds = serializers.IntegerField()
    video_furthest = serializers.FloatField()
    video_completed = serializers.BooleanField()


class BeatInput(serializers.Serializer):
    """What learning.fastpath reads: a schema, not the parser (the hot path has its own, same rules)."""

    token = TextField(min_length=1, max_length=100, trim_whitespace=False)
    seq = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    played = serializers.ListField(
        child=serializers.ListField(child=serializers.FloatField(), min_length=2, max_length=2),
        required=False,
        allow_null=True,
        max_length=MAX_SEGMENTS,
        help_text="Video segments [from, to] in seconds played since the previous heartbeat.",
    )


class CheckSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    prompt = TextField()
    seconds_left = serializers.IntegerField()


class BeatOutput(serializers.Serializer):
    accepted = serializers.BooleanField()
    credited = serializers.IntegerField()
    reason = TextField()
    ended = TextField()
    check = CheckSerializer(allow_null=True)
    session_seconds = serializers.IntegerField()
    room_seconds = serializers.IntegerField()
    today_room_seconds = serializers.IntegerField()


class AnswerInput(serializers.Serializer):
    token = TextField(max_length=100)
    answer = TextField(max_length=60, allow_blank=True)


class AnswerOutput(serializers.Serializer):
    correct = serializers.BooleanField()
    ended = TextField()
    attempts_left = serializers.IntegerField()


class CloseInput(serializers.Serializer):
    token = TextField(max_length=100)


class _TokenView(APIView):
    """Authenticated by the study session's token in the body, not by a login."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    parser_classes = [JSONParser]
    throttle_classes: list = []


@extend_schema(tags=["study"])
class SessionStartView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="开始学习（取得学习会话）",
        description=(
            "For a resource of the approved version of a course the learner takes (or picked from the "
            "catalog) while its training is open. One active session per learner: by the project's rule a "
            "new one ends the other (`taken_over`) or is refused (400)."
        ),
        request=StartInput,
        responses={201: StartOutput},
    )
    def post(self, request):
        data = StartInput(data=request.data)
        data.is_valid(raise_exception=True)
        course = get_object_or_404(
            Course.objects.select_related(
                "approved_version", "provider_subject__project", "provider_subject__subject"
            ),
            pk=data.validated_data["course"],
        )
        with service_errors():
            started = services.session_start(
                learner=request.user,
                course=course,
                resource_id=data.validated_data["resource"],
                device=request.headers.get("User-Agent", "")[:120],
            )
        session, policy = started.session, started.policy
        progress = None
        if started.kind == "video":
            progress = VideoProgress.objects.filter(
                learner=request.user, resource_id=session.resource_id
            ).first()
        body = {
            "session": session.pk,
            "token": started.token,
            "beat_seconds": session.beat_seconds,
            "activity_seconds": policy.activity_seconds,
            "max_playback_rate": float(policy.max_playback_rate),
            "taken_over": started.taken_over,
            "credited_seconds": services.resource_credited(
                learner=request.user, resource_id=session.resource_id
            ),
            "room_seconds": session.resource_room,
            "today_room_seconds": session.day_room,
            "video_furthest": progress.furthest_seconds if progress else 0.0,
            "video_completed": progress.completed if progress else False,
        }
        return Response(StartOutput(body).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["study"])
class HeartbeatView(_TokenView):
    @extend_schema(
        summary="心跳",
        description=(
            "Every `beat_seconds` while the learner is there. `seq` is the previous accepted one plus 1: a "
            "replayed, reordered or forged heartbeat is not accepted and credits nothing; the same `seq` "
            "again (a retry) is answered again and credits nothing. `check` is a presence question to "
            "answer: until it is, nothing is credited. `ended` says why the session is over."
        ),
        request=BeatInput,
        responses=BeatOutput,
    )
    def post(self, request):
        # The same answer as the lean WSGI route that serves this path in production (learning.fastpath).
        status_code, body = heartbeat_answer(request.data)
        return Response(body, status=status_code)


@extend_schema(tags=["study"])
class CheckAnswerView(_TokenView):
    @extend_schema(
        summary="回答随机问题",
        description="Three wrong answers, or none before the deadline, end the session.",
        request=AnswerInput,
        responses=AnswerOutput,
    )
    def post(self, request, pk):
        data = AnswerInput(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            result = services.check_answer(
                token=data.validated_data["token"], check_id=pk, answer=data.validated_data["answer"]
            )
        return Response(
            {"correct": result.correct, "ended": result.ended, "attempts_left": result.attempts_left}
        )


@extend_schema(tags=["study"])
class SessionCloseView(_TokenView):
    @extend_schema(summary="结束学习", request=CloseInput, responses={204: None})
    def post(self, request):
        data = CloseInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.session_close(token=data.validated_data["token"])
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Records (LRN-3) ----------------------------------------------------------------------------------------


class IntervalSerializer(serializers.ModelSerializer):
    resource_title = TextField(source="resource.title")
    reason_display = TextField(source="get_reason_display")
    seconds_display = DurationDisplayField(source="seconds")
    uncredited_display = DurationDisplayField(source="uncredited_seconds")

    class Meta:
        model = CreditInterval
        fields = [
            "id",
            "day",
            "started_at",
            "ended_at",
            "resource",
            "resource_title",
            "seconds",
            "seconds_display",
            "uncredited_seconds",
            "uncredited_display",
            "reason",
            "reason_display",
        ]


class DaySerializer(serializers.Serializer):
    day = serializers.DateField()
    seconds = serializers.IntegerField()
    seconds_display = DurationDisplayField(source="seconds")


class ActivityRowSerializer(serializers.Serializer):
    when = serializers.DateTimeField(allow_null=True)
    what = serializers.CharField()
    detail = serializers.CharField()
    url = serializers.CharField(help_text="A path on this site, or empty.")


class ActivitySectionSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="homework, posts, qa, seminars …: the app that adds the section.")
    title = serializers.CharField()
    summary = serializers.CharField()
    figures = serializers.DictField(child=serializers.JSONField())
    rows = ActivityRowSerializer(many=True)


class RecordSerializer(serializers.Serializer):
    learner = serializers.IntegerField(source="enrollment.user_id")
    learner_name = TextField(source="enrollment.user.real_name")
    project = serializers.IntegerField(source="enrollment.project_id")
    subject = TextField(source="enrollment.subject.label")
    credited_seconds = serializers.IntegerField(help_text="上网学时: credited online study time, in seconds.")
    credited_display = DurationDisplayField(source="credited_seconds")
    units = serializers.FloatField(help_text="学时 by the project's rule (e.g. 45 minutes = 1).")
    required_units = serializers.IntegerField()
    sessions = serializers.IntegerField()
    journal_entries = serializers.IntegerField(help_text="研修日志 written.")
    uncredited_by_reason = serializers.DictField(child=serializers.IntegerField(), source="by_reason")
    uncredited_by_reason_display = serializers.DictField(
        child=DurationDisplayField(), source="by_reason", read_only=True
    )
    days = DaySerializer(many=True)
    intervals = IntervalSerializer(many=True)
    activities = ActivitySectionSerializer(
        many=True, help_text="What the apps above add: posts, homework, Q&A and seminar attendance."
    )


class RecordFilter(serializers.Serializer):
    project = IdField(required=False, help_text="only this project's record")


@extend_schema(tags=["study"])
class RecordView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="学习记录（学员本人、其辅导教师和上级管理员）",
        parameters=[RecordFilter],
        responses=RecordSerializer(many=True),
    )
    def get(self, request, learner_id):
        filters = RecordFilter(data=request.query_params)
        filters.is_valid(raise_exception=True)
        enrollments = selectors.record_access(
            actor=request.user, learner_id=learner_id, project=filters.validated_data.get("project")
        )
        rows = []
        for e in enrollments:
            r = selectors.record(enrollment=e)
            r.days = [{"day": d, "seconds": s} for d, s in r.days]
            r.by_reason = {reason: seconds for reason, (seconds, _times) in r.by_reason.items()}
            rows.append(r)
        return Response(RecordSerializer(rows, many=True).data)
