from django.urls import path

from . import views

app_name = "reporting"
urlpatterns = [
    path("", views.submission_list, name="list"),
    path("start/", views.submission_start, name="start"),
    path("windows/", views.windows_edit, name="windows"),
    path("<int:pk>/", views.submission_detail, name="detail"),
    path("<int:pk>/template.xlsx", views.template_download, name="template"),
    path("<int:pk>/upload/", views.submission_upload, name="upload"),
    path("<int:pk>/codes/", views.submission_codes, name="codes"),
    path("<int:pk>/rows/<int:row_id>/delete/", views.row_delete, name="row_delete"),
    path("<int:pk>/rows/<int:row_id>/edit/", views.row_edit, name="row_edit"),
    path("<int:pk>/attempts/<int:attempt_id>/marked.xlsx", views.attempt_marked, name="marked"),
    path("<int:pk>/<str:action>/", views.submission_action, name="action"),
]
