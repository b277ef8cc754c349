from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "teachnet.training"
    label = "training"
    verbose_name = _("培训项目")

    def ready(self) -> None:
        from .permissions import register

        register()
