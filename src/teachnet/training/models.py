"""Training projects (TRN-1 … TRN-3): the project record (roles can be scoped to one), its subjects,
quotas and enrollments, its dated phases, the providers' subjects and their expert teams."""

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

    # No index of its own: the unique (project, user, role) below starts with it (decision 0006).
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="enrollments", db_index=False)
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="enrollments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments")
    role = models.CharField(_("身份"), max_length=10, choices=Role.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("地市"))
    source = models.CharField(_("来源"), max_length=40, blank=True)
    # Set when the learner is replaced or withdrawn (TRN-7): the row stays, for the record.
    withdrawn_at = models.DateTimeField(_("退出时间"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("退出原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("参训记录")
        verbose_name_plural = _("参训记录")
        constraints = [
            # Approving the same table twice (or a re-approval after a reopen) never enrolls a person twice.
            models.UniqueConstraint(fields=["project", "user", "role"], name="enrollment_once_per_project"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.subject}"


class Phase(models.Model):
    """A dated phase of a project (GP 六、培训时间安排): 报送信息, 课程资源审核, 下发账号, 骨干培训者集中培训,
    远程培训, 培训总结."""

    class Kind(models.TextChoices):
        REPORTING = "reporting", _("信息报送")
        RESOURCE_REVIEW = "resource_review", _("课程资源审核")
        ACCOUNTS = "accounts", _("下发账号与用户调整")
        TRAINER_TRAINING = "trainer_training", _("骨干培训者集中培训")
        REMOTE_TRAINING = "remote_training", _("远程培训")
        SUMMARY = "summary", _("培训总结")

    class State(models.TextChoices):
        UPCOMING = "upcoming", _("未开始")
        CURRENT = "current", _("进行中")
        DONE = "done", _("已结束")

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="phases", verbose_name=_("项目")
    )
    kind = models.CharField(_("阶段"), max_length=20, choices=Kind.choices)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))

    class Meta:
        verbose_name = _("项目阶段")
        verbose_name_plural = _("项目阶段")
        constraints = [
            models.UniqueConstraint(fields=["project", "kind"], name="phase_once_per_project"),
            # The order between phases is the service's to check (it needs the other rows); a phase that
            # ends before it starts is wrong whatever wrote it.
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="phase_dates"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_on}–{self.ends_on}"

    def state_on(self, day) -> str:
        if day < self.starts_on:
            return self.State.UPCOMING
        if day > self.ends_on:
            return self.State.DONE
        return self.State.CURRENT


class ProviderSubject(TimeStampedModel):
    """A subject a provider (培训任务承担单位) takes in a project (TRN-2): 北京师范大学 · 初中体育. Its expert
    team (TRN-3) is submitted on it."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="provider_subjects", verbose_name=_("项目")
    )
    provider = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="provider_subjects", verbose_name=_("承担单位")
    )
    subject = models.ForeignKey(
        Subject, on_delete=models.CASCADE, related_name="provider_subjects", verbose_name=_("学科")
    )
    submitted_at = models.DateTimeField(_("专家团队提交时间"), null=True, blank=True)

    class Meta:
        ordering = ["project_id", "subject_id", "provider_id"]
        verbose_name = _("承担学科")
        verbose_name_plural = _("承担学科")
        constraints = [
            models.UniqueConstraint(fields=["project", "subject", "provider"], name="provider_subject_once"),
        ]

    def __str__(self) -> str:
        return f"{self.provider.name} · {self.subject}"


class ExpertTeamMember(TimeStampedModel):
    """A member of a provider's subject expert team (学科专家团队, TRN-3)."""

    class Role(models.TextChoices):
        CHIEF_EXPERT = "chief_expert", _("首席专家")
        EXPERT = "expert", _("学科专家")
        FRONTLINE_TEACHER = "frontline_teacher", _("一线优秀教师")
        TEACHING_RESEARCHER = "teaching_researcher", _("教研员")

    FRONTLINE_ROLES = (Role.FRONTLINE_TEACHER, Role.TEACHING_RESEARCHER)

    provider_subject = models.ForeignKey(
        ProviderSubject, on_delete=models.CASCADE, related_name="members", verbose_name=_("承担学科")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="expert_team_memberships",
        verbose_name=_("账号"),
    )
    name = models.CharField(_("姓名"), max_length=60)
    role = models.CharField(_("团队角色"), max_length=20, choices=Role.choices)
    organization = models.CharField(_("工作单位"), max_length=120, blank=True)
    title = models.CharField(_("职称/职务"), max_length=60, blank=True)

    class Meta:
        ordering = ["provider_subject_id", "role", "id"]
        verbose_name = _("专家团队成员")
        verbose_name_plural = _("专家团队成员")
        constraints = [
            # A person counts once in the composition check, whichever path added them.
            models.UniqueConstraint(
                fields=["provider_subject", "user"],
                condition=models.Q(user__isnull=False),
                name="team_member_account_once",
            ),
            models.UniqueConstraint(
                fields=["provider_subject", "name"],
                condition=models.Q(user__isnull=True),
                name="team_member_name_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.get_role_display()}"

    @property
    def is_frontline(self) -> bool:
        return self.role in self.FRONTLINE_ROLES


from .models_classes import *  # noqa: E402,F401,F403
from .models_sessions import *  # noqa: E402,F401,F403
