from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    # Browsers ask for /favicon.ico whatever the page links: send them to the icon.
    path("favicon.ico", views.favicon),
    path("tasks/<uuid:pk>/", views.task_progress, name="task_progress"),
    path("tasks/<uuid:pk>/download/", views.task_download, name="task_download"),
]
