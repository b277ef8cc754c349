"""The project's study rules and presence-question bank through the API (the project office only; 404 for
anyone else, as the pages)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from teachnet.accounts.rest_api.serializers import service_errors
from teachnet.core.rest_api.fields import TextField
from teachnet.training.selectors_projects import project_access

from .. import services, services_rules
from ..models import Question, StudyPolicy


def _bounded(name: str) -> dict:
    # The service's bounds, in the schema too (minimum, maximum) and with the service's own words.
    low, high = services_rules.BOUNDS[name]
    message = services_rules.bound_problem(name, high + 1)
    return {
        "min_value": low,
        "max_value": high,
        "error_messages": {"min_value": message, "max_value": message},
    }


class PolicySerializer(serializers.ModelSerializer):
    class Meta:
        model = StudyPolicy
        fields = list(services_rules.POLICY_FIELDS)
        # A decimal travels as a string, whose range no schema states: the service bounds it (a 422).
        extra_kwargs = {
            name: _bounded(name)
            for name, (low, _high) in services_rules.BOUNDS.items()
            if isinstance(low, int)
        }


class QuestionSerializer(serializers.ModelSerializer):
    prompt = TextField(max_length=200)
    answer = TextField(max_length=60)

    class Meta:
        model = Question
        fields = ["id", "prompt", "answer"]


@extend_schema(tags=["study"])
class PolicyView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="项目的学时规则（未设置时为默认值）", responses=PolicySerializer)
    def get(self, request, project_id):
        project = project_access(actor=request.user, pk=project_id)
        return Response(PolicySerializer(services.policy_for(project)).data)

    @extend_schema(
        summary="修改学时规则（只给出要改的项）；此后开始的学习按新规则计时",
        request=PolicySerializer(partial=True),
        responses=PolicySerializer,
    )
    def patch(self, request, project_id):
        project = project_access(actor=request.user, pk=project_id)
        data = PolicySerializer(services.policy_for(project), data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        with service_errors():
            policy = services_rules.policy_save(actor=request.user, project=project, **data.validated_data)
        return Response(PolicySerializer(policy).data)


@extend_schema(tags=["study"])
class QuestionsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="随机问题题库", responses=QuestionSerializer(many=True))
    def get(self, request, project_id):
        project = project_access(actor=request.user, pk=project_id)
        questions = Question.objects.filter(project=project).order_by("pk")
        return Response(QuestionSerializer(questions, many=True).data)

    @extend_schema(summary="加入一题", request=QuestionSerializer, responses={201: QuestionSerializer})
    def post(self, request, project_id):
        project = project_access(actor=request.user, pk=project_id)
        data = QuestionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            question = services_rules.question_add(actor=request.user, project=project, **data.validated_data)
        return Response(QuestionSerializer(question).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["study"])
class QuestionView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="从题库删去一题", responses={204: None})
    def delete(self, request, project_id, pk):
        project = project_access(actor=request.user, pk=project_id)
        question = get_object_or_404(Question, pk=pk, project=project)
        services_rules.question_remove(actor=request.user, question=question)
        return Response(status=status.HTTP_204_NO_CONTENT)
