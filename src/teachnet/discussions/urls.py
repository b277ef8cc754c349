from django.urls import path

from . import views

app_name = "discussions"
urlpatterns = [
    path("", views.index, name="index"),
    path("classes/<int:class_id>/", views.class_board, name="class_board"),
    path("classes/<int:class_id>/seminars/", views.seminars, name="seminars"),
    path("boards/<int:pk>/", views.board, name="board"),
    path("boards/<int:pk>/threads/", views.thread_create, name="thread_create"),
    path("boards/<int:pk>/moderation/", views.moderation_log, name="moderation"),
    path("threads/<int:pk>/", views.thread, name="thread"),
    path("threads/<int:pk>/reply/", views.reply, name="reply"),
    path("threads/<int:pk>/<str:action>/", views.thread_action, name="thread_action"),
    path("posts/<int:pk>/", views.post, name="post"),
    path("posts/<int:pk>/hide/", views.post_hide, name="post_hide"),
    path("posts/<int:pk>/unhide/", views.post_unhide, name="post_unhide"),
    path("posts/<int:pk>/forward/", views.post_forward, name="post_forward"),
    path("images/<int:pk>", views.image, name="image"),
    path("seminars/<int:pk>/", views.seminar, name="seminar"),
    path("seminar-photos/<int:pk>", views.seminar_photo, name="seminar_photo"),
]
