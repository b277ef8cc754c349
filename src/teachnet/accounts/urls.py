from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("activate/", views.activate, name="activate"),
    path("activate/complete/", views.activate_complete, name="activate_complete"),
    path("password-reset/", views.password_reset, name="password_reset"),
    path("password-reset/complete/", views.password_reset_complete, name="password_reset_complete"),
    path("me/", views.profile, name="profile"),
    path(
        "me/password/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change.html", success_url=reverse_lazy("accounts:profile")
        ),
        name="password_change",
    ),
    path("people/", views.user_list, name="user_list"),
    path("people/new/", views.user_create, name="user_create"),
    path("people/<int:pk>/", views.user_detail, name="user_detail"),
    path("people/<int:pk>/activation-code/", views.user_issue_code, name="user_issue_code"),
    path("people/<int:pk>/roles/", views.role_grant, name="role_grant"),
    path("people/<int:pk>/roles/<int:assignment_id>/revoke/", views.role_revoke, name="role_revoke"),
    path("activation-codes/", views.codes_export, name="codes_export"),
]
