"""The Q&A API (ACT-5): sessions and their standing, the room (messages since a revision, questions,
upvotes, answers, presence), attendance. Scoped like the pages: the same selectors decide, and "missing" and
"not yours" are the same 404."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from teachnet.accounts.rest_api.serializers import service_errors
from teachnet.core.rest_api.schema import error_responses
from teachnet.training.models import Project, ProviderSubject

from .. import board, rules, selectors, services
from ..models import QaMessage, QaSession
from . import serializers as s


def _session_data(session: QaSession, access: selectors.Access) -> dict:
    v = rules.verdict(session, host_roles=[h.role for h in session.hosts.all()])
    session.state = selectors.state(session)
    session.counts, session.verdict, session.reasons, session.verdict_display = (
        v.counts,
        v.status,
        v.reasons,
        v.text,
    )
    session.may = {"ask": access.ask, "host": access.host, "manage": access.manage}
    return s.QaSessionSerializer(session).data


def _query(serializer_class, request) -> dict:
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data


@extend_schema(tags=["qa"])
class SessionViewSet(viewsets.GenericViewSet):
    # Generic for its paginator (the schema then says the lists are pages); access is the selectors'.
    queryset = QaSession.objects.none()
    serializer_class = s.QaSessionSerializer

    def _get(self, request, pk, need="view"):
        return selectors.session_access(actor=request.user, session_id=pk, need=need)

    @extend_schema(
        summary="答疑列表",
        parameters=[s.QaSessionFilter],
        responses=s.QaSessionSerializer(many=True),
    )
    def list(self, request):
        query = _query(s.QaSessionFilter, request)
        qs = selectors.sessions_visible(actor=request.user).select_related(
            "provider_subject__subject", "provider_subject__provider"
        )
        if "project" in query:
            qs = qs.filter(provider_subject__project_id=query["project"])
        if "provider_subject" in query:
            qs = qs.filter(provider_subject_id=query["provider_subject"])
        page = self.paginate_queryset(qs.prefetch_related("hosts").order_by("-starts_at", "-id"))
        data = [_session_data(x, selectors.access(user=request.user, session=x)) for x in page]
        return self.get_paginated_response(data)

    @extend_schema(summary="答疑详情", responses=s.QaSessionSerializer)
    def retrieve(self, request, pk=None):
        session, access = self._get(request, pk)
        return Response(_session_data(session, access))

    @extend_schema(
        summary="安排答疑",
        description=(
            "By the provider's admin and experts, or a member of the subject's expert team. A session "
            "under 2 hours, or without the chief expert among its hosts, can be scheduled but will not count."
        ),
        request=s.QaSessionCreateInput,
        responses={201: s.QaSessionSerializer},
    )
    def create(self, request):
        data = s.QaSessionCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        ps = get_object_or_404(ProviderSubject, pk=fields.pop("provider_subject"))
        if not selectors.may_schedule(actor=request.user, provider_subject=ps):
            raise Http404
        fields["host_ids"] = fields.pop("hosts")
        with service_errors():
            session = services.session_schedule(actor=request.user, provider_subject=ps, **fields)
        session, access = self._get(request, session.pk)
        return Response(_session_data(session, access), status=status.HTTP_201_CREATED)

    @extend_schema(summary="修改答疑", request=s.QaSessionUpdateInput, responses=s.QaSessionSerializer)
    def partial_update(self, request, pk=None):
        session, _access = self._get(request, pk, "manage")
        data = s.QaSessionUpdateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        # What the PATCH leaves out keeps its value (partial: no defaults were filled in either).
        fields = {
            "title": session.title,
            "starts_at": session.starts_at,
            "ends_at": session.ends_at,
            "hosts": [h.pk for h in session.hosts.all()],
            "description": session.description,
            "video_url": session.video_url,
            "version": None,
            **data.validated_data,
        }
        fields["host_ids"] = fields.pop("hosts")
        with service_errors():
            services.session_update(actor=request.user, session=session, **fields)
        session, access = self._get(request, pk)
        return Response(_session_data(session, access))

    @extend_schema(summary="取消答疑", request=s.QaCancelInput, responses=s.QaSessionSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        session, _access = self._get(request, pk, "manage")
        data = s.QaCancelInput(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            services.session_cancel(actor=request.user, session=session, reason=data.validated_data["reason"])
        session, access = self._get(request, pk)
        return Response(_session_data(session, access))

    @extend_schema(summary="结束答疑并归档", request=None, responses=s.QaSessionSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        session, _access = self._get(request, pk, "host")
        with service_errors():
            services.session_end(actor=request.user, session=session)
        session, access = self._get(request, pk)
        return Response(_session_data(session, access))

    @extend_schema(
        summary="答疑室发言（自某修订号以来）",
        description=(
            "Questions and answers in the order of their last change: poll with `since` = the largest "
            "`rev` received. The room page itself polls a lean route with a room pass (decision 0006)."
        ),
        parameters=[s.QaSinceFilter],
        responses=s.QaMessageSerializer(many=True),
    )
    @action(detail=True, methods=["get"])
    def messages(self, request, pk=None):
        session, _access = self._get(request, pk)
        since = _query(s.QaSinceFilter, request)["since"]
        page = self.paginate_queryset(session.messages.filter(rev__gt=since).order_by("rev"))
        return self.get_paginated_response(s.QaMessageSerializer(page, many=True).data)

    @extend_schema(summary="提问", request=s.QaBodyInput, responses={201: s.QaMessageSerializer})
    @action(detail=True, methods=["post"])
    def questions(self, request, pk=None):
        session, _access = self._get(request, pk, "ask")
        data = s.QaBodyInput(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            m = services.question_ask(actor=request.user, session=session, body=data.validated_data["body"])
        return Response(s.QaMessageSerializer(m).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="在线（出勤）",
        description="Sent every 30 s while the room is open; time in the session counts (not study hours).",
        request=None,
        responses=s.QaPresenceSerializer,
    )
    @action(detail=True, methods=["post"])
    def presence(self, request, pk=None):
        session, access = self._get(request, pk)
        if not (access.ask or access.host):
            raise Http404
        with service_errors():
            att = services.presence_ping(actor=request.user, session=session)
        return Response(s.QaPresenceSerializer(att).data)

    @extend_schema(summary="出勤名单", responses=s.QaAttendanceSerializer(many=True))
    @action(detail=True, methods=["get"])
    def attendance(self, request, pk=None):
        session, access = self._get(request, pk)
        if not (access.host or access.oversee):
            raise Http404
        page = self.paginate_queryset(selectors.attendance(session=session))
        return self.get_paginated_response(s.QaAttendanceSerializer(page, many=True).data)


@extend_schema(tags=["qa"])
class MessageViewSet(viewsets.ViewSet):
    queryset = QaMessage.objects.none()

    def _get(self, request, pk) -> tuple[QaMessage, selectors.Access]:
        try:
            message = QaMessage.objects.select_related("session").get(pk=int(pk))
        except (QaMessage.DoesNotExist, ValueError, TypeError) as exc:
            raise Http404 from exc
        session, access = selectors.session_access(actor=request.user, session_id=message.session_id)
        message.session = session
        return message, access

    @extend_schema(summary="点赞 / 取消点赞", request=s.QaVoteInput, responses=s.QaMessageSerializer)
    @action(detail=True, methods=["post"])
    def vote(self, request, pk=None):
        message, access = self._get(request, pk)
        if not access.ask:
            raise Http404
        data = s.QaVoteInput(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            m = services.vote_set(actor=request.user, question=message, on=data.validated_data["on"])
        return Response(s.QaMessageSerializer(m).data)

    @extend_schema(summary="解答", request=s.QaAnswerInput, responses={201: s.QaMessageSerializer})
    @action(detail=True, methods=["post"])
    def answers(self, request, pk=None):
        message, access = self._get(request, pk)
        if not access.host:
            raise Http404
        data = s.QaAnswerInput(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            a = services.answer_post(
                actor=request.user,
                question=message,
                body=data.validated_data["body"],
                mark_answered=data.validated_data["mark"],
            )
        return Response(s.QaMessageSerializer(a).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="标记已解答 / 待解答", request=s.QaMarkInput, responses=s.QaMessageSerializer)
    @action(detail=True, methods=["post"])
    def answered(self, request, pk=None):
        message, access = self._get(request, pk)
        if not access.host:
            raise Http404
        data = s.QaMarkInput(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            q = services.question_mark_answered(
                actor=request.user, question=message, answered=data.validated_data["answered"]
            )
        return Response(s.QaMessageSerializer(q).data)

    @extend_schema(
        summary="转入学科讨论区",
        description=(
            "After the session, an unanswered question moves into the subject board (when the board is "
            "connected; otherwise 404). The transcript keeps it with the link."
        ),
        request=None,
        responses=s.QaMessageSerializer,
    )
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        message, access = self._get(request, pk)
        if not (access.host or access.manage) or board.mover() is None:
            raise Http404
        with service_errors():
            q = services.question_move(actor=request.user, question=message)
        return Response(s.QaMessageSerializer(q).data)


@extend_schema(tags=["qa"])
class StandingsView(APIView):
    @extend_schema(
        summary="答疑达标情况（每学科不少于 3 次）",
        parameters=[s.QaStandingFilter],
        responses={200: s.QaStandingSerializer(many=True), **error_responses("404")},
    )
    def get(self, request):
        project = get_object_or_404(Project, pk=_query(s.QaStandingFilter, request)["project"])
        subjects = selectors.provider_subjects_visible(actor=request.user).filter(project=project)
        if not subjects.exists():
            raise Http404
        allowed = set(subjects.values_list("pk", flat=True))
        standings = [
            st
            for ps, st in zip(
                ProviderSubject.objects.filter(project=project).order_by("subject_id", "provider_id"),
                rules.measure(project),
                strict=True,
            )
            if ps.pk in allowed
        ]
        return Response(s.QaStandingSerializer(standings, many=True).data)
