from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "teachnet.courses"
    verbose_name = _("课程资源")

    def ready(self) -> None:
        from teachnet.core import freshness

        from .models import Course, CourseVersion, Resource
        from .permissions import register

        register()

        freshness.watch(Course, CourseVersion, Resource)  # read by the learners' kept pages
