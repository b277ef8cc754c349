"""Routes of the reporting API (REP-2 … REP-6), mounted under /api/v1/.

A submission's rows, attempts and events are routed below it, so each is reached only through a submission
the caller may see.
"""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import (
    SubmissionEventViewSet,
    SubmissionRowViewSet,
    SubmissionViewSet,
    TaskProgressView,
    UploadAttemptViewSet,
)

router = SimpleRouter()
router.register("reporting/submissions", SubmissionViewSet, basename="reporting-submission")

SUBMISSION = "reporting/submissions/<int:submission_id>"

urlpatterns = [
    *router.urls,
    path(
        f"{SUBMISSION}/rows/",
        SubmissionRowViewSet.as_view({"get": "list"}),
        name="reporting-row-list",
    ),
    path(
        f"{SUBMISSION}/rows/<int:pk>/",
        SubmissionRowViewSet.as_view({"delete": "destroy"}),
        name="reporting-row-detail",
    ),
    path(
        f"{SUBMISSION}/attempts/",
        UploadAttemptViewSet.as_view({"get": "list"}),
        name="reporting-attempt-list",
    ),
    path(
        f"{SUBMISSION}/attempts/<int:pk>/",
        UploadAttemptViewSet.as_view({"get": "retrieve"}),
        name="reporting-attempt-detail",
    ),
    path(
        f"{SUBMISSION}/attempts/<int:pk>/marked/",
        UploadAttemptViewSet.as_view({"get": "marked"}),
        name="reporting-attempt-marked",
    ),
    path(
        f"{SUBMISSION}/events/",
        SubmissionEventViewSet.as_view({"get": "list"}),
        name="reporting-event-list",
    ),
    path("reporting/progress/<uuid:pk>/", TaskProgressView.as_view(), name="reporting-progress-detail"),
]
