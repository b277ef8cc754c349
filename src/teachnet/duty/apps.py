from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "teachnet.duty"
    verbose_name = _("专家值班")

    def ready(self) -> None:
        from teachnet.accounts.permissions import has_any
        from teachnet.core import menu, rules

        from . import selectors
        from .permissions import DutyPerm, register

        register()
        rules.register(selectors.EXPERTS_PER_DAY, selectors.experts_per_day_standings)
        # The roster and the queue: the provider, its experts, the project office.
        menu.entry("duty", lambda user: has_any(actor=user, perm=DutyPerm.VIEW))
