from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeworkConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "teachnet.homework"
    label = "homework"
    verbose_name = _("作业")

    def ready(self) -> None:
        from teachnet.core import freshness, menu
        from teachnet.learning import records
        from teachnet.training.models import ExpertTeamMember

        from .permissions import register
        from .records import homework_section
        from .selectors import reach

        register()
        freshness.watch(ExpertTeamMember)  # the menu's "作业" entry rests on team membership too
        records.register("homework", homework_section)
        # Learners of a class, its tutor, a subject's experts: whoever has homework to write, grade or set.
        menu.entry(
            "homework",
            lambda user: bool((r := reach(user)).learner_classes or r.tutor_classes or r.expert_ps_ids),
        )
