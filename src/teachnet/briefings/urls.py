from django.urls import path

from . import views

app_name = "briefings"
urlpatterns = [
    path("", views.index, name="index"),
    path("standings/", views.standings, name="standings"),
    path("subject/<int:ps_id>/", views.subject_briefings, name="subject"),
    path("class/<int:class_id>/", views.class_briefings, name="class"),
    path("province/<int:project_id>/<str:code>/", views.province_briefings, name="province"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/delete/", views.delete, name="delete"),
    path("<int:pk>/export.<str:fmt>", views.export, name="export"),
]
