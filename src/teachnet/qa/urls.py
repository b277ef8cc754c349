from django.urls import path

from . import views

app_name = "qa"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/<int:ps_id>/", views.schedule, name="schedule"),
    path("<int:session_id>/", views.session, name="session"),
    path("<int:session_id>/edit/", views.edit, name="edit"),
    path("<int:session_id>/cancel/", views.cancel, name="cancel"),
    path("<int:session_id>/end/", views.end, name="end"),
    path("<int:session_id>/ask/", views.ask, name="ask"),
    path("<int:session_id>/presence/", views.presence, name="presence"),
    path("<int:session_id>/attendance/", views.attendance, name="attendance"),
    # The lean WSGI route (qa.live) serves this path in production; this view answers the same elsewhere.
    path("live/<int:session_id>/", views.live_feed, name="live"),
    path("live/<int:session_id>/presence/", views.live_presence, name="live_presence"),
    path("m/<int:message_id>/vote/", views.vote, name="vote"),
    path("m/<int:message_id>/answer/", views.answer, name="answer"),
    path("m/<int:message_id>/mark/", views.mark, name="mark"),
    path("m/<int:message_id>/move/", views.move, name="move"),
]
