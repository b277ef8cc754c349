"""Routes of the briefings API, mounted under /api/v1/."""

from teachnet.core.rest_api.routers import IdRouter

from .views import BriefingViewSet, StandingViewSet, TemplateViewSet

router = IdRouter()
router.register("briefings", BriefingViewSet, basename="briefing")
router.register("briefing-templates", TemplateViewSet, basename="briefing-template")
router.register("briefing-standings", StandingViewSet, basename="briefing-standing")
urlpatterns = router.urls
