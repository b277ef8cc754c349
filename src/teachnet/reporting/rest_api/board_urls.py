"""Route of the progress board API (REP-7), mounted under /api/v1/."""

from django.urls import path

from ..board_views import board_api

urlpatterns = [
    path("reporting/board/", board_api, name="reporting-board"),
]
