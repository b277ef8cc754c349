"""The trainer training API (骨干培训者培训, TRN-5): a provider's sessions for one of its subjects, their
attendance, and the trainers' status against the plan (30 学时, of them ≥ 3 of platform drill, ≥ 1 remote
rehearsal).

Routed below the provider's subject, so each session is reached only through one the caller may see: an object
outside the caller's reach is a 404; a write their role does not allow on one they see is a 403 (from the
services). A session's kind is `session_kind` here: `kind` already names another choice set in the schema.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from teachnet.accounts.permissions import get_visible_or_404
from teachnet.accounts.rest_api.serializers import service_errors
from teachnet.accounts.roles import Perm
from teachnet.core.rest_api.fields import IdField, TextField

from .. import services_sessions as services
from ..models import ProviderSubject
from ..models_sessions import TrainerSession
from ..selectors import provider_subject_access

# --- Serializers --------------------------------------------------------------------------------------------


class TrainerSessionSerializer(serializers.ModelSerializer):
    session_kind = serializers.ChoiceField(source="kind", choices=TrainerSession.Kind.choices)
    session_kind_display = TextField(source="get_kind_display", read_only=True)
    present_count = serializers.IntegerField(read_only=True, help_text="trainers recorded present")

    class Meta:
        model = TrainerSession
        fields = [
            "id",
            "provider_subject",
            "session_kind",
            "session_kind_display",
            "title",
            "starts_at",
            "ends_at",
            "hours",
            "place",
            "present_count",
        ]


class TrainerSessionInputSerializer(serializers.Serializer):
    session_kind = serializers.ChoiceField(choices=TrainerSession.Kind.choices)
    title = TextField(max_length=200)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    hours = serializers.DecimalField(
        max_digits=5,
        decimal_places=1,
        required=False,
        allow_null=True,
        default=None,
        help_text="学时; left out or null, the clock hours between the two times",
    )
    place = TextField(max_length=300, required=False, allow_blank=True, default="")

    def fields_for_service(self) -> dict:
        fields = dict(self.validated_data)
        fields["kind"] = fields.pop("session_kind")
        return fields


class AttendanceRowSerializer(serializers.Serializer):
    user = serializers.IntegerField(source="enrollment.user_id")
    real_name = TextField(source="enrollment.user.real_name")
    city = TextField(source="enrollment.region_id")
    present = serializers.BooleanField(allow_null=True, help_text="null: not recorded yet")


class AttendanceInputSerializer(serializers.Serializer):
    present = serializers.ListField(
        child=IdField(),
        allow_empty=True,
        help_text="user ids of the trainers present; every other trainer of the subject is recorded absent",
    )


class TrainerStatusSerializer(serializers.Serializer):
    user = serializers.IntegerField(source="enrollment.user_id")
    real_name = TextField(source="enrollment.user.real_name")
    city = TextField(source="enrollment.region_id")
    concentrated_hours = serializers.DecimalField(max_digits=6, decimal_places=1)
    drill_hours = serializers.DecimalField(max_digits=6, decimal_places=1)
    training_hours = serializers.DecimalField(
        max_digits=6, decimal_places=1, help_text="concentrated and drill hours: what counts towards the 30"
    )
    rehearsals = serializers.IntegerField()
    concentrated_ok = serializers.BooleanField()
    drill_ok = serializers.BooleanField()
    rehearsal_ok = serializers.BooleanField()
    complete = serializers.BooleanField()
    reasons = serializers.ListField(child=TextField())


class _PerKindCountSerializer(serializers.Serializer):
    concentrated = serializers.IntegerField()
    drill = serializers.IntegerField()
    rehearsal = serializers.IntegerField()


class _PerKindHoursSerializer(serializers.Serializer):
    concentrated = serializers.DecimalField(max_digits=7, decimal_places=1)
    drill = serializers.DecimalField(max_digits=7, decimal_places=1)
    rehearsal = serializers.DecimalField(max_digits=7, decimal_places=1)


class SessionsSummarySerializer(serializers.Serializer):
    sessions = _PerKindCountSerializer(help_text="sessions held, per kind")
    hours = _PerKindHoursSerializer(help_text="hours held, per kind")
    training_hours = serializers.DecimalField(max_digits=7, decimal_places=1)
    concentrated_ok = serializers.BooleanField()
    drill_ok = serializers.BooleanField()
    rehearsal_ok = serializers.BooleanField(help_text="at least one remote rehearsal held")
    trainers = serializers.IntegerField()
    complete = serializers.IntegerField(help_text="trainers who meet every requirement")
    problems = serializers.ListField(child=TextField())


class TrainerTrainingStatusSerializer(serializers.Serializer):
    provider_subject = serializers.IntegerField(source="provider_subject.pk")
    summary = SessionsSummarySerializer()
    trainers = TrainerStatusSerializer(many=True)


# --- Views --------------------------------------------------------------------------------------------------


def _provider_subject(request, pk) -> ProviderSubject:
    return provider_subject_access(actor=request.user, pk=pk, perm=Perm.TRAINER_SESSION_VIEW)


def _session(request, provider_subject: ProviderSubject, pk) -> TrainerSession:
    return get_visible_or_404(
        actor=request.user,
        model=TrainerSession,
        perm=Perm.TRAINER_SESSION_VIEW,
        pk=pk,
        queryset=TrainerSession.objects.filter(provider_subject=provider_subject).select_related(
            "provider_subject__project", "provider_subject__subject"
        ),
    )


def _session_body(session: TrainerSession) -> dict:
    listed = get_object_or_404(
        services.session_list(provider_subject=session.provider_subject), pk=session.pk
    )
    return TrainerSessionSerializer(listed).data


@extend_schema(tags=["training"])
class TrainerSessionListView(APIView):
    """骨干培训者培训活动 of one provider's subject."""

    @extend_schema(summary="骨干培训者培训活动", responses=TrainerSessionSerializer(many=True))
    def get(self, request, provider_subject_id):
        assignment = _provider_subject(request, provider_subject_id)
        sessions = services.session_list(provider_subject=assignment)
        return Response(TrainerSessionSerializer(sessions, many=True).data)

    @extend_schema(
        summary="安排培训活动",
        description=(
            "The provider admin or the project office (403 otherwise). Concentrated training and drills must "
            "fall in the project's trainer-training phase, a rehearsal must end before the remote training "
            "starts (400 naming `starts_at` or `ends_at`)."
        ),
        request=TrainerSessionInputSerializer,
        responses={201: TrainerSessionSerializer},
    )
    def post(self, request, provider_subject_id):
        assignment = _provider_subject(request, provider_subject_id)
        data = TrainerSessionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            session = services.session_create(
                actor=request.user, provider_subject=assignment, **data.fields_for_service()
            )
        return Response(_session_body(session), status=status.HTTP_201_CREATED)


@extend_schema(tags=["training"])
class TrainerSessionDetailView(APIView):
    @extend_schema(summary="培训活动", responses=TrainerSessionSerializer)
    def get(self, request, provider_subject_id, pk):
        session = _session(request, _provider_subject(request, provider_subject_id), pk)
        return Response(_session_body(session))

    @extend_schema(
        summary="修改培训活动",
        description="Replaces every field; hours left out are computed from the times again.",
        request=TrainerSessionInputSerializer,
        responses=TrainerSessionSerializer,
    )
    def put(self, request, provider_subject_id, pk):
        session = _session(request, _provider_subject(request, provider_subject_id), pk)
        data = TrainerSessionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            services.session_update(actor=request.user, session=session, **data.fields_for_service())
        return Response(_session_body(session))

    @extend_schema(summary="删除培训活动", description="With its attendance.", responses={204: None})
    def delete(self, request, provider_subject_id, pk):
        session = _session(request, _provider_subject(request, provider_subject_id), pk)
        services.session_delete(actor=request.user, session=session)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["training"])
class SessionAttendanceView(APIView):
    """The attendance sheet (出勤) of one session: every trainer the caller may see, present or not."""

    @extend_schema(summary="出勤", responses=AttendanceRowSerializer(many=True))
    def get(self, request, provider_subject_id, pk):
        assignment = _provider_subject(request, provider_subject_id)
        session = _session(request, assignment, pk)
        trainers = services.trainer_list_visible(actor=request.user, provider_subject=assignment)
        sheet = services.attendance_sheet(session=session, trainers=trainers)
        return Response(AttendanceRowSerializer(sheet, many=True).data)

    @extend_schema(
        summary="登记出勤",
        description=(
            "The provider admin or the project office (403 otherwise). The trainers listed were present, "
            "every other trainer of the subject absent. Refused (400) before the session starts, or for an "
            "account that is not a trainer of the subject."
        ),
        request=AttendanceInputSerializer,
        responses=AttendanceRowSerializer(many=True),
    )
    def put(self, request, provider_subject_id, pk):
        assignment = _provider_subject(request, provider_subject_id)
        session = _session(request, assignment, pk)
        data = AttendanceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            services.attendance_set(
                actor=request.user, session=session, present_user_ids=data.validated_data["present"]
            )
        sheet = services.attendance_sheet(session=session)
        return Response(AttendanceRowSerializer(sheet, many=True).data)


@extend_schema(tags=["training"])
class TrainerTrainingStatusView(APIView):
    @extend_schema(
        summary="骨干培训者完成情况",
        description=(
            "Per trainer: the concentrated hours attended (the drill included, ≥ 30), the drill hours (≥ 3), "
            "the rehearsals attended (≥ 1, and the provider must have held one), complete or not with the "
            "reasons; and the subject's sessions held. A provincial lead sees their province's trainers."
        ),
        responses=TrainerTrainingStatusSerializer,
    )
    def get(self, request, provider_subject_id):
        assignment = _provider_subject(request, provider_subject_id)
        trainers = services.trainer_list_visible(actor=request.user, provider_subject=assignment)
        result = services.trainer_training_status(provider_subject=assignment, trainers=trainers)
        return Response(TrainerTrainingStatusSerializer(result).data)
