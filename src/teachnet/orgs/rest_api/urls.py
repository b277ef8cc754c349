"""Routes of the regions and organizations API, mounted under /api/v1/."""

from rest_framework.routers import SimpleRouter

from .views import OrganizationViewSet, RegionViewSet

router = SimpleRouter()
router.register("regions", RegionViewSet, basename="region")
router.register("organizations", OrganizationViewSet, basename="organization")

urlpatterns = router.urls
