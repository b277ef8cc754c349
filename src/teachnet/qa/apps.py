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
        from teachnet.notifications import periodic
        from teachnet.training.models import Enrollment, ExpertTeamMember, TrainingClass

        from . import rules as qa_rules
        from .permissions import QaPerm, register
        from .records import qa_section
        from .services import sessions_archive_due, sessions_notify_starting

        register()
        rules.register(qa_rules.RULE, qa_rules.measure)
        records.register("qa", qa_section)
        # Run with the other reminders (Celery beat in production, `teachnet reminders --loop` in the demo):
        # learners told of a session starting within QA_NOTIFY_MINUTES_BEFORE; ended sessions archived.
        periodic.register("qa.notify_starting", lambda now: sessions_notify_starting(now=now)["people"])
        periodic.register("qa.archive_ended", lambda now: sessions_archive_due(now=now))
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
