from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "teachnet.reporting"
    label = "reporting"
    verbose_name = _("信息上报")

    def ready(self) -> None:
        from .permissions import register

        register()
