"""The homework API (ACT-6, issue 11 deliverable 9): every capability of the pages, scoped by the same
selectors. Something the caller may not reach is a 404; a write the services refuse is a 400 naming the
field; a write over a change the caller has not seen is a 409 carrying what the other person saved."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers as drf_serializers
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from teachnet.accounts.rest_api.serializers import service_errors
from teachnet.core.models import TaskProgress
from teachnet.core.rest_api.errors import Refused
from teachnet.core.richtext import plain_text
from teachnet.training.models import ProviderSubject

from .. import selectors, services
from .. import similarity as sim
from ..models import Assignment, Rubric, SimilarityPair, Submission
from . import serializers as s

STALE = OpenApiResponse(
    s.HomeworkStaleSerializer, description="改动冲突：作业已被他人修改，返回对方保存的内容"
)


class _Write:
    """Run a service: its ValidationError a 400, PermissionDenied a 403, StaleSubmission a 409."""

    def __call__(self, fn, **kwargs):
        try:
            with service_errors():
                return fn(**kwargs), None
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        except services.StaleSubmission as exc:
            body = {"detail": exc.message, "current": s.HomeworkSubmissionSerializer(exc.current).data}
            return None, Response(body, status=status.HTTP_409_CONFLICT)


write = _Write()


class _Paged(GenericAPIView):
    def paged(self, queryset, serializer):
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(serializer(page, many=True).data)


@extend_schema(tags=["homework"])
class AssignmentList(_Paged):
    queryset = Assignment.objects.none()
    serializer_class = s.HomeworkAssignmentSerializer

    @extend_schema(summary="我能看到的作业", responses=s.HomeworkAssignmentSerializer(many=True))
    def get(self, request):
        qs = selectors.assignments_reached(request.user).order_by("deadline", "pk")
        return self.paged(qs, s.HomeworkAssignmentSerializer)

    @extend_schema(
        summary="布置作业",
        description="For a provider's subject (its chief or subject experts) or one class (its tutor).",
        request=s.HomeworkAssignmentInputSerializer,
        responses={201: s.HomeworkAssignmentSerializer},
    )
    def post(self, request):
        data = s.HomeworkAssignmentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        ps = klass = rubric = None
        if d.get("provider_subject"):
            ps = selectors.provider_subject_for_expert(actor=request.user, pk=d["provider_subject"])
        elif d.get("training_class"):
            klass = next(
                (c for c in selectors.reach(request.user).tutor_classes if c.pk == d["training_class"]), None
            )
            if klass is None:
                raise Http404
        else:
            # A rule across two optional fields, which no schema states: 422.
            raise Refused({"provider_subject": ["请指定学科（provider_subject）或班级。"]})
        if d.get("rubric"):
            rubric = selectors.rubric_access(actor=request.user, pk=d["rubric"])
        a, _err = write(
            services.assignment_create,
            actor=request.user,
            provider_subject=ps,
            training_class=klass,
            title=d["title"],
            prompt=d["prompt"],
            template_text=d["template_text"],
            deadline=d["deadline"],
            late_policy=d["late_policy"],
            rubric=rubric,
            rubric_text_value=d["rubric_text"],
            spot_share=d["spot_share"],
            spot_minimum=d["spot_minimum"],
        )
        return Response(s.HomeworkAssignmentSerializer(a).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["homework"])
class AssignmentDetail(APIView):
    @extend_schema(summary="作业详情（含冻结的评价标准）", responses=s.HomeworkAssignmentSerializer)
    def get(self, request, pk):
        part = selectors.assignment_access(actor=request.user, pk=pk)
        return Response(s.HomeworkAssignmentSerializer(part.assignment).data)


@extend_schema(tags=["homework"])
class AssignmentProgress(APIView):
    @extend_schema(
        summary="进度：按班级（已提交、已批改、退回、推荐、迟交）",
        responses=s.HomeworkProgressRowSerializer(many=True),
    )
    def get(self, request, pk):
        part = selectors.assignment_access(actor=request.user, pk=pk)
        if not part.staff:
            raise Http404
        classes = None if (part.expert or part.overseer) else part.tutor_classes
        rows = selectors.progress_by_class(assignment=part.assignment, classes=classes)
        return Response(s.HomeworkProgressRowSerializer(rows, many=True).data)


@extend_schema(tags=["homework"])
class AssignmentSubmissions(_Paged):
    queryset = Submission.objects.none()
    serializer_class = s.HomeworkSubmissionSerializer

    @extend_schema(
        summary="作业的提交（辅导教师：本班；专家：全部）",
        parameters=[s.SubmissionsQuerySerializer],
        responses=s.HomeworkSubmissionSerializer(many=True),
    )
    def get(self, request, pk):
        query = s.SubmissionsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        part = selectors.assignment_access(actor=request.user, pk=pk)
        if not (part.tutor_classes or part.expert or part.overseer):
            raise Http404
        qs = Submission.objects.filter(assignment=part.assignment).exclude(state=Submission.State.DRAFT)
        if not (part.expert or part.overseer):
            qs = qs.filter(training_class__in=[c.pk for c in part.tutor_classes])
        if "training_class" in query.validated_data:
            qs = qs.filter(training_class_id=query.validated_data["training_class"])
        return self.paged(
            qs.select_related("learner").order_by("training_class_id", "learner__real_name", "pk"),
            s.HomeworkSubmissionSerializer,
        )


@extend_schema(tags=["homework"])
class MySubmission(APIView):
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def _part(self, request, pk):
        part = selectors.assignment_access(actor=request.user, pk=pk)
        if part.learner_class is None:
            raise Http404
        return part

    @extend_schema(
        summary="我的作业（第一次读取时开始一份草稿）", responses=s.HomeworkSubmissionDetailSerializer
    )
    def get(self, request, pk):
        part = self._part(request, pk)
        sub = services.submission_for(actor=request.user, assignment=part.assignment)
        return Response(s.HomeworkSubmissionDetailSerializer(sub).data)

    @extend_schema(
        summary="保存草稿或提交",
        request=s.HomeworkWriteInputSerializer,
        responses={200: s.HomeworkSubmissionDetailSerializer, 409: STALE},
    )
    def put(self, request, pk):
        part = self._part(request, pk)
        data = s.HomeworkWriteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        sub = services.submission_for(actor=request.user, assignment=part.assignment)
        d = data.validated_data
        saved, conflict = write(
            services.submission_save,
            actor=request.user,
            submission=sub,
            body=d["body"],
            version=d["version"],
            submit=d["submit"],
        )
        return conflict or Response(s.HomeworkSubmissionDetailSerializer(saved).data)


@extend_schema(tags=["homework"])
class MyAttachments(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        summary="上传附件（按内容检查：图片、PDF、Office 文档）",
        request={"multipart/form-data": s.HomeworkUploadInputSerializer},
        responses={201: s.HomeworkAttachmentSerializer},
    )
    def post(self, request, pk):
        part = selectors.assignment_access(actor=request.user, pk=pk)
        if part.learner_class is None:
            raise Http404
        data = s.HomeworkUploadInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        sub = services.submission_for(actor=request.user, assignment=part.assignment)
        att, conflict = write(
            services.attachment_add, actor=request.user, submission=sub, upload=data.validated_data["upload"]
        )
        return conflict or Response(s.HomeworkAttachmentSerializer(att).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["homework"])
class SubmissionDetail(APIView):
    @extend_schema(summary="一份作业（正文、附件、早先版本）", responses=s.HomeworkSubmissionDetailSerializer)
    def get(self, request, pk):
        sp = selectors.submission_access(actor=request.user, pk=pk)
        return Response(s.HomeworkSubmissionDetailSerializer(sp.submission).data)


@extend_schema(tags=["homework"])
class SubmissionEvents(APIView):
    @extend_schema(
        summary="批改记录（每次选择等级、评语、退回、推荐、更正）",
        responses=s.HomeworkEventSerializer(many=True),
    )
    def get(self, request, pk):
        sp = selectors.submission_access(actor=request.user, pk=pk)
        if sp.own and not sp.grader:
            raise Http404
        return Response(
            s.HomeworkEventSerializer(selectors.submission_events(submission=sp.submission), many=True).data
        )


def _graded(request, pk):
    sp = selectors.submission_access(actor=request.user, pk=pk)
    if not sp.grader:
        raise Http404
    return sp.submission


@extend_schema(tags=["homework"])
class SubmissionGrade(APIView):
    @extend_schema(
        summary="批改：每个评价维度一个等级，加评语",
        request=s.HomeworkGradeInputSerializer,
        responses={200: s.HomeworkSubmissionSerializer, 409: STALE},
    )
    def post(self, request, pk):
        sub = _graded(request, pk)
        data = s.HomeworkGradeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        saved, conflict = write(
            services.submission_grade, actor=request.user, submission=sub, **data.validated_data
        )
        return conflict or Response(s.HomeworkSubmissionSerializer(saved).data)


@extend_schema(tags=["homework"])
class SubmissionReturn(APIView):
    @extend_schema(
        summary="退回修改（保留当前版本及其评分）",
        request=s.HomeworkReturnInputSerializer,
        responses={200: s.HomeworkSubmissionSerializer, 409: STALE},
    )
    def post(self, request, pk):
        sub = _graded(request, pk)
        data = s.HomeworkReturnInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        saved, conflict = write(
            services.submission_return, actor=request.user, submission=sub, **data.validated_data
        )
        return conflict or Response(s.HomeworkSubmissionSerializer(saved).data)


@extend_schema(tags=["homework"])
class SubmissionRecommend(APIView):
    @extend_schema(
        summary="推荐优秀作业（或取消）",
        request=s.HomeworkRecommendInputSerializer,
        responses={200: s.HomeworkSubmissionSerializer, 409: STALE},
    )
    def post(self, request, pk):
        sub = _graded(request, pk)
        data = s.HomeworkRecommendInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        saved, conflict = write(
            services.submission_recommend, actor=request.user, submission=sub, **data.validated_data
        )
        return conflict or Response(s.HomeworkSubmissionSerializer(saved).data)


@extend_schema(tags=["homework"])
class SubmissionCorrect(APIView):
    @extend_schema(
        summary="专家更正评分（须写理由）",
        request=s.HomeworkCorrectInputSerializer,
        responses={200: s.HomeworkSubmissionSerializer, 409: STALE},
    )
    def post(self, request, pk):
        sp = selectors.submission_access(actor=request.user, pk=pk)
        if not sp.expert:
            raise Http404
        data = s.HomeworkCorrectInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        saved, conflict = write(
            services.submission_correct, actor=request.user, submission=sp.submission, **data.validated_data
        )
        return conflict or Response(s.HomeworkSubmissionSerializer(saved).data)


# --- Copy detection -----------------------------------------------------------------------------------------


@extend_schema(tags=["homework"])
class AssignmentPairs(_Paged):
    queryset = SimilarityPair.objects.none()
    serializer_class = s.HomeworkPairSerializer

    @extend_schema(summary="疑似雷同的作业对", responses=s.HomeworkPairSerializer(many=True))
    def get(self, request, pk):
        part = selectors.assignment_access(actor=request.user, pk=pk)
        if not part.staff:
            raise Http404
        return self.paged(
            selectors.pairs_visible(actor=request.user, assignment=part.assignment, part=part),
            s.HomeworkPairSerializer,
        )


@extend_schema(tags=["homework"])
class AssignmentRecheck(APIView):
    @extend_schema(
        summary="全部重新查重（后台任务，返回进度编号）",
        request=None,
        responses={202: s.HomeworkTaskSerializer},
    )
    def post(self, request, pk):
        part = selectors.assignment_access(actor=request.user, pk=pk)
        if not part.expert:
            raise Http404
        task = services.similarity_recheck_start(actor=request.user, assignment=part.assignment)
        return Response({"task": task.pk}, status=status.HTTP_202_ACCEPTED)


class HomeworkTaskProgressSerializer(drf_serializers.ModelSerializer):
    state = drf_serializers.CharField(help_text="pending, running, done or failed")

    class Meta:
        model = TaskProgress
        fields = ["id", "kind", "title", "state", "done", "total", "message", "finished_at"]


@extend_schema(tags=["homework"])
class RecheckProgress(APIView):
    @extend_schema(summary="查重任务进度", responses=HomeworkTaskProgressSerializer)
    def get(self, request, pk):
        task = TaskProgress.objects.filter(pk=pk, owner=request.user, kind="homework.recheck").first()
        if task is None:
            raise Http404
        return Response(HomeworkTaskProgressSerializer(task).data)


@extend_schema(tags=["homework"])
class PairDetail(APIView):
    @extend_schema(
        summary="两份作业对照，共有段落的位置（字符区间）", responses=s.HomeworkPairDetailSerializer
    )
    def get(self, request, pk):
        p = selectors.pair_access(actor=request.user, pk=pk)
        a = p.assignment
        excluded = sim.Excluded(plain_text(a.prompt), a.template_text)
        first, second = sim.shared_spans(p.first.body_text, p.second.body_text, excluded=excluded)
        p.spans_first = [{"start": x, "end": y} for x, y in first]
        p.spans_second = [{"start": x, "end": y} for x, y in second]
        return Response(s.HomeworkPairDetailSerializer(p).data)


# --- Spot checks --------------------------------------------------------------------------------------------


def _expert_part(request, pk):
    part = selectors.assignment_access(actor=request.user, pk=pk)
    if not part.expert:
        raise Http404
    return part


@extend_schema(tags=["homework"])
class AssignmentSpotChecks(APIView):
    @extend_schema(
        summary="专家抽查样本（评分前不含辅导教师的评分）", responses=s.HomeworkSpotCheckSerializer(many=True)
    )
    def get(self, request, pk):
        part = _expert_part(request, pk)
        return Response(
            s.HomeworkSpotCheckSerializer(
                selectors.spot_checks_for(assignment=part.assignment), many=True
            ).data
        )


@extend_schema(tags=["homework"])
class SpotCheckDraw(APIView):
    @extend_schema(
        summary="平台抽取样本（每位辅导教师按比例，至少 N 份）",
        request=None,
        responses=s.HomeworkDrawnSerializer,
    )
    def post(self, request, pk):
        part = _expert_part(request, pk)
        return Response({"drawn": services.spot_checks_draw(assignment=part.assignment)})


@extend_schema(tags=["homework"])
class AssignmentAgreement(APIView):
    @extend_schema(summary="评分一致率（按评价维度）", responses=s.HomeworkAgreementSerializer(many=True))
    def get(self, request, pk):
        part = _expert_part(request, pk)
        return Response(
            s.HomeworkAgreementSerializer(selectors.agreement(assignment=part.assignment), many=True).data
        )


@extend_schema(tags=["homework"])
class SpotCheckScore(APIView):
    @extend_schema(
        summary="专家抽查评分（之后才可看到辅导教师的评分）",
        request=s.HomeworkSpotScoreInputSerializer,
        responses=s.HomeworkSpotCheckSerializer,
    )
    def post(self, request, pk):
        spot = selectors.spot_check_access(actor=request.user, pk=pk)
        data = s.HomeworkSpotScoreInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        saved, _conflict = write(
            services.spot_check_score, actor=request.user, spot=spot, **data.validated_data
        )
        return Response(s.HomeworkSpotCheckSerializer(saved).data)


# --- Rubrics and the showcase -------------------------------------------------------------------------------


@extend_schema(tags=["homework"])
class RubricList(_Paged):
    queryset = Rubric.objects.none()
    serializer_class = s.HomeworkRubricSerializer

    @extend_schema(
        summary="评价标准库（我所在专家团队的学科）", responses=s.HomeworkRubricSerializer(many=True)
    )
    def get(self, request):
        qs = Rubric.objects.filter(provider_subject_id__in=selectors.reach(request.user).expert_ps_ids)
        return self.paged(qs.order_by("pk"), s.HomeworkRubricSerializer)

    @extend_schema(
        summary="新建评价标准",
        request=s.HomeworkRubricInputSerializer,
        responses={201: s.HomeworkRubricSerializer},
    )
    def post(self, request):
        data = s.HomeworkRubricInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ps = selectors.provider_subject_for_expert(
            actor=request.user, pk=data.validated_data.get("provider_subject")
        )
        rubric, _c = write(
            services.rubric_save,
            actor=request.user,
            provider_subject=ps,
            title=data.validated_data["title"],
            text=data.validated_data["text"],
        )
        return Response(s.HomeworkRubricSerializer(rubric).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["homework"])
class RubricDetail(APIView):
    @extend_schema(summary="评价标准", responses=s.HomeworkRubricSerializer)
    def get(self, request, pk):
        return Response(s.HomeworkRubricSerializer(selectors.rubric_access(actor=request.user, pk=pk)).data)

    @extend_schema(
        summary="修改评价标准（已布置的作业不受影响）",
        request=s.HomeworkRubricInputSerializer,
        responses=s.HomeworkRubricSerializer,
    )
    def put(self, request, pk):
        rubric = selectors.rubric_access(actor=request.user, pk=pk)
        data = s.HomeworkRubricInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        saved, _c = write(
            services.rubric_save,
            actor=request.user,
            provider_subject=rubric.provider_subject,
            title=data.validated_data["title"],
            text=data.validated_data["text"],
            rubric=rubric,
        )
        return Response(s.HomeworkRubricSerializer(saved).data)


@extend_schema(tags=["homework"])
class Showcase(_Paged):
    queryset = Submission.objects.none()
    serializer_class = s.HomeworkSubmissionDetailSerializer

    @extend_schema(summary="学科优秀作业展示", responses=s.HomeworkSubmissionDetailSerializer(many=True))
    def get(self, request, pk):
        ps: ProviderSubject = selectors.provider_subject_showcase_access(actor=request.user, pk=pk)
        return self.paged(selectors.showcase(provider_subject=ps), s.HomeworkSubmissionDetailSerializer)
