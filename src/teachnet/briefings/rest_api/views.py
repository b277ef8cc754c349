"""The briefings API (ACT-4, ACT-7): briefings the caller may read (drafts: their writers), writing and
publishing them, inserting figures, exporting PDF and Word, templates, and the counters against the minimums.

Scoped like the pages: a briefing the caller may not read, or may not write when writing, is a 404.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.response import Response

from teachnet.accounts.permissions import has_any
from teachnet.accounts.rest_api.serializers import service_errors
from teachnet.core.rest_api.schema import error_responses

from .. import exports, figures, selectors, services
from ..models import Briefing, BriefingFigure, BriefingTemplate, Kind
from ..permissions import BriefingPerm
from .serializers import (
    BriefingCreateSerializer,
    BriefingDetailSerializer,
    BriefingFilter,
    BriefingSerializer,
    BriefingUpdateSerializer,
    FigureInsertSerializer,
    FigureSerializer,
    PublishSerializer,
    StandingFilter,
    StandingSerializer,
    TemplateFilter,
    TemplateSerializer,
)

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class FontsUnavailable(APIException):
    status_code = 503
    default_code = "fonts_missing"


def _detail(request, briefing: Briefing) -> dict:
    briefing = selectors.briefing_access(actor=request.user, pk=briefing.pk)
    briefing.figures_offered = [{"key": f.key, "label": f.label} for f in figures.offered(briefing.kind)]
    briefing.may_write = selectors.may_write(actor=request.user, scope=selectors.scope_of(briefing))
    return BriefingDetailSerializer(briefing).data


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


@extend_schema(tags=["briefings"])
class BriefingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """简报: expert briefings per subject, class briefings, provincial work briefings."""

    queryset = Briefing.objects.none()
    serializer_class = BriefingSerializer

    def get_queryset(self):
        qs = selectors.briefings_visible(actor=self.request.user).select_related("author")
        query = BriefingFilter(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        for name, value in query.validated_data.items():
            qs = qs.filter(**{f"{name}_id" if name not in ("kind", "state") else name: value})
        return qs.order_by("project_id", "kind", "-published_at", "-pk")

    def get_object(self, write: bool = False):
        return selectors.briefing_access(actor=self.request.user, pk=self.kwargs["pk"], write=write)

    @extend_schema(
        summary="简报列表",
        parameters=[BriefingFilter],
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="简报详情（栏目、数据表、可插入的数据）", responses=BriefingDetailSerializer)
    def retrieve(self, request, pk=None):
        return Response(_detail(request, self.get_object()))

    @extend_schema(
        summary="新建简报草稿",
        description="By the scope's writers only (a subject's expert team, a class's tutor, a province's "
        "lead); 404 for anyone else, as for a scope that does not exist.",
        request=BriefingCreateSerializer,
        responses={201: BriefingDetailSerializer},
    )
    def create(self, request):
        body = BriefingCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if data["kind"] == Kind.EXPERT:
            scope = selectors.subject_scope(pk=data["provider_subject"])
        elif data["kind"] == Kind.CLASS:
            scope = selectors.class_scope(pk=data["training_class"])
        else:
            scope = selectors.province_scope(project_id=data["project"], code=data["province"].code)
        if not selectors.may_write(actor=request.user, scope=scope):
            raise Http404
        template = None
        if data.get("template"):
            template = BriefingTemplate.objects.filter(
                pk=data["template"], kind=scope.kind, active=True
            ).first()
            if template is None:
                raise Http404
        with service_errors():
            briefing = services.briefing_create(
                actor=request.user, scope=scope, template=template, title=data.get("title", "")
            )
        return Response(_detail(request, briefing), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="修改草稿（标题、栏目正文）",
        request=BriefingUpdateSerializer,
        responses=BriefingDetailSerializer,
    )
    def partial_update(self, request, pk=None):
        briefing = self.get_object(write=True)
        body = BriefingUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        with service_errors():
            services.briefing_update(
                actor=request.user,
                briefing=briefing,
                title=data.get("title", briefing.title),
                sections=data.get("sections", {}),
                version=data["version"],
            )
        return Response(_detail(request, briefing))

    @extend_schema(summary="删除草稿", responses={204: None})
    def destroy(self, request, pk=None):
        briefing = self.get_object(write=True)
        with service_errors():
            services.briefing_delete(actor=request.user, briefing=briefing)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="发布（编为本范围的下一期）",
        request=PublishSerializer,
        responses=BriefingDetailSerializer,
    )
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        briefing = self.get_object(write=True)
        body = PublishSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors():
            services.briefing_publish(
                actor=request.user, briefing=briefing, version=body.validated_data.get("version")
            )
        return Response(_detail(request, briefing))

    @extend_schema(
        summary="插入当前数据表（快照）",
        request=FigureInsertSerializer,
        responses={201: FigureSerializer},
    )
    @action(detail=True, methods=["post"])
    def figures(self, request, pk=None):
        briefing = self.get_object(write=True)
        body = FigureInsertSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors():
            figure = services.figure_insert(
                actor=request.user,
                briefing=briefing,
                key=body.validated_data["key"],
                section_key=body.validated_data.get("section"),
            )
        return Response(FigureSerializer(figure).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="删除数据表", request=None, responses={204: None})
    @action(detail=True, methods=["delete"], url_path=r"figures/(?P<figure_id>[0-9]+)")
    def figure_remove(self, request, pk=None, figure_id=None):
        briefing = self.get_object(write=True)
        figure = BriefingFigure.objects.filter(pk=_int(figure_id), briefing=briefing).first()
        if figure is None:
            raise Http404
        with service_errors():
            services.figure_remove(actor=request.user, figure=figure)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def perform_content_negotiation(self, request, force=False):
        # The export is a file, whatever the client says it accepts; errors stay JSON.
        return super().perform_content_negotiation(request, force=force or self.action == "export")

    @extend_schema(
        summary="导出 PDF 或 Word",
        description="PDF set in Noto CJK with 花园明朝 for rare characters; 503 when the server lacks "
        "those fonts. Every export is recorded.",
        responses={
            (200, PDF): OpenApiResponse(OpenApiTypes.BINARY, description="PDF"),
            (200, DOCX): OpenApiResponse(OpenApiTypes.BINARY, description="Word (docx)"),
            503: OpenApiResponse(OpenApiTypes.OBJECT, description="PDF 字体未安装"),
        },
    )
    @action(detail=True, methods=["get"], url_path=r"export/(?P<fmt>pdf|docx)")
    def export(self, request, pk=None, fmt=None):
        briefing = self.get_object()
        if fmt == "pdf":
            try:
                content, content_type = exports.briefing_pdf(briefing), PDF
            except exports.FontsMissing as exc:
                raise FontsUnavailable(exc.message) from exc
        else:
            content, content_type = exports.briefing_docx(briefing), DOCX
        services.export_record(
            actor=request.user,
            briefing=briefing,
            fmt=fmt,
            ip_address=request.META.get("REMOTE_ADDR"),
            size=len(content),
        )
        response = HttpResponse(content, content_type=content_type)
        name = f"{exports.masthead(briefing)}-{briefing.number or 'draft'}.{fmt}"
        response["Content-Disposition"] = content_disposition_header(True, name)
        return response

    def handle_exception(self, exc):
        if isinstance(exc, DjangoPermissionDenied):
            exc = Http404()
        return super().handle_exception(exc)


@extend_schema(tags=["briefings"])
class TemplateViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """简报模板 (active ones): the sections a new briefing of each kind starts with."""

    queryset = BriefingTemplate.objects.none()
    serializer_class = TemplateSerializer

    def get_queryset(self):
        qs = BriefingTemplate.objects.filter(active=True)
        query = TemplateFilter(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        if "kind" in query.validated_data:
            qs = qs.filter(kind=query.validated_data["kind"])
        return qs

    @extend_schema(summary="简报模板", parameters=[TemplateFilter])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


@extend_schema(tags=["briefings"])
class StandingViewSet(viewsets.GenericViewSet):
    """Counters against the minimums (≥ 5 expert briefings per subject, ≥ 5 per class, ≥ 2 work briefings per
    province): the scopes the caller writes for and those whose counters they follow."""

    serializer_class = StandingSerializer
    queryset = Briefing.objects.none()

    @extend_schema(
        summary="简报计数与提醒",
        parameters=[StandingFilter],
        responses={200: StandingSerializer(many=True), **error_responses("404")},
    )
    def list(self, request):
        query = StandingFilter(data=request.query_params)
        query.is_valid(raise_exception=True)
        project_id = query.validated_data["project"]
        project = next((p for p in selectors.projects_for(actor=request.user) if p.pk == project_id), None)
        if project is None:
            raise Http404
        scopes = selectors.writable_scopes(actor=request.user, project=project)
        if has_any(actor=request.user, perm=BriefingPerm.STANDINGS):
            for kind_scopes in selectors.project_scopes(project=project, actor=request.user).values():
                scopes += [s for s in kind_scopes if s not in scopes]
        kind = query.validated_data.get("kind")
        if kind:
            scopes = [s for s in scopes if s.kind == kind]
        page = self.paginate_queryset(selectors.standings_for(scopes))
        return self.get_paginated_response(StandingSerializer(page, many=True).data)
