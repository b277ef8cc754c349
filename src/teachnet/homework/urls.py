from django.urls import path

from . import views

app_name = "homework"
urlpatterns = [
    path("", views.index, name="index"),
    path("a/<int:pk>/", views.assignment, name="assignment"),
    path("a/<int:pk>/save/", views.save, name="save"),
    path("a/<int:pk>/upload/", views.upload, name="upload"),
    path("a/<int:pk>/grade/<int:class_id>/", views.grade, name="grade"),
    path("a/<int:pk>/recheck/", views.recheck, name="recheck"),
    path("a/<int:pk>/spot/draw/", views.spot_draw, name="spot_draw"),
    path("s/<int:pk>/", views.submission, name="submission"),
    path("s/<int:pk>/grade/", views.grade_save, name="grade_save"),
    path("file/<int:pk>/", views.attachment, name="attachment"),
    path("file/<int:pk>/remove/", views.attachment_remove, name="attachment_remove"),
    path("pair/<int:pk>/", views.pair, name="pair"),
    path("spot/<int:pk>/", views.spot, name="spot"),
    path("ps/<int:pk>/", views.subject, name="subject"),
    path("ps/<int:pk>/new/", views.assignment_new, name="assignment_new"),
    path("ps/<int:pk>/rubrics/new/", views.rubric_edit, name="rubric_new"),
    path("ps/<int:pk>/rubrics/<int:rubric_id>/", views.rubric_edit, name="rubric_edit"),
    path("ps/<int:pk>/showcase/", views.showcase, name="showcase"),
    path("ps/<int:pk>/showcase/<int:submission_id>/", views.showcase_item, name="showcase_item"),
    path("class/<int:class_id>/new/", views.class_assignment_new, name="class_assignment_new"),
]
