from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "teachnet.accounts"
    label = "accounts"
    verbose_name = _("人员与角色")

    def ready(self) -> None:
        from teachnet.core import freshness, menu

        from .models import RoleAssignment
        from .permissions import has_any
        from .roles import Perm

        freshness.watch(RoleAssignment)  # the menu (core.menu) and every kept page follow a person's roles
        for name, perm in (
            ("orgs", Perm.ORG_VIEW),
            ("users", Perm.USER_VIEW),
            ("issue", Perm.ACCOUNT_ISSUE),
            ("reporting", Perm.REPORT_VIEW),
        ):
            menu.entry(name, lambda user, perm=perm: has_any(actor=user, perm=perm))
