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

# --- Classes (TRN-6) and adjustments (TRN-7) ----------------------------------------------------------------
from . import views_classes  # noqa: E402

urlpatterns += [
    path("projects/<int:pk>/classes/", views_classes.classes_index, name="classes"),
    path(
        "projects/<int:pk>/classes/build/<str:province_code>/<int:subject_id>/",
        views_classes.classes_build,
        name="classes_build",
    ),
    path("classes/mine/", views_classes.my_classes, name="my_classes"),
    path("classes/<int:class_id>/", views_classes.class_detail, name="class"),
    path(
        "classes/<int:class_id>/members/<int:membership_id>/move/",
        views_classes.class_member_move,
        name="class_move",
    ),
    path("projects/<int:pk>/learners/<int:subject_id>/", views_classes.learners, name="learners"),
    path("learners/<int:enrollment_id>/replace/", views_classes.learner_replace, name="learner_replace"),
    path("learners/<int:enrollment_id>/withdraw/", views_classes.learner_withdraw, name="learner_withdraw"),
]

# --- Trainer training (TRN-5) -------------------------------------------------------------------------------
from . import views_sessions  # noqa: E402

_SESSIONS = "provider/subjects/<int:ps_id>/sessions/"
urlpatterns += [
    path(_SESSIONS, views_sessions.session_list, name="sessions"),
    path(f"{_SESSIONS}new/", views_sessions.session_create, name="session_create"),
    path(f"{_SESSIONS}<int:session_id>/", views_sessions.session_detail, name="session"),
    path(f"{_SESSIONS}<int:session_id>/edit/", views_sessions.session_edit, name="session_edit"),
    path(
        f"{_SESSIONS}<int:session_id>/attendance/",
        views_sessions.session_attendance,
        name="session_attendance",
    ),
    path(f"{_SESSIONS}<int:session_id>/delete/", views_sessions.session_delete, name="session_delete"),
    path(
        "provider/subjects/<int:ps_id>/trainer-status/", views_sessions.trainer_status, name="trainer_status"
    ),
    path(
        "projects/<int:pk>/trainer-training/",
        views_sessions.project_trainer_training,
        name="trainer_training",
    ),
]

# --- Project setup (TRN-1, REP-8) ---------------------------------------------------------------------------
from . import views_projects  # noqa: E402

urlpatterns += [
    path("projects/new/", views_projects.project_create, name="project_create"),
    path("projects/<int:pk>/edit/", views_projects.project_edit, name="project_edit"),
    path("projects/<int:pk>/subjects/", views_projects.subjects, name="project_subjects"),
    path(
        "projects/<int:pk>/subjects/gp2011/",
        views_projects.subjects_add_gp2011,
        name="project_subjects_gp2011",
    ),
    path(
        "projects/<int:pk>/subjects/<int:subject_id>/remove/",
        views_projects.subject_remove,
        name="project_subject_remove",
    ),
    path("projects/<int:pk>/quotas/", views_projects.quotas, name="project_quotas"),
    path("projects/<int:pk>/quotas/set/", views_projects.quota_set, name="project_quota_set"),
    path("projects/<int:pk>/quotas/upload/", views_projects.quotas_upload, name="project_quotas_upload"),
    path("projects/<int:pk>/quotas/xlsx/", views_projects.quotas_download, name="project_quotas_xlsx"),
]
