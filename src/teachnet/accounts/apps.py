from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "teachnet.accounts"
    label = "accounts"
    verbose_name = _("人员与角色")

    def ready(self) -> None:
        from teachnet.core import freshness

        from .models import RoleAssignment

        freshness.watch(RoleAssignment)  # the menu of every kept page follows a person's roles
