"""The courses API (TRN-4): courses of providers' subjects, their modules and resources (files uploaded as
multipart/form-data), submission, review comments and decisions, versions.

Scoped like the pages: a course the caller may not see is a 404; an action their role does not allow on one
they see is a 403 (from the services, which decide it). Writes go through the services.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response

from teachnet.accounts.permissions import get_visible_or_404
from teachnet.accounts.rest_api.serializers import service_errors
from teachnet.accounts.roles import Perm
from teachnet.training.selectors import provider_subject_access

from .. import selectors, services
from ..files import resource_file_response
from ..models import Course, Module, Resource, ReviewComment
from .serializers import (
    CommentInputSerializer,
    CommentSerializer,
    CourseCreateSerializer,
    CourseDetailSerializer,
    CourseInputSerializer,
    CourseSerializer,
    DecisionInputSerializer,
    ModuleInputSerializer,
    ModuleSerializer,
    ResourceInputSerializer,
    ResourceReplaceSerializer,
    ResourceSerializer,
    ResourceUpdateSerializer,
    ResourceUploadSerializer,
    VersionDetailSerializer,
    VersionSerializer,
)

# A file comes as multipart/form-data, everything else as JSON.
FILE_PARSERS = [JSONParser, MultiPartParser]


def _with_file(request) -> bool:
    return request.content_type.startswith("multipart/form-data")


def _detail(request, course: Course) -> dict:
    course = selectors.course_access(actor=request.user, pk=course.pk)
    course.outline = selectors.course_outline(course=course)
    may_edit = services.may_edit(actor=request.user, course=course)
    course.problems = services.course_problems(course=course) if may_edit else []
    return CourseDetailSerializer(course).data


@extend_schema(tags=["courses"])
class CourseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """课程资源: one course per provider's subject."""

    queryset = Course.objects.none()
    serializer_class = CourseSerializer

    def get_queryset(self):
        return selectors.course_list_visible(actor=self.request.user).order_by("pk")

    def get_object(self):
        return selectors.course_access(actor=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(summary="课程详情（模块、资源、学时、提交前的问题）", responses=CourseDetailSerializer)
    def retrieve(self, request, pk=None):
        return Response(_detail(request, self.get_object()))

    @extend_schema(
        summary="开始建设课程",
        description="The provider's admin or experts. Idempotent: 201 when started, 200 when it existed.",
        request=CourseCreateSerializer,
        responses={200: CourseDetailSerializer, 201: CourseDetailSerializer},
    )
    def create(self, request):
        data = CourseCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ps = provider_subject_access(
            actor=request.user, pk=data.validated_data["provider_subject"], perm=Perm.COURSE_VIEW
        )
        existed = Course.objects.filter(provider_subject=ps).exists()
        course = services.course_ensure(actor=request.user, provider_subject=ps)
        return Response(
            _detail(request, course), status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="修改课程名称与简介", request=CourseInputSerializer, responses=CourseDetailSerializer
    )
    def partial_update(self, request, pk=None):
        course = self.get_object()
        data = CourseInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        # A PATCH changes what it sends and keeps the rest.
        fields = {"title": course.title, "description": course.description, **data.validated_data}
        with service_errors():
            services.course_update(actor=request.user, course=course, **fields)
        return Response(_detail(request, course))

    @extend_schema(summary="待审核的课程", responses=CourseSerializer(many=True))
    @action(detail=False, methods=["get"], url_path="review-queue")
    def review_queue(self, request):
        page = self.paginate_queryset(selectors.review_queue(actor=request.user))
        return self.get_paginated_response(CourseSerializer(page, many=True).data)

    @extend_schema(summary="添加模块", request=ModuleInputSerializer, responses={201: ModuleSerializer})
    @action(detail=True, methods=["post"])
    def modules(self, request, pk=None):
        course = self.get_object()
        data = ModuleInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            module = services.module_add(
                actor=request.user, course=course, title=data.validated_data["title"]
            )
        return Response(ModuleSerializer(module).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="添加资源",
        description=(
            "Video and documents as multipart/form-data with `upload`: checked by content (not by name), "
            "with a size limit per type; a video is read with ffprobe and credits at most its length "
            "(default: its length). Articles are sanitized HTML; live sessions need an http(s) link and "
            "a start time. Refused (400, naming the field) otherwise; nothing is stored of a refused file."
        ),
        request={
            "multipart/form-data": ResourceUploadSerializer,
            "application/json": ResourceInputSerializer,
        },
        responses={201: ResourceSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=FILE_PARSERS)
    def resources(self, request, pk=None):
        course = self.get_object()
        serializer = ResourceUploadSerializer if _with_file(request) else ResourceInputSerializer
        data = serializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        module = Module.objects.filter(pk=fields.pop("module"), course=course).first()
        if module is None:
            raise Http404
        with service_errors():
            resource = services.resource_add(actor=request.user, module=module, **fields)
        return Response(ResourceSerializer(resource).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="提交审核",
        description="Refused (400, the problems listed) under 50 hours, under 25 hours of video, or before "
        "the expert team is submitted.",
        request=None,
        responses=VersionSerializer,
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        course = self.get_object()
        with service_errors():
            version = services.course_submit(actor=request.user, course=course)
        version.changes = []
        return Response(VersionSerializer(version).data)

    @extend_schema(summary="审核通过", request=DecisionInputSerializer, responses=VersionSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._decide(request, services.course_approve)

    @extend_schema(
        summary="退回修改",
        description="A note is needed unless the reviewers commented on this version.",
        request=DecisionInputSerializer,
        responses=VersionSerializer,
    )
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        return self._decide(request, services.course_return)

    def _decide(self, request, decide):
        course = self.get_object()
        data = DecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            version = decide(actor=request.user, course=course, note=data.validated_data["note"])
        version.changes = []
        return Response(VersionSerializer(version).data)

    @extend_schema(methods=["get"], summary="审核意见", responses=CommentSerializer(many=True))
    @extend_schema(
        methods=["post"],
        summary="发表意见或回复",
        description="Reviewers comment on the course or a resource while it is in review; the provider "
        "replies to a reviewer's comment (`reply_to`).",
        request=CommentInputSerializer,
        responses={201: CommentSerializer},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def comments(self, request, pk=None):
        course = self.get_object()
        if request.method == "GET":
            comments = course.comments.select_related("author").order_by("created_at", "id")
            return Response(CommentSerializer(comments, many=True).data)
        data = CommentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        resource = reply_to = None
        if fields["resource"] is not None:
            resource = get_object_or_404(Resource, pk=fields["resource"], course=course)
        if fields["reply_to"] is not None:
            reply_to = get_object_or_404(ReviewComment, pk=fields["reply_to"], course=course)
        with service_errors():
            comment = services.comment_add(
                actor=request.user, course=course, body=fields["body"], resource=resource, reply_to=reply_to
            )
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="版本记录（含与上一版相比的变化）", responses=VersionSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def versions(self, request, pk=None):
        rows = []
        for version, changes in selectors.versions_with_changes(course=self.get_object()):
            version.changes = changes
            rows.append(version)
        return Response(VersionSerializer(rows, many=True).data)

    @extend_schema(summary="某一版本的内容", responses=VersionDetailSerializer)
    @action(detail=True, methods=["get"], url_path=r"versions/(?P<number>[0-9]{1,9})")
    def version(self, request, pk=None, number=None):
        course = self.get_object()
        version = get_object_or_404(course.versions, number=number)
        version.changes = []
        return Response(VersionDetailSerializer(version).data)


@extend_schema(tags=["courses"])
class ModuleViewSet(viewsets.GenericViewSet):
    queryset = Module.objects.none()
    serializer_class = ModuleSerializer

    def get_object(self):
        module = get_object_or_404(Module.objects.select_related("course"), pk=self.kwargs["pk"])
        selectors.course_access(actor=self.request.user, pk=module.course_id)
        return module

    @extend_schema(summary="重命名模块", request=ModuleInputSerializer, responses=ModuleSerializer)
    def partial_update(self, request, pk=None):
        module = self.get_object()
        data = ModuleInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        if "title" in data.validated_data:  # a PATCH without a title changes nothing
            with service_errors():
                services.module_rename(actor=request.user, module=module, title=data.validated_data["title"])
        return Response(ModuleSerializer(module).data)

    @extend_schema(summary="删除模块（须为空）", responses={204: None})
    def destroy(self, request, pk=None):
        module = self.get_object()
        with service_errors():
            services.module_remove(actor=request.user, module=module)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["courses"])
class ResourceViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = Resource.objects.none()
    serializer_class = ResourceSerializer
    parser_classes = FILE_PARSERS

    def get_object(self):
        return get_visible_or_404(
            actor=self.request.user,
            model=Resource,
            perm=Perm.COURSE_VIEW,
            pk=self.kwargs["pk"],
            queryset=Resource.objects.select_related("course"),
        )

    @extend_schema(
        summary="修改资源（可替换文件）",
        request={
            "multipart/form-data": ResourceReplaceSerializer,
            "application/json": ResourceUpdateSerializer,
        },
        responses=ResourceSerializer,
    )
    def partial_update(self, request, pk=None):
        resource = self.get_object()
        serializer = ResourceReplaceSerializer if _with_file(request) else ResourceUpdateSerializer
        data = serializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        module_id = fields.pop("module")
        module = None
        if module_id is not None:
            module = Module.objects.filter(pk=module_id, course_id=resource.course_id).first()
            if module is None:
                raise Http404
        fields["title"] = fields["title"] or resource.title
        if fields["credit_minutes"] is None:
            fields["credit_minutes"] = resource.credit_minutes
        with service_errors():
            resource = services.resource_update(
                actor=request.user, resource=resource, module=module, **fields
            )
        return Response(ResourceSerializer(resource).data)

    @extend_schema(
        summary="资源文件",
        description="The stored file (video, PDF, document). HTTP range requests are answered with 206, so "
        "players can seek; in production the web server sends the bytes (X-Accel-Redirect).",
        # The file's own type, as its content was recognized on upload (core.media): a video or a document.
        responses={(code, media): bytes for code in (200, 206) for media in ("video/*", "application/*")},
    )
    @action(detail=True, methods=["get"])
    def file(self, request, pk=None):
        resource = self.get_object()
        if not resource.file:
            raise Http404
        return resource_file_response(
            request, file=resource.file, kind=resource.kind, mime=resource.mime, file_name=resource.file_name
        )

    @extend_schema(summary="删除资源", responses={204: None})
    def destroy(self, request, pk=None):
        resource = self.get_object()
        with service_errors():
            services.resource_remove(actor=request.user, resource=resource)
        return Response(status=status.HTTP_204_NO_CONTENT)
