"""Routes of the projects API (TRN-1 … TRN-3), mounted under /api/v1/.

A team's members are routed below its provider's subject, so each is reached only through one the caller may
see.
"""

from django.urls import path

from teachnet.core.rest_api.routers import IdRouter

from .views import ProjectViewSet, ProviderSubjectViewSet, TeamMemberDetailView, TeamMemberListView

router = IdRouter()
router.register("projects", ProjectViewSet, basename="project")
router.register("training/provider-subjects", ProviderSubjectViewSet, basename="training-provider-subject")

TEAM = "training/provider-subjects/<id:provider_subject_id>/members"

urlpatterns = [
    *router.urls,
    path(f"{TEAM}/", TeamMemberListView.as_view(), name="training-member-list"),
    path(f"{TEAM}/<id:pk>/", TeamMemberDetailView.as_view(), name="training-member-detail"),
]

# --- Trainer training (TRN-5), below the provider's subject like its team ----------------------------------
from .sessions import (  # noqa: E402
    SessionAttendanceView,
    TrainerSessionDetailView,
    TrainerSessionListView,
    TrainerTrainingStatusView,
)

SESSIONS = "training/provider-subjects/<id:provider_subject_id>/sessions"
urlpatterns += [
    path(f"{SESSIONS}/", TrainerSessionListView.as_view(), name="training-session-list"),
    path(f"{SESSIONS}/<id:pk>/", TrainerSessionDetailView.as_view(), name="training-session-detail"),
    path(
        f"{SESSIONS}/<id:pk>/attendance/",
        SessionAttendanceView.as_view(),
        name="training-session-attendance",
    ),
    path(
        "training/provider-subjects/<id:provider_subject_id>/trainer-status/",
        TrainerTrainingStatusView.as_view(),
        name="training-trainer-status",
    ),
]

# --- Classes (TRN-6) ----------------------------------------------------------------------------------------
from .classes import TrainingClassViewSet  # noqa: E402

_classes = IdRouter()
_classes.register("training/classes", TrainingClassViewSet, basename="training-class")
urlpatterns += _classes.urls

# --- Project setup (TRN-1, REP-8): subjects and quotas below their project --------------------------------
from .projects import (  # noqa: E402
    ProjectQuotaDetailView,
    ProjectQuotaImportView,
    ProjectQuotaListView,
    ProjectQuotaXlsxView,
    ProjectSubjectDetailView,
    ProjectSubjectListView,
    ProjectSubjectsGP2011View,
)

PROJECT = "projects/<id:project_id>"
urlpatterns += [
    path(f"{PROJECT}/subjects/", ProjectSubjectListView.as_view(), name="project-subject-list"),
    path(f"{PROJECT}/subjects/gp2011/", ProjectSubjectsGP2011View.as_view(), name="project-subjects-gp2011"),
    path(f"{PROJECT}/subjects/<id:pk>/", ProjectSubjectDetailView.as_view(), name="project-subject-detail"),
    path(f"{PROJECT}/quotas/", ProjectQuotaListView.as_view(), name="project-quota-list"),
    path(f"{PROJECT}/quotas/import/", ProjectQuotaImportView.as_view(), name="project-quota-import"),
    path(f"{PROJECT}/quotas/xlsx/", ProjectQuotaXlsxView.as_view(), name="project-quota-xlsx"),
    path(
        f"{PROJECT}/quotas/<region:region_code>/<id:subject_id>/",
        ProjectQuotaDetailView.as_view(),
        name="project-quota-detail",
    ),
]
