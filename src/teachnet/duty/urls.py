from django.urls import path

from . import views

app_name = "duty"
urlpatterns = [
    path("", views.index, name="index"),
    path("projects/<int:project_id>/", views.project_overview, name="project"),
    path("projects/<int:project_id>/providers/<int:provider_id>/", views.provider, name="provider"),
    path(
        "projects/<int:project_id>/providers/<int:provider_id>/roster/<str:day>/",
        views.roster_day,
        name="roster_day",
    ),
    path("projects/<int:project_id>/providers/<int:provider_id>/queue/", views.queue, name="queue"),
    path("questions/<int:pk>/", views.question, name="question"),
    path("questions/<int:pk>/claim/", views.question_claim, name="claim"),
    path("questions/<int:pk>/release/", views.question_release, name="release"),
    path("questions/<int:pk>/answer/", views.question_answer, name="answer"),
]
