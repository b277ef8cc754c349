from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "teachnet.courses"
    verbose_name = _("课程资源")

    def ready(self) -> None:
        from teachnet.accounts.permissions import has_any
        from teachnet.accounts.roles import Perm
        from teachnet.core import freshness, menu
        from teachnet.training.models import Enrollment

        from .models import Course, CourseVersion, Resource
        from .permissions import register

        register()

        freshness.watch(Course, CourseVersion, Resource)  # read by the learners' kept pages
        menu.entry("course_review", lambda user: has_any(actor=user, perm=Perm.COURSE_REVIEW))
        menu.entry(
            "learn",
            lambda user: Enrollment.objects.filter(
                user=user, role=Enrollment.Role.LEARNER, withdrawn_at__isnull=True
            ).exists(),
        )
