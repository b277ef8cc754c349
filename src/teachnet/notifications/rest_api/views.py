"""The person's own notices and notification preferences (never anyone else's)."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import services
from ..models import Notification
from .serializers import (
    MarkedSerializer,
    MarkReadSerializer,
    NotificationSerializer,
    PreferenceSerializer,
    UnreadSerializer,
)


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = NotificationSerializer
    queryset = Notification.objects.none()  # the schema's; every request gets its own below

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return Notification.objects.filter(recipient=self.request.user, in_inbox=True)

    @extend_schema(responses=UnreadSerializer)
    @action(detail=False, methods=["get"])
    def unread(self, request):
        return Response({"unread": services.unread_count(request.user)})

    @extend_schema(request=MarkReadSerializer, responses=MarkedSerializer)
    @action(detail=False, methods=["post"], url_path="mark-read")
    def mark_read(self, request):
        body = MarkReadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ids = body.validated_data.get("ids")
        return Response({"marked": services.mark_read(user=request.user, ids=ids)})


class PreferenceView(APIView):
    """The person's choice of channels per kind of notice: read it whole, write the kinds to change."""

    serializer_class = PreferenceSerializer

    def _current(self, request):
        current = services.preferences(request.user)
        return Response([{"kind": k, "channels": sorted(v)} for k, v in current.items()])

    @extend_schema(responses=PreferenceSerializer(many=True))
    def get(self, request):
        return self._current(request)

    @extend_schema(request=PreferenceSerializer(many=True), responses=PreferenceSerializer(many=True))
    def put(self, request):
        body = PreferenceSerializer(data=request.data, many=True)
        body.is_valid(raise_exception=True)
        chosen = services.preferences(request.user)
        for item in body.validated_data:
            chosen[item["kind"]] = set(item["channels"])
        services.preferences_set(user=request.user, chosen=chosen)
        return self._current(request)
