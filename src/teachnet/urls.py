from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

urlpatterns = [
    path("", include("teachnet.core.urls")),
    path("accounts/", include("teachnet.accounts.urls")),
    path("orgs/", include("teachnet.orgs.urls")),
    path("reporting/board/", include("teachnet.reporting.board_urls")),
    path("reporting/", include("teachnet.reporting.urls")),
    path("training/", include("teachnet.training.urls")),
    path("courses/", include("teachnet.courses.urls")),
    path("learn/", include("teachnet.learning.urls")),
    path("inbox/", include("teachnet.notifications.urls")),
    path("discussions/", include("teachnet.discussions.urls")),
    path("duty/", include("teachnet.duty.urls")),
    path("briefings/", include("teachnet.briefings.urls")),
    path("qa/", include("teachnet.qa.urls")),
    path("homework/", include("teachnet.homework.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("api/", include("teachnet.api_urls")),
    path("admin/", admin.site.urls),
]

handler404 = "teachnet.core.views.page_not_found"
