"""Routes of the projects API (TRN-1 … TRN-3), mounted under /api/v1/.

A team's members are routed below its provider's subject, so each is reached only through one the caller may
see.
"""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import ProjectViewSet, ProviderSubjectViewSet, TeamMemberDetailView, TeamMemberListView

router = SimpleRouter()
router.register("projects", ProjectViewSet, basename="project")
router.register("training/provider-subjects", ProviderSubjectViewSet, basename="training-provider-subject")

TEAM = "training/provider-subjects/<int:provider_subject_id>/members"

urlpatterns = [
    *router.urls,
    path(f"{TEAM}/", TeamMemberListView.as_view(), name="training-member-list"),
    path(f"{TEAM}/<int:pk>/", TeamMemberDetailView.as_view(), name="training-member-detail"),
]
