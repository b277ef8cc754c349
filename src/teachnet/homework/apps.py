from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeworkConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "teachnet.homework"
    label = "homework"
    verbose_name = _("作业")

    def ready(self) -> None:
        from teachnet.accounts.permissions import has_any
        from teachnet.briefings import figures as briefing_figures
        from teachnet.core import menu
        from teachnet.learning import records

        from .figures import excellent_table, progress_table
        from .permissions import HomeworkPerm, register
        from .records import homework_section

        register()
        records.register("homework", homework_section)
        briefing_figures.register("homework.progress", _("作业进度"), progress_table)
        briefing_figures.register("homework.excellent", _("优秀作业"), excellent_table)
        # Experts and tutors (by role: the grants are already asked for the menu, so no query); learners
        # reach their homework through the same entry when the menu offers them their study (nav.learn).
        menu.entry("homework", lambda user: has_any(actor=user, perm=HomeworkPerm.SET))
