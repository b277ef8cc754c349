"""Training projects (TRN-1). The foundation holds only the project record, because roles can be scoped
to one; the training issue adds subjects, quotas, phases, providers and classes."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from teachnet.core.models import TimeStampedModel
from teachnet.orgs.models import Organization, Region


class Project(TimeStampedModel):
    """培训项目, e.g. 国培计划(2011)——义务教育骨干教师远程培训项目."""

    name = models.CharField(_("项目名称"), max_length=200, unique=True)
    short_name = models.CharField(_("简称"), max_length=60, blank=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    target_headcount = models.PositiveIntegerField(_("计划培训人数"), default=0)
    office = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="projects_run", verbose_name=_("项目办")
    )
    provinces = models.ManyToManyField(
        Region,
        related_name="projects",
        blank=True,
        limit_choices_to={"level": Region.Level.PROVINCE},
        verbose_name=_("参与省份"),
    )
    providers = models.ManyToManyField(
        Organization, related_name="projects_provided", blank=True, verbose_name=_("培训任务承担单位")
    )

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = _("培训项目")
        verbose_name_plural = _("培训项目")

    def __str__(self) -> str:
        return self.short_name or self.name
