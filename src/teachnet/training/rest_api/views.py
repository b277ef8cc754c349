"""The projects API (TRN-1), read-only: each caller sees the projects their grants reach."""

from drf_spectacular.utils import extend_schema
from rest_framework import viewsets

from teachnet.accounts.permissions import get_visible_or_404, visible
from teachnet.accounts.roles import Perm

from ..models import Project
from .serializers import ProjectSerializer


def _projects():
    return Project.objects.select_related("office").prefetch_related("provinces", "providers")


@extend_schema(tags=["projects"])
class ProjectViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ProjectSerializer

    def get_queryset(self):
        return visible(actor=self.request.user, model=Project, perm=Perm.PROJECT_VIEW, queryset=_projects())

    def get_object(self):
        return get_visible_or_404(
            actor=self.request.user,
            model=Project,
            perm=Perm.PROJECT_VIEW,
            pk=self.kwargs["pk"],
            queryset=_projects(),
        )
