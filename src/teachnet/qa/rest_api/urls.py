"""Routes of the Q&A API, mounted under /api/v1/."""

from django.urls import path

from teachnet.core.rest_api.routers import IdRouter

from .views import MessageViewSet, SessionViewSet, StandingsView

router = IdRouter()
router.register("qa/sessions", SessionViewSet, basename="qa-session")
router.register("qa/messages", MessageViewSet, basename="qa-message")

urlpatterns = [path("qa/standings/", StandingsView.as_view(), name="qa-standings"), *router.urls]
