"""Routes of the reporting API (REP-2 … REP-6), mounted under /api/v1/.

A submission's rows, attempts and events are routed below it, so each is reached only through a submission
the caller may see.
"""

from django.urls import path

from teachnet.core.rest_api.routers import IdRouter

from .views import (
    SubmissionEventViewSet,
    SubmissionRowViewSet,
    SubmissionViewSet,
    TaskProgressView,
    UploadAttemptViewSet,
)

router = IdRouter()
router.register("reporting/submissions", SubmissionViewSet, basename="reporting-submission")

SUBMISSION = "reporting/submissions/<id:submission_id>"

urlpatterns = [
    *router.urls,
    path(
        f"{SUBMISSION}/rows/",
        SubmissionRowViewSet.as_view({"get": "list"}),
        name="reporting-row-list",
    ),
    path(
        f"{SUBMISSION}/rows/<id:pk>/",
        SubmissionRowViewSet.as_view({"delete": "destroy"}),
        name="reporting-row-detail",
    ),
    path(
        f"{SUBMISSION}/attempts/",
        UploadAttemptViewSet.as_view({"get": "list"}),
        name="reporting-attempt-list",
    ),
    path(
        f"{SUBMISSION}/attempts/<id:pk>/",
        UploadAttemptViewSet.as_view({"get": "retrieve"}),
        name="reporting-attempt-detail",
    ),
    path(
        f"{SUBMISSION}/attempts/<id:pk>/marked/",
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
