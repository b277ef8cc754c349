"""Routes of the notifications API, mounted under /api/v1/."""

from django.urls import path

from teachnet.core.rest_api.routers import IdRouter

from .views import NotificationViewSet, PreferenceView

router = IdRouter()
router.register("notifications", NotificationViewSet, basename="notification")
urlpatterns = [
    path("notification-preferences/", PreferenceView.as_view(), name="notification-preferences"),
    *router.urls,
]
