from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeworkConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "teachnet.homework"
    label = "homework"
    verbose_name = _("作业")

    def ready(self) -> None:
        from teachnet.accounts.permissions import has_any
        from teachnet.core import menu
        from teachnet.learning import records

        from .permissions import HomeworkPerm, register
        from .records import homework_section

        register()
        records.register("homework", homework_section)
        # Experts and tutors (by role: the grants are already asked for the menu, so no query); learners
        # reach their homework through the same entry when the menu offers them their study (nav.learn).
        menu.entry("homework", lambda user: has_any(actor=user, perm=HomeworkPerm.SET))
