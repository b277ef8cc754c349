from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "teachnet.learning"
    verbose_name = _("学习与学时")

    def ready(self) -> None:
        from teachnet.core import freshness
        from teachnet.notifications import periodic

        from .models import Plan, PlanItem, SelfPick, StudyPolicy
        from .reminders import plan_items_due_soon

        freshness.watch(Plan, PlanItem, SelfPick, StudyPolicy)  # read by the learner's kept workspace
        periodic.register("learning.plan_due_soon", plan_items_due_soon)
