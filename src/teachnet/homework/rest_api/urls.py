"""Routes of the homework API (ACT-6), mounted under /api/v1/."""

from django.urls import path

from . import views as v

urlpatterns = [
    path("homework/assignments/", v.AssignmentList.as_view(), name="homework-assignments"),
    path("homework/assignments/<int:pk>/", v.AssignmentDetail.as_view(), name="homework-assignment"),
    path("homework/assignments/<int:pk>/progress/", v.AssignmentProgress.as_view(), name="homework-progress"),
    path(
        "homework/assignments/<int:pk>/submissions/", v.AssignmentSubmissions.as_view(), name="homework-subs"
    ),
    path("homework/assignments/<int:pk>/my-submission/", v.MySubmission.as_view(), name="homework-mine"),
    path(
        "homework/assignments/<int:pk>/my-submission/attachments/",
        v.MyAttachments.as_view(),
        name="homework-upload",
    ),
    path("homework/assignments/<int:pk>/similar-pairs/", v.AssignmentPairs.as_view(), name="homework-pairs"),
    path("homework/assignments/<int:pk>/recheck/", v.AssignmentRecheck.as_view(), name="homework-recheck"),
    path(
        "homework/assignments/<int:pk>/spot-checks/", v.AssignmentSpotChecks.as_view(), name="homework-spots"
    ),
    path(
        "homework/assignments/<int:pk>/spot-checks/draw/",
        v.SpotCheckDraw.as_view(),
        name="homework-spot-draw",
    ),
    path(
        "homework/assignments/<int:pk>/agreement/", v.AssignmentAgreement.as_view(), name="homework-agreement"
    ),
    path(
        "homework/recheck-progress/<uuid:pk>/", v.RecheckProgress.as_view(), name="homework-recheck-progress"
    ),
    path("homework/submissions/<int:pk>/", v.SubmissionDetail.as_view(), name="homework-submission"),
    path("homework/submissions/<int:pk>/events/", v.SubmissionEvents.as_view(), name="homework-events"),
    path("homework/submissions/<int:pk>/grade/", v.SubmissionGrade.as_view(), name="homework-grade"),
    path("homework/submissions/<int:pk>/return/", v.SubmissionReturn.as_view(), name="homework-return"),
    path(
        "homework/submissions/<int:pk>/recommend/", v.SubmissionRecommend.as_view(), name="homework-recommend"
    ),
    path("homework/submissions/<int:pk>/correct/", v.SubmissionCorrect.as_view(), name="homework-correct"),
    path("homework/pairs/<int:pk>/", v.PairDetail.as_view(), name="homework-pair"),
    path("homework/spot-checks/<int:pk>/score/", v.SpotCheckScore.as_view(), name="homework-spot-score"),
    path("homework/rubrics/", v.RubricList.as_view(), name="homework-rubrics"),
    path("homework/rubrics/<int:pk>/", v.RubricDetail.as_view(), name="homework-rubric"),
    path("homework/showcase/<int:pk>/", v.Showcase.as_view(), name="homework-showcase"),
]
