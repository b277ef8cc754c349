from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QaConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "teachnet.qa"
    label = "qa"
    verbose_name = _("专家答疑")

    def ready(self) -> None:
        from teachnet.accounts.permissions import grants_for, has_any
        from teachnet.accounts.roles import Role
        from teachnet.core import menu, rules
        from teachnet.learning import records
        from teachnet.notifications import periodic

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
        # The menu asks the grants the menu has read already (no query of its own): whoever reads sessions
        # by a role, and the roles that take part (learners; tutors and backbone trainers, enrolled as such).
        taking_part = {Role.LEARNER, Role.TUTOR, Role.BACKBONE_TRAINER}
        menu.entry(
            "qa",
            lambda user: (
                has_any(actor=user, perm=QaPerm.VIEW) or any(g.role in taking_part for g in grants_for(user))
            ),
        )
