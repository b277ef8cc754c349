"""Routes of the learning API, mounted under /api/v1/."""

from django.urls import path

from .rules import PolicyView, QuestionsView, QuestionView
from .views import CheckAnswerView, HeartbeatView, RecordView, SessionCloseView, SessionStartView

urlpatterns = [
    path("study/sessions/", SessionStartView.as_view(), name="study-session-start"),
    path("study/heartbeat/", HeartbeatView.as_view(), name="study-heartbeat"),
    path("study/checks/<id:pk>/answer/", CheckAnswerView.as_view(), name="study-check-answer"),
    path("study/close/", SessionCloseView.as_view(), name="study-close"),
    path("study/records/<id:learner_id>/", RecordView.as_view(), name="study-record"),
    path("projects/<id:project_id>/study-policy/", PolicyView.as_view(), name="study-policy"),
    path("projects/<id:project_id>/study-questions/", QuestionsView.as_view(), name="study-questions"),
    path("projects/<id:project_id>/study-questions/<id:pk>/", QuestionView.as_view(), name="study-question"),
]
