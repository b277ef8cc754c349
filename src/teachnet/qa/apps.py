from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QaConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "teachnet.qa"
    label = "qa"
    verbose_name = _("专家答疑")

    def ready(self) -> None:
        from teachnet.accounts.permissions import has_any
        from teachnet.core import freshness, menu, rules
        from teachnet.learning import records
        from teachnet.training.models import Enrollment, ExpertTeamMember, TrainingClass

        from . import rules as qa_rules
        from .permissions import QaPerm, register
        from .records import qa_section

        register()
        rules.register(qa_rules.RULE, qa_rules.measure)
        records.register("qa", qa_section)
        # The menu's answer rests on team membership too: a change to a team moves the generation on.
        freshness.watch(ExpertTeamMember)
        menu.entry(
            "qa",
            lambda user: (
                has_any(actor=user, perm=QaPerm.VIEW)
                or Enrollment.objects.filter(user_id=user.pk, withdrawn_at__isnull=True).exists()
                or ExpertTeamMember.objects.filter(user_id=user.pk).exists()
                or TrainingClass.objects.filter(tutor_id=user.pk).exists()
            ),
        )
