"""Routes of the regions and organizations API, mounted under /api/v1/."""

from teachnet.core.rest_api.routers import IdRouter

from .views import OrganizationViewSet, RegionViewSet

router = IdRouter()
router.register("regions", RegionViewSet, basename="region")
router.register("organizations", OrganizationViewSet, basename="organization")

urlpatterns = router.urls
