"""Routes of the people API, mounted under /api/v1/."""

from django.urls import path

from teachnet.core.rest_api.routers import IdRouter

from .views import MeView, RoleAssignmentViewSet, UserViewSet

router = IdRouter()
router.register("users", UserViewSet, basename="user")
router.register("role-assignments", RoleAssignmentViewSet, basename="role-assignment")

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    *router.urls,
]
