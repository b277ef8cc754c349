"""Pages of the progress board (REP-7), mounted at /reporting/board/."""

from django.urls import path

from . import board_views

app_name = "reporting_board"

urlpatterns = [
    path("", board_views.board, name="board"),
    path("export.xlsx", board_views.board_export, name="export"),
]
