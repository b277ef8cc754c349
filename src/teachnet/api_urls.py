"""The API: each app's rest_api mounted under /api/v1/, the OpenAPI schema and its docs served locally."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("v1/auth/token/", obtain_auth_token, name="api-token"),
    path("v1/", include("teachnet.orgs.rest_api.urls")),
    path("v1/", include("teachnet.accounts.rest_api.urls")),
    path("v1/", include("teachnet.training.rest_api.urls")),
    path("v1/", include("teachnet.courses.rest_api.urls")),
    path("v1/", include("teachnet.learning.rest_api.urls")),
    path("v1/", include("teachnet.reporting.rest_api.board_urls")),
    path("v1/", include("teachnet.reporting.rest_api.urls")),
    path("v1/", include("teachnet.notifications.rest_api.urls")),
    path("v1/", include("teachnet.duty.rest_api.urls")),
    path("v1/", include("teachnet.discussions.rest_api.urls")),
    path("v1/", include("teachnet.briefings.rest_api.urls")),
    path("v1/", include("teachnet.qa.rest_api.urls")),
    path("v1/", include("teachnet.homework.rest_api.urls")),
]
