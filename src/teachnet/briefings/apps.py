from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BriefingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "teachnet.briefings"
    verbose_name = _("简报")

    def ready(self) -> None:
        from teachnet.core import menu, rules

        from . import figures, selectors
        from .permissions import register
        from .rules import CLASS_RULE, EXPERT_RULE, PROVINCIAL_RULE
        from .study_figures import study_table

        register()
        rules.register(EXPERT_RULE, selectors.measure("expert"))
        rules.register(CLASS_RULE, selectors.measure("class"))
        rules.register(PROVINCIAL_RULE, selectors.measure("provincial"))
        # Learning sits below briefings, so its figures are registered here; apps beside briefings
        # (homework …) register theirs from their own ready (see figures.py).
        figures.register("learning.study", _("学习情况（学时）"), study_table)
        menu.entry("briefings", selectors.menu_question)
