"""The project setup API (TRN-1, REP-8): create and change a project, its subjects, its quotas.

Scoped like the rest of the projects API: a project the caller may not see is a 404; an action their role does
not allow on one they see is a 403 (from the services, which decide it). Reading a project's quotas is part of
its setup: PROJECT_MANAGE, as for writing them. Writes go through training.services_projects.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from teachnet.accounts.permissions import get_visible_or_404
from teachnet.accounts.rest_api.serializers import service_errors
from teachnet.accounts.roles import Perm
from teachnet.core.rest_api.fields import IdField, TextField
from teachnet.orgs.models import Organization, Region
from teachnet.orgs.rest_api.fields import RegionSlugField

from .. import selectors_projects as sel
from .. import services_projects as svc
from ..models import Project, Subject
from ..services import PROVIDER_TYPES, may_manage_project
from .serializers import ProjectSerializer

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _project(request, project_id) -> Project:
    return get_visible_or_404(actor=request.user, model=Project, perm=Perm.PROJECT_VIEW, pk=project_id)


def _check_manage(request, project: Project) -> None:
    if not may_manage_project(actor=request.user, project=project):
        raise PermissionDenied(_("只有项目办可以设置项目。"))


# --- The project --------------------------------------------------------------------------------------------


class ProjectInputSerializer(serializers.Serializer):
    name = TextField(max_length=svc.NAME_MAX, help_text="项目名称, unique")
    short_name = TextField(max_length=svc.SHORT_NAME_MAX, required=False, allow_blank=True)
    year = serializers.IntegerField(
        min_value=svc.YEAR_MIN, max_value=svc.YEAR_MAX, help_text=f"年度, {svc.YEAR_MIN}–{svc.YEAR_MAX}"
    )
    target_headcount = serializers.IntegerField(
        required=False, min_value=0, max_value=2**31 - 1, help_text="计划培训人数, 0 or more"
    )
    office = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.filter(type=Organization.Type.PROJECT_OFFICE),
        help_text="项目办: an organization of type project office",
    )
    provinces = RegionSlugField(
        many=True,
        queryset=Region.objects.filter(level=Region.Level.PROVINCE),
        help_text="参与省份, by division code (440000); at least one. A province that still holds quotas, "
        "enrollments or classes of the project cannot be left out (400 naming what holds it).",
    )
    providers = serializers.PrimaryKeyRelatedField(
        many=True,
        required=False,
        queryset=Organization.objects.filter(type__in=PROVIDER_TYPES),
        help_text="培训任务承担单位: providers and universities. One that takes subjects cannot be left out.",
    )


# Mixed into the read-only ProjectViewSet (views.py): a comment, not a docstring, which the schema would take
# for the viewset's description.
class ProjectWriteMixin:
    @extend_schema(
        summary="新建项目",
        description=(
            "A superuser, or the project office over the nation (region 000000) whichever project its role "
            "is bound to (403 otherwise). A creator whose role is bound to another project is given the "
            "project office role for the new one."
        ),
        request=ProjectInputSerializer,
        responses={201: ProjectSerializer},
    )
    def create(self, request):
        data = ProjectInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            project = svc.project_create(actor=request.user, **data.validated_data)
        return Response(ProjectSerializer(project).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="修改项目",
        description="PROJECT_MANAGE on the project (403 otherwise). Only the fields sent are changed.",
        request=ProjectInputSerializer,
        responses=ProjectSerializer,
    )
    def partial_update(self, request, pk=None):
        project = self.get_object()
        data = ProjectInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        with service_errors():
            project = svc.project_update(actor=request.user, project=project, **data.validated_data)
        return Response(ProjectSerializer(project).data)


# --- Subjects -----------------------------------------------------------------------------------------------


class SubjectSerializer(serializers.ModelSerializer):
    label = TextField(read_only=True, help_text="学段 + 学科, e.g. 初中数学")

    class Meta:
        model = Subject
        fields = ["id", "stage", "name", "label"]


class SubjectInputSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=[(s, s) for s in svc.SUBJECT_STAGES], help_text="学段")
    name = TextField(max_length=svc.SUBJECT_NAME_MAX, help_text="学科, without the stage: 数学")


class SubjectsAddedSerializer(serializers.Serializer):
    added = SubjectSerializer(many=True, help_text="the subjects this call added (none when all were there)")
    subjects = SubjectSerializer(many=True, help_text="all the project's subjects")


@extend_schema(tags=["projects"])
class ProjectSubjectListView(APIView):
    """培训学科 of one project, 小学 before 初中 before 高中."""

    @extend_schema(summary="项目学科", responses=SubjectSerializer(many=True))
    def get(self, request, project_id):
        project = _project(request, project_id)
        return Response(SubjectSerializer(sel.subjects_ordered(project=project), many=True).data)

    @extend_schema(
        summary="添加学科",
        description="PROJECT_MANAGE (403 otherwise). A subject the project has already is a 400 on `name`.",
        request=SubjectInputSerializer,
        responses={201: SubjectSerializer},
    )
    def post(self, request, project_id):
        project = _project(request, project_id)
        data = SubjectInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            subject = svc.subject_add(actor=request.user, project=project, **data.validated_data)
        return Response(SubjectSerializer(subject).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["projects"])
class ProjectSubjectsGP2011View(APIView):
    @extend_schema(
        summary="添加国培计划(2011)的19个学科",
        description="PROJECT_MANAGE (403 otherwise). Idempotent: the subjects the project has are kept.",
        request=None,
        responses=SubjectsAddedSerializer,
    )
    def post(self, request, project_id):
        project = _project(request, project_id)
        added = svc.subjects_add_gp2011(actor=request.user, project=project)
        body = {"added": added, "subjects": sel.subjects_ordered(project=project)}
        return Response(SubjectsAddedSerializer(body).data)


@extend_schema(tags=["projects"])
class ProjectSubjectDetailView(APIView):
    @extend_schema(
        summary="删除学科",
        description=(
            "PROJECT_MANAGE (403 otherwise). Refused (400, naming what uses it) while quotas, enrollments, "
            "providers, classes or reported tables use the subject."
        ),
        responses={204: None},
    )
    def delete(self, request, project_id, pk):
        project = _project(request, project_id)
        subject = Subject.objects.filter(project=project, pk=pk).first()
        if subject is None:
            raise Http404
        with service_errors():
            svc.subject_remove(actor=request.user, subject=subject)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Quotas -------------------------------------------------------------------------------------------------


class _QuotaRegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name"]


class _QuotaSubjectSerializer(serializers.ModelSerializer):
    class Meta:
        model = Subject
        fields = ["id", "label"]


class QuotaSerializer(serializers.Serializer):
    region = _QuotaRegionSerializer(help_text="a province or a city")
    province = TextField(source="region.province_code", help_text="the province's division code")
    subject = _QuotaSubjectSerializer()
    places = serializers.IntegerField(help_text="名额")


class QuotaWarningSerializer(serializers.Serializer):
    province = TextField(source="province.code")
    subject = serializers.IntegerField(source="subject.pk")
    province_places = serializers.IntegerField(help_text="the province's own quota")
    city_places = serializers.IntegerField(help_text="its cities' quotas added up: more than the province's")
    message = TextField()


class QuotaListSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    results = QuotaSerializer(many=True)
    warnings = QuotaWarningSerializer(
        many=True, help_text="provinces whose cities' quotas add up to more than their own (not refused)"
    )


class QuotaFilter(serializers.Serializer):
    province = TextField(required=False, max_length=6, help_text="a province's code: it and its cities")
    region = TextField(required=False, max_length=6, help_text="one region's code")
    subject = IdField(required=False)


class QuotaXlsxFilter(serializers.Serializer):
    province = TextField(required=False, max_length=6, help_text="a province's code: it and its cities")


class QuotaInputSerializer(serializers.Serializer):
    places = serializers.IntegerField(help_text="名额; 0 removes the quota")


class QuotaImportInputSerializer(serializers.Serializer):
    # An empty file is one more file that is not an xlsx: the import's own 422 says so, row 0.
    file = serializers.FileField(
        allow_empty_file=True,
        help_text="xlsx with the columns 地区代码, 地区, 学段, 学科, 名额; one row per quota",
    )
    mode = serializers.ChoiceField(
        choices=[("add", "add"), ("replace", "replace")],
        default="add",
        help_text="add: quotas not in the file are kept; replace: they are removed. 0 places removes one.",
    )


class QuotaImportSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    changed = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    removed = serializers.IntegerField()
    warnings = QuotaWarningSerializer(many=True)


class QuotaFileErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="Excel 行号（表头为第 1 行）；0 表示整个文件")
    column = TextField(allow_blank=True, help_text="列标题；整行或整个文件的错误为空")
    code = TextField()
    message = TextField()


class QuotaImportRejectedSerializer(serializers.Serializer):
    detail = TextField()
    errors = QuotaFileErrorSerializer(many=True)


def _quota_list_body(*, project: Project, province: str = "", region: str = "", subject: int | None = None):
    quotas = list(sel.quota_list(project=project, province=province, region=region, subject=subject))
    # A warning compares a province with its cities: it is read over the whole province, whatever the filter.
    around = province or region
    scope = sel.quota_list(project=project, province=around, subject=subject)
    return {"count": len(quotas), "results": quotas, "warnings": sel.quota_warnings(quotas=list(scope))}


@extend_schema(tags=["projects"])
class ProjectQuotaListView(APIView):
    @extend_schema(
        summary="项目名额",
        description="PROJECT_MANAGE (403 otherwise). Every quota, by region code and subject; not paginated.",
        parameters=[QuotaFilter],
        responses=QuotaListSerializer,
    )
    def get(self, request, project_id):
        project = _project(request, project_id)
        _check_manage(request, project)
        filters = QuotaFilter(data=request.query_params)
        filters.is_valid(raise_exception=True)
        body = _quota_list_body(project=project, **filters.validated_data)
        return Response(QuotaListSerializer(body).data)


@extend_schema(tags=["projects"])
class ProjectQuotaDetailView(APIView):
    @extend_schema(
        summary="设置一个名额",
        description=(
            "PROJECT_MANAGE (403 otherwise). The region is a province of the project or one of its cities "
            "(400 otherwise). 0 places removes the quota (204)."
        ),
        request=QuotaInputSerializer,
        responses={200: QuotaSerializer, 204: None},
    )
    def put(self, request, project_id, region_code, subject_id):
        project = _project(request, project_id)
        region = Region.objects.filter(code=region_code).first()
        subject = Subject.objects.filter(project=project, pk=subject_id).first()
        if region is None or subject is None:
            raise Http404
        data = QuotaInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            quota = svc.quota_set(
                actor=request.user,
                project=project,
                region=region,
                subject=subject,
                places=data.validated_data["places"],
            )
        if quota is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(QuotaSerializer(quota).data)


@extend_schema(tags=["projects"])
class ProjectQuotaImportView(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        summary="导入名额表",
        description=(
            "PROJECT_MANAGE (403 otherwise). The file is saved whole or not at all: any bad row is a 422 "
            "listing every error with its Excel row (the header is row 1; 0 for the whole file), its column "
            "and what to do. A file that is not really an xlsx, or too large, is a 422 of one error."
        ),
        request={"multipart/form-data": QuotaImportInputSerializer},
        responses={200: QuotaImportSerializer, 422: QuotaImportRejectedSerializer},
    )
    def post(self, request, project_id):
        project = _project(request, project_id)
        data = QuotaImportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            result = svc.quotas_upload(
                actor=request.user,
                project=project,
                uploaded_file=data.validated_data["file"],
                replace=data.validated_data["mode"] == "replace",
            )
        except svc.QuotaFileRejected as exc:
            body = {
                "detail": _("名额表有 %(n)d 处错误，没有保存任何名额。") % {"n": len(exc.errors)},
                "errors": exc.errors,
            }
            return Response(
                QuotaImportRejectedSerializer(body).data, status=status.HTTP_422_UNPROCESSABLE_ENTITY
            )
        warnings = sel.quota_warnings(quotas=list(sel.quota_list(project=project)))
        body = {**result.__dict__, "warnings": warnings}
        return Response(QuotaImportSerializer(body).data)


@extend_schema(tags=["projects"])
class ProjectQuotaXlsxView(APIView):
    @extend_schema(
        summary="下载名额表",
        description="PROJECT_MANAGE (403 otherwise). The quotas as the import takes them: also its template.",
        parameters=[QuotaXlsxFilter],
        responses={(200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description="名额表 xlsx")},
    )
    def get(self, request, project_id):
        project = _project(request, project_id)
        _check_manage(request, project)
        filters = QuotaXlsxFilter(data=request.query_params)
        filters.is_valid(raise_exception=True)
        name, content = sel.quotas_xlsx(project=project, **filters.validated_data)
        response = HttpResponse(content, content_type=XLSX)
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
        return response
