"""Routes of the courses API (TRN-4), mounted under /api/v1/."""

from teachnet.core.rest_api.routers import IdRouter

from .views import CourseViewSet, ModuleViewSet, ResourceViewSet

router = IdRouter()
router.register("courses", CourseViewSet, basename="course")
router.register("course-modules", ModuleViewSet, basename="course-module")
router.register("course-resources", ResourceViewSet, basename="course-resource")
urlpatterns = router.urls
