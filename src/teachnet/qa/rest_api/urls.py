"""Routes of the Q&A API, mounted under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import MessageViewSet, SessionViewSet, StandingsView

router = SimpleRouter()
router.register("qa/sessions", SessionViewSet, basename="qa-session")
router.register("qa/messages", MessageViewSet, basename="qa-message")

urlpatterns = [path("qa/standings/", StandingsView.as_view(), name="qa-standings"), *router.urls]
