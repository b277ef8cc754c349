"""The expert duty API (ACT-3): the duty units (project × provider) the caller sees with their flags, a
unit's roster, response times and flags, setting a day's roster, the on-duty queue and a question's claim,
release and answer; the office's overview of a project. Scoped like the pages: what the caller may not see
is a 404; what they see but may not do, a 403."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from teachnet.accounts.rest_api.serializers import service_errors
from teachnet.core.rest_api.pagination import BoundedLimitOffsetPagination

from .. import selectors, services
from ..models import Question
from .serializers import (
    DutyAnswerInputSerializer,
    DutyDaySerializer,
    DutyFlagsSerializer,
    DutyQuestionDetailSerializer,
    DutyQuestionFilter,
    DutyQuestionSerializer,
    DutyReleaseInputSerializer,
    DutyRosterDayInputSerializer,
    DutyUnitSerializer,
)


def _unit_data(request, unit) -> dict:
    rows = selectors.roster_days(project=unit.project, provider=unit.provider)
    questions = selectors.unit_questions(unit)
    return DutyUnitSerializer(
        {
            "flags": selectors.flags(unit=unit, rows=rows, questions=questions),
            "may_manage_roster": selectors.may_manage_roster(
                actor=request.user, project=unit.project, provider=unit.provider
            ),
            "candidates": list(selectors.roster_candidates(project=unit.project, provider=unit.provider)),
            "roster": rows,
            "times_by_expert": selectors.times_by_expert(unit=unit, questions=questions),
            "times_by_day": selectors.times_by_day(unit=unit, questions=questions, rows=rows),
        }
    ).data


@extend_schema(tags=["duty"])
class UnitListView(APIView):
    permission_classes = [IsAuthenticated]
    pagination_class = BoundedLimitOffsetPagination  # so the schema documents the page, as it is sent

    @extend_schema(
        summary="可查看的专家值班（项目 × 承担单位）及预警", responses=DutyFlagsSerializer(many=True)
    )
    def get(self, request):
        paginator = BoundedLimitOffsetPagination()
        units = selectors.units_visible(actor=request.user)
        page = paginator.paginate_queryset(units, request, view=self)
        return paginator.get_paginated_response(
            DutyFlagsSerializer([selectors.flags(unit=u) for u in page], many=True).data
        )


@extend_schema(tags=["duty"])
class UnitView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="承担单位的值班表、预警与响应时间", responses=DutyUnitSerializer)
    def get(self, request, project_id, provider_id):
        unit = selectors.unit_access(actor=request.user, project_id=project_id, provider_id=provider_id)
        return Response(_unit_data(request, unit))


@extend_schema(tags=["duty"])
class RosterDayView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="设置某天的值班专家",
        description="The whole list for the day (an empty list clears it). The provider's admin or chief "
        "expert (403 otherwise); experts of the provider's subject teams with an account only (400). A day "
        "below the minimum is saved and shown as short.",
        request=DutyRosterDayInputSerializer,
        responses=DutyDaySerializer,
    )
    def put(self, request, project_id, provider_id, day):
        unit = selectors.unit_access(actor=request.user, project_id=project_id, provider_id=provider_id)
        try:
            day = dt.date.fromisoformat(day)
        except ValueError as exc:
            raise Http404 from exc
        data = DutyRosterDayInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            services.roster_set(
                actor=request.user,
                project=unit.project,
                provider=unit.provider,
                day=day,
                experts=data.validated_data["experts"],
            )
        row = selectors.roster_days(project=unit.project, provider=unit.provider, start=day, end=day)[0]
        return Response(DutyDaySerializer(row).data)


@extend_schema(tags=["duty"])
class ProjectOverviewView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="项目各承担单位的值班预警（项目办）",
        description="Every provider of the project whose duty the caller sees: all of them for the office.",
        responses=DutyFlagsSerializer(many=True),
    )
    def get(self, request, project_id):
        project = selectors.project_access(actor=request.user, project_id=project_id)
        return Response(
            DutyFlagsSerializer(selectors.project_flags(actor=request.user, project=project), many=True).data
        )


@extend_schema(tags=["duty"])
class QuestionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """转交给专家团队的问题: the on-duty queue."""

    queryset = Question.objects.none()
    serializer_class = DutyQuestionSerializer

    def get_queryset(self):
        qs = selectors.questions_visible(actor=self.request.user)
        if self.action != "list":
            return qs
        query = DutyQuestionFilter(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        wanted = query.validated_data
        for name, field in (
            ("state", "state"),
            ("project", "project_id"),
            ("provider", "provider_subject__provider_id"),
        ):
            if name in wanted:
                qs = qs.filter(**{field: wanted[name]})
        return qs.order_by("forwarded_at", "pk")

    def get_object(self):
        return selectors.question_access(actor=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(
        summary="值班问题队列",
        parameters=[DutyQuestionFilter],
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="问题详情与处理记录", responses=DutyQuestionDetailSerializer)
    def retrieve(self, request, pk=None):
        return Response(DutyQuestionDetailSerializer(self.get_object()).data)

    @extend_schema(
        summary="认领",
        description="An expert of the question's subject team (403 otherwise). 400 when another expert "
        "claimed it first (naming them) or it is answered; claiming one's own claim again changes nothing.",
        request=None,
        responses=DutyQuestionDetailSerializer,
    )
    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        question = self.get_object()
        with service_errors():
            question = services.question_claim(actor=request.user, question=question)
        return Response(DutyQuestionDetailSerializer(question).data)

    @extend_schema(
        summary="放回队列",
        description="By the expert who claimed it, or the provider's admin or chief expert.",
        request=DutyReleaseInputSerializer,
        responses=DutyQuestionDetailSerializer,
    )
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        question = self.get_object()
        data = DutyReleaseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            question = services.question_release(actor=request.user, question=question, **data.validated_data)
        return Response(DutyQuestionDetailSerializer(question).data)

    @extend_schema(
        summary="答复",
        description="An expert of the subject team; a waiting question is claimed and answered at once. The "
        "answer is posted back where the question came from (the thread, as the expert team's answer) and "
        "the asker and the tutor are notified. 400 if another expert claimed or answered it first.",
        request=DutyAnswerInputSerializer,
        responses=DutyQuestionDetailSerializer,
    )
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        question = self.get_object()
        data = DutyAnswerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            question = services.question_answer(
                actor=request.user, question=question, answer=data.validated_data["answer"]
            )
        return Response(DutyQuestionDetailSerializer(question).data)
