from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscussionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "teachnet.discussions"
    verbose_name = _("讨论与研讨")

    def ready(self) -> None:
        from teachnet.core import menu
        from teachnet.duty import services as duty_services
        from teachnet.learning import records as study_records
        from teachnet.qa import board as qa_board

        from . import records, selectors, services
        from .permissions import register

        register()
        # The expert team's answer to a forwarded post comes back into its thread (duty knows nothing of
        # discussions: it calls whoever registered).
        duty_services.on_answered(services.on_question_answered)
        # A question a Q&A session left unanswered moves into the subject's board (qa knows nothing of us).
        qa_board.register_mover(services.move_qa_question)
        study_records.register("posts", records.posts_section)
        study_records.register("seminars", records.seminars_section)
        menu.entry("discussions", selectors.has_boards)
