"""Routes of the briefings API, mounted under /api/v1/."""

from rest_framework.routers import SimpleRouter

from .views import BriefingViewSet, StandingViewSet, TemplateViewSet

router = SimpleRouter()
router.register("briefings", BriefingViewSet, basename="briefing")
router.register("briefing-templates", TemplateViewSet, basename="briefing-template")
router.register("briefing-standings", StandingViewSet, basename="briefing-standing")
urlpatterns = router.urls
