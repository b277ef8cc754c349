"""The discussions API (ACT-1, ACT-2): boards, threads, posts (replies with a quote and images, as
multipart/form-data or JSON), moderation, forwarding to the expert team, images, and offline seminars.

Scoped like the pages: a board, thread, post or seminar the caller may not read is a 404; an action they may
not take on one they read is a 403 (from the services); what the services refuse is a 422 naming the field.
Images and photos come as multipart/form-data; the same request without files may be JSON.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response

from teachnet.accounts.rest_api.serializers import service_errors
from teachnet.core.http import serve_private_file
from teachnet.core.rest_api.errors import Refused
from teachnet.training.models import TrainingClass

from .. import selectors, services
from ..models import Board, Post, PostImage, Seminar, SeminarPhoto, Thread
from .serializers import (
    BoardQuerySerializer,
    DiscussionBoardDetailSerializer,
    DiscussionBoardSerializer,
    DiscussionForwardSerializer,
    DiscussionPostSerializer,
    DiscussionThreadSerializer,
    ForwardInputSerializer,
    HideInputSerializer,
    LockInputSerializer,
    PhotosInputSerializer,
    ReplyInputSerializer,
    ReplyUploadSerializer,
    SeminarInputSerializer,
    SeminarSerializer,
    SeminarUpdateInputSerializer,
    SeminarUpdateUploadSerializer,
    SeminarUploadSerializer,
    ThreadInputSerializer,
    ThreadUploadSerializer,
)

PARSERS = [JSONParser, MultiPartParser]
FILE_RESPONSES = {(200, "image/*"): bytes}


def _bodies(plain, upload):
    """A request body as JSON (no files) or as multipart/form-data (the same fields and the files)."""
    return {"application/json": plain, "multipart/form-data": upload}


def _read(request, plain, upload) -> dict:
    serializer = upload if request.content_type.startswith("multipart/form-data") else plain
    data = serializer(data=request.data)
    data.is_valid(raise_exception=True)
    return {"photos": [], "images": [], **data.validated_data}


@extend_schema(tags=["discussions"])
class BoardViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """讨论区: a class's or a subject's."""

    queryset = Board.objects.none()
    serializer_class = DiscussionBoardSerializer
    parser_classes = PARSERS

    def get_queryset(self):
        selectors.boards_ensure()
        qs = selectors.boards_readable(actor=self.request.user)
        query = BoardQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        if "kind" in query.validated_data:
            qs = qs.filter(kind=query.validated_data["kind"])
        return qs.order_by("-project__year", "project_id", "subject_id", "kind", "pk")

    def _access(self):
        return selectors.board_access(actor=self.request.user, board_id=self.kwargs["pk"])

    @extend_schema(summary="可阅读的讨论区", parameters=[BoardQuerySerializer])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="讨论区详情（我能做什么）", responses=DiscussionBoardDetailSerializer)
    def retrieve(self, request, pk=None):
        access = self._access()
        return Response(DiscussionBoardDetailSerializer(access.board, context={"access": access}).data)

    @extend_schema(
        methods=["get"], summary="主题帖（置顶在前）", responses=DiscussionThreadSerializer(many=True)
    )
    @extend_schema(
        methods=["post"],
        summary="发表主题",
        description="Learners, the tutor and the subject's experts (403 for readers only). Images are "
        "checked by content (JPEG, PNG, GIF, WebP; at most 9); a refused one names its file (422) and "
        "nothing is kept.",
        request=_bodies(ThreadInputSerializer, ThreadUploadSerializer),
        responses={201: DiscussionThreadSerializer},
    )
    @action(detail=True, methods=["get", "post"])
    def threads(self, request, pk=None):
        access = self._access()
        if request.method == "GET":
            page = self.paginate_queryset(selectors.threads_of(board=access.board))
            return self.get_paginated_response(DiscussionThreadSerializer(page, many=True).data)
        fields = _read(request, ThreadInputSerializer, ThreadUploadSerializer)
        with service_errors():
            thread = services.thread_create(
                actor=request.user, access=access, title=fields["title"], body=fields["body"],
                images=fields["images"],
            )  # fmt: skip
        return Response(DiscussionThreadSerializer(thread).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="某班的讨论区",
        description="The class's board (made on first need), for its readers.",
        responses=DiscussionBoardDetailSerializer,
    )
    @action(detail=False, methods=["get"], url_path=r"for-class/(?P<class_id>\d+)")
    def for_class(self, request, class_id=None):
        klass = get_object_or_404(TrainingClass, pk=class_id)
        board = selectors.board_of_class(training_class=klass)
        access = selectors.board_access(actor=request.user, board_id=board.pk)
        return Response(DiscussionBoardDetailSerializer(access.board, context={"access": access}).data)


@extend_schema(tags=["discussions"])
class ThreadViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = Thread.objects.none()
    serializer_class = DiscussionThreadSerializer
    parser_classes = PARSERS

    def _thread(self):
        return selectors.thread_access(actor=self.request.user, thread_id=self.kwargs["pk"])

    @extend_schema(summary="主题帖")
    def retrieve(self, request, pk=None):
        thread, _access = self._thread()
        return Response(DiscussionThreadSerializer(thread).data)

    @extend_schema(methods=["get"], summary="帖子（按时间）", responses=DiscussionPostSerializer(many=True))
    @extend_schema(
        methods=["post"],
        summary="回复（可引用本帖中的帖子）",
        description="Refused (422 on `body`) once the thread is locked; a quote must be a post of the thread "
        "and not hidden. Images as for a new thread.",
        request=_bodies(ReplyInputSerializer, ReplyUploadSerializer),
        responses={201: DiscussionPostSerializer},
    )
    @action(detail=True, methods=["get", "post"])
    def posts(self, request, pk=None):
        thread, access = self._thread()
        if request.method == "GET":
            page = self.paginate_queryset(selectors.posts_of(thread=thread))
            data = DiscussionPostSerializer(page, many=True, context={"access": access}).data
            return self.get_paginated_response(data)
        fields = _read(request, ReplyInputSerializer, ReplyUploadSerializer)
        with service_errors():
            post = services.post_reply(
                actor=request.user,
                access=access,
                thread=thread,
                body=fields["body"],
                quote_id=fields["quote"],
                images=fields["images"],
            )
        post = selectors.posts_of(thread=thread).get(pk=post.pk)
        return Response(
            DiscussionPostSerializer(post, context={"access": access}).data, status=status.HTTP_201_CREATED
        )

    def _moderate(self, request, service, **kwargs):
        thread, access = self._thread()
        with service_errors():
            thread = service(actor=request.user, access=access, thread=thread, **kwargs)
        return Response(DiscussionThreadSerializer(thread).data)

    @extend_schema(
        summary="置顶", description="Tutors in their class, experts (403 otherwise).", request=None
    )
    @action(detail=True, methods=["post"])
    def pin(self, request, pk=None):
        return self._moderate(request, services.thread_pin, pinned=True)

    @extend_schema(summary="取消置顶", request=None)
    @action(detail=True, methods=["post"])
    def unpin(self, request, pk=None):
        return self._moderate(request, services.thread_pin, pinned=False)

    @extend_schema(summary="锁定（不能再回复）", request=LockInputSerializer)
    @action(detail=True, methods=["post"])
    def lock(self, request, pk=None):
        data = LockInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._moderate(
            request, services.thread_lock, locked=True, reason=data.validated_data["reason"]
        )

    @extend_schema(summary="解除锁定", request=None)
    @action(detail=True, methods=["post"])
    def unlock(self, request, pk=None):
        return self._moderate(request, services.thread_lock, locked=False)


@extend_schema(tags=["discussions"])
class PostViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = Post.objects.none()
    serializer_class = DiscussionPostSerializer

    def _post(self):
        post, access = selectors.post_access(actor=self.request.user, post_id=self.kwargs["pk"])
        return selectors.posts_of(thread=post.thread).get(pk=post.pk), access

    def _out(self, post, access):
        fresh = selectors.posts_of(thread=post.thread).get(pk=post.pk)
        return Response(DiscussionPostSerializer(fresh, context={"access": access}).data)

    @extend_schema(summary="帖子")
    def retrieve(self, request, pk=None):
        post, access = self._post()
        return Response(DiscussionPostSerializer(post, context={"access": access}).data)

    @extend_schema(
        summary="隐藏（须说明原因）",
        description="Others see 已隐藏：reason; moderators still read the post. 422 if already hidden "
        "(naming who hid it) or without a reason.",
        request=HideInputSerializer,
    )
    @action(detail=True, methods=["post"])
    def hide(self, request, pk=None):
        post, access = self._post()
        data = HideInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            services.post_hide(
                actor=request.user, access=access, post=post, reason=data.validated_data["reason"]
            )
        return self._out(post, access)

    @extend_schema(summary="取消隐藏", request=None)
    @action(detail=True, methods=["post"])
    def unhide(self, request, pk=None):
        post, access = self._post()
        with service_errors():
            services.post_unhide(actor=request.user, access=access, post=post)
        return self._out(post, access)

    @extend_schema(
        summary="转交专家团队",
        description="The class's tutor, on a post of the class board (403 otherwise): a question in the "
        "subject provider's on-duty queue (duty-questions); the answer comes back into the thread.",
        request=ForwardInputSerializer,
        responses={201: DiscussionForwardSerializer},
    )
    @action(detail=True, methods=["post"])
    def forward(self, request, pk=None):
        post, access = self._post()
        data = ForwardInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            forward = services.post_forward(
                actor=request.user, access=access, post=post, **data.validated_data
            )
        return Response(DiscussionForwardSerializer(forward).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["discussions"])
class ImageViewSet(viewsets.GenericViewSet):
    queryset = PostImage.objects.none()

    @extend_schema(summary="帖子图片", responses=FILE_RESPONSES)
    @action(detail=True, methods=["get"])
    def file(self, request, pk=None):
        image = get_object_or_404(PostImage.objects.select_related("post"), pk=pk)
        _post, access = selectors.post_access(actor=request.user, post_id=image.post_id)
        if image.post.hidden and not access.moderate:
            raise Http404
        return serve_private_file(request, image.file, content_type=image.mime, filename=image.name or None)


def _seminar_fields(data: dict) -> dict:
    return {
        "title": data["title"],
        "held_on": data["held_on"],
        "place": data["place"],
        "organizer_id": data["organizer"],
        "attendee_ids": data["attendees"],
        "minutes": data["minutes"],
        "photos": data["photos"],
    }


@extend_schema(tags=["discussions"])
class SeminarViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """线下研讨."""

    queryset = Seminar.objects.none()
    serializer_class = SeminarSerializer
    parser_classes = PARSERS

    def get_object(self):
        seminar, _access = selectors.seminar_access(actor=self.request.user, seminar_id=self.kwargs["pk"])
        return seminar

    def _detail(self, seminar):
        fresh = Seminar.objects.prefetch_related("attendance__enrollment__user", "photos").get(pk=seminar.pk)
        return SeminarSerializer(fresh).data

    @extend_schema(summary="研讨记录")
    def retrieve(self, request, pk=None):
        return Response(self._detail(self.get_object()))

    @extend_schema(
        summary="某班的线下研讨",
        description="For the readers of the class's board.",
        responses=SeminarSerializer(many=True),
    )
    @action(detail=False, methods=["get"], url_path=r"for-class/(?P<class_id>\d+)")
    def for_class(self, request, class_id=None):
        klass = get_object_or_404(TrainingClass, pk=class_id)
        selectors.board_access(actor=request.user, board_id=selectors.board_of_class(training_class=klass).pk)
        qs = klass.seminars.prefetch_related("attendance__enrollment__user", "photos").select_related(
            "organizer"
        )
        page = self.paginate_queryset(qs.order_by("-held_on", "-pk"))
        return self.get_paginated_response(SeminarSerializer(page, many=True).data)

    @extend_schema(
        summary="记录线下研讨",
        description="The class's tutor (403 otherwise). The date may not be later than today; the organizer "
        "is the tutor or a learner of the class; attendees are enrollments of the class's learners.",
        request=_bodies(SeminarInputSerializer, SeminarUploadSerializer),
        responses={201: SeminarSerializer},
    )
    def create(self, request):
        fields = _read(request, SeminarInputSerializer, SeminarUploadSerializer)
        klass = TrainingClass.objects.filter(pk=fields["training_class"]).first()
        if (
            klass is None
            or not selectors.boards_readable(actor=request.user)
            .filter(pk=selectors.board_of_class(training_class=klass).pk)
            .exists()
        ):
            raise Refused({"training_class": [_("没有这个班级，或您无权查看。")]})
        with service_errors():
            seminar = services.seminar_create(
                actor=request.user, training_class=klass, **_seminar_fields(fields)
            )
        return Response(self._detail(seminar), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="修改研讨记录",
        description="The fields sent change, the others stay; photos sent are added. With `read_at` (the "
        "updated_at read), a record changed by someone else since is refused (422 on `minutes`), so nothing "
        "is overwritten unknowingly.",
        request=_bodies(SeminarUpdateInputSerializer, SeminarUpdateUploadSerializer),
        responses=SeminarSerializer,
    )
    def partial_update(self, request, pk=None):
        seminar = self.get_object()
        fields = {
            **selectors.seminar_fields(seminar),
            **_read(request, SeminarUpdateInputSerializer, SeminarUpdateUploadSerializer),
        }
        with service_errors():
            seminar = services.seminar_update(
                actor=request.user, seminar=seminar, read_at=fields["read_at"], **_seminar_fields(fields)
            )
        return Response(self._detail(seminar))

    @extend_schema(summary="上传研讨照片", request={"multipart/form-data": PhotosInputSerializer})
    @action(detail=True, methods=["post"])
    def photos(self, request, pk=None):
        seminar = self.get_object()
        data = PhotosInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            services.seminar_photos_add(
                actor=request.user, seminar=seminar, photos=data.validated_data["photos"]
            )
        return Response(self._detail(seminar))


@extend_schema(tags=["discussions"])
class SeminarPhotoViewSet(viewsets.GenericViewSet):
    queryset = SeminarPhoto.objects.none()

    @extend_schema(summary="研讨照片", responses=FILE_RESPONSES)
    @action(detail=True, methods=["get"])
    def file(self, request, pk=None):
        photo = get_object_or_404(SeminarPhoto, pk=pk)
        selectors.seminar_access(actor=request.user, seminar_id=photo.seminar_id)
        return serve_private_file(request, photo.file, content_type=photo.mime, filename=photo.name or None)
