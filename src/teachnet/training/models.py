"""Training projects (TRN-1). The foundation holds only the project record, because roles can be scoped
to one; the training issue adds subjects, quotas, phases, providers and classes."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from teachnet.core.models import TimeStampedModel
from teachnet.orgs.models import Organization, Region

from .catalog import SubjectSpec


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


class Subject(models.Model):
    """A training subject of a project, by school stage (学段) and subject (学科): 初中数学."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="subjects", verbose_name=_("项目")
    )
    stage = models.CharField(_("学段"), max_length=10)
    name = models.CharField(_("学科"), max_length=20)

    class Meta:
        ordering = ["project_id", "-stage", "id"]
        verbose_name = _("培训学科")
        verbose_name_plural = _("培训学科")
        constraints = [
            models.UniqueConstraint(fields=["project", "stage", "name"], name="subject_unique_in_project")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"{self.stage}{self.name}"

    @property
    def spec(self) -> SubjectSpec:
        return SubjectSpec(self.stage, self.name)


class Quota(models.Model):
    """Places (名额) for one subject in one province or city (REP-8): the reporting check counts rows
    against it."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="quotas", verbose_name=_("项目")
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("地区"))
    subject = models.ForeignKey(
        Subject, on_delete=models.CASCADE, related_name="quotas", verbose_name=_("学科")
    )
    places = models.PositiveIntegerField(_("名额"))

    class Meta:
        verbose_name = _("名额")
        verbose_name_plural = _("名额")
        constraints = [
            models.UniqueConstraint(fields=["project", "region", "subject"], name="quota_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.region.name} · {self.subject} · {self.places}"


class Enrollment(TimeStampedModel):
    """A person taking part in a project subject: a learner (参训学员) or a trainer-to-be (骨干培训者,
    the class tutors), created when the reported table is approved (REP-4, TRN-6)."""

    class Role(models.TextChoices):
        LEARNER = "learner", _("参训学员")
        TRAINER = "trainer", _("骨干培训者")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="enrollments")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="enrollments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments")
    role = models.CharField(_("身份"), max_length=10, choices=Role.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("地市"))
    source = models.CharField(_("来源"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("参训记录")
        verbose_name_plural = _("参训记录")
        constraints = [
            # Approving the same table twice (or a re-approval after a reopen) never enrolls a person twice.
            models.UniqueConstraint(fields=["project", "user", "role"], name="enrollment_once_per_project"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.subject}"
