from django.urls import path

from . import views

app_name = "training"
urlpatterns = [
    path("", views.index, name="index"),
    path("projects/<int:pk>/", views.project_overview, name="project"),
    path("projects/<int:pk>/phases/", views.phases_edit, name="phases"),
    path("projects/<int:pk>/providers/", views.provider_subject_assign, name="assign"),
    path(
        "projects/<int:pk>/providers/<int:ps_id>/unassign/", views.provider_subject_unassign, name="unassign"
    ),
    path("provider/", views.provider_workspace, name="provider"),
    path("provider/subjects/<int:ps_id>/", views.team_detail, name="team"),
    path("provider/subjects/<int:ps_id>/members/", views.team_member_add, name="member_add"),
    path(
        "provider/subjects/<int:ps_id>/members/<int:member_id>/remove/",
        views.team_member_remove,
        name="member_remove",
    ),
    path("provider/subjects/<int:ps_id>/submit/", views.team_submit, name="team_submit"),
]
