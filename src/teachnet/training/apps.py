from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "teachnet.training"
    label = "training"
    verbose_name = _("培训项目")

    def ready(self) -> None:
        from teachnet.accounts.permissions import has_any
        from teachnet.accounts.roles import Perm
        from teachnet.core import freshness, menu

        from .models import Enrollment, Phase, Project, ProviderSubject, Subject
        from .models_classes import ClassMembership, TrainingClass
        from .permissions import register

        register()

        # What the learners' kept pages (core.pagecache) and the menu are built from.
        freshness.watch(Enrollment, Phase, Project, ProviderSubject, Subject, ClassMembership, TrainingClass)
        # The project overview or a provider's workspace; a tutor's own classes (a relation to the person,
        # not a scoped permission).
        menu.entry(
            "training",
            lambda user: (
                has_any(actor=user, perm=Perm.PROJECT_OVERVIEW) or has_any(actor=user, perm=Perm.TEAM_VIEW)
            ),
        )
        menu.entry("my_classes", lambda user: TrainingClass.objects.filter(tutor=user).exists())
