from django.urls import path

from . import views

app_name = "courses"
urlpatterns = [
    path("review/", views.review_queue, name="review_queue"),
    path("learn/", views.learner_courses, name="learn"),
    path("provider-subjects/<int:ps_id>/", views.for_provider_subject, name="for_provider_subject"),
    path("<int:pk>/", views.course_detail, name="course"),
    path("<int:pk>/edit/", views.course_edit, name="course_edit"),
    path("<int:pk>/modules/", views.module_add, name="module_add"),
    path("<int:pk>/modules/<int:module_id>/<str:action>/", views.module_action, name="module_action"),
    path("<int:pk>/resources/", views.resource_add, name="resource_add"),
    path("<int:pk>/submit/", views.course_submit, name="submit"),
    path("<int:pk>/comments/", views.comment_add, name="comment_add"),
    path("<int:pk>/decide/<str:decision>/", views.course_decide, name="decide"),
    path("<int:pk>/versions/<int:number>/", views.version_detail, name="version"),
    path(
        "<int:pk>/versions/<int:number>/resources/<int:resource_id>/file",
        views.version_file,
        name="version_file",
    ),
    path("<int:pk>/study/", views.course_study, name="study"),
    path("resources/<int:resource_id>/", views.resource_detail, name="resource"),
    path("resources/<int:resource_id>/file", views.resource_file, name="resource_file"),
    path("resources/<int:resource_id>/<str:action>/", views.resource_action, name="resource_action"),
]
