from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "teachnet.courses"
    verbose_name = _("课程资源")

    def ready(self) -> None:
        from .permissions import register

        register()
