from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "teachnet.training"
    label = "training"
    verbose_name = _("培训项目")

    def ready(self) -> None:
        from teachnet.core import freshness

        from .models import Enrollment, Phase, Project, ProviderSubject, Subject
        from .models_classes import ClassMembership, TrainingClass
        from .permissions import register

        register()

        # What the learners' kept pages (core.pagecache) and the menu are built from.
        freshness.watch(Enrollment, Phase, Project, ProviderSubject, Subject, ClassMembership, TrainingClass)
