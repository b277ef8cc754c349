"""Routes of the discussions API (ACT-1, ACT-2), mounted under /api/v1/."""

from teachnet.core.rest_api.routers import IdRouter

from .views import BoardViewSet, ImageViewSet, PostViewSet, SeminarPhotoViewSet, SeminarViewSet, ThreadViewSet

router = IdRouter()
router.register("discussion-boards", BoardViewSet, basename="discussion-board")
router.register("discussion-threads", ThreadViewSet, basename="discussion-thread")
router.register("discussion-posts", PostViewSet, basename="discussion-post")
router.register("discussion-images", ImageViewSet, basename="discussion-image")
router.register("seminars", SeminarViewSet, basename="seminar")
router.register("seminar-photos", SeminarPhotoViewSet, basename="seminar-photo")
urlpatterns = router.urls
