"""Every admin screen opens for a superuser (the admin is the project's back office)."""

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_every_changelist_and_add_page_opens(client, django_user_model, project):
    superuser = django_user_model.objects.create_superuser(
        username="root", email="r@example.com", password="Long-enough-password-1", real_name="管理员"
    )
    client.force_login(superuser)
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        assert client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200, info
        if model_admin.has_add_permission(type("R", (), {"user": superuser})()):
            assert client.get(reverse("admin:{}_{}_add".format(*info))).status_code == 200, info
