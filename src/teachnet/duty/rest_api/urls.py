"""Routes of the expert duty API (ACT-3), mounted under /api/v1/."""

from django.urls import path

from teachnet.core.rest_api.routers import IdRouter

from .views import ProjectOverviewView, QuestionViewSet, RosterDayView, UnitListView, UnitView

router = IdRouter()
router.register("duty-questions", QuestionViewSet, basename="duty-question")

_UNIT = "duty/projects/<id:project_id>/providers/<id:provider_id>/"
urlpatterns = [
    path("duty/units/", UnitListView.as_view(), name="duty-units"),
    path("duty/projects/<id:project_id>/", ProjectOverviewView.as_view(), name="duty-project"),
    path(_UNIT, UnitView.as_view(), name="duty-unit"),
    path(f"{_UNIT}roster/<str:day>/", RosterDayView.as_view(), name="duty-roster-day"),
    *router.urls,
]
