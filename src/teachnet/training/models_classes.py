"""Training classes and user adjustments (TRN-6, TRN-7).

TRN-6: learners are put into classes per subject and city, about 100 each (GP 五.2.(2): 分学科、按地市组建培训
班级，每班100人左右，人数不足，可跨地市组班), each class with a tutor from the province's backbone trainers.
TRN-7: until the accounts phase ends (GP 六.3: 3月22日前完成用户调整) a city lead may replace or withdraw a
learner; after it, only the provincial lead, with a reason. Every move and every adjustment is an event row.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from teachnet.core.models import TimeStampedModel
from teachnet.orgs.models import Region

__all__ = ["Adjustment", "ClassMembership", "ClassMove", "TrainingClass"]


class TrainingClass(TimeStampedModel):
    """培训班级: about 100 learners of one subject, from one city or a few small ones of one province."""

    project = models.ForeignKey(
        "training.Project", on_delete=models.CASCADE, related_name="classes", verbose_name=_("项目")
    )
    subject = models.ForeignKey(
        "training.Subject", on_delete=models.PROTECT, related_name="classes", verbose_name=_("学科")
    )
    province = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("省份"))
    # The cities whose learners sit in the class: a city lead's scope reaches the class through them.
    cities = models.ManyToManyField(Region, related_name="+", blank=True, verbose_name=_("地市"))
    name = models.CharField(_("班级名称"), max_length=120)
    tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="classes_tutored",
        verbose_name=_("辅导教师"),
    )
    capacity = models.PositiveIntegerField(_("容量"), default=100)

    class Meta:
        ordering = ["project_id", "subject_id", "province_id", "id"]
        verbose_name = _("培训班级")
        verbose_name_plural = _("培训班级")
        constraints = [
            models.UniqueConstraint(fields=["project", "subject", "name"], name="class_name_once"),
        ]

    def __str__(self) -> str:
        return self.name


class ClassMembership(TimeStampedModel):
    """A learner's place in a class."""

    training_class = models.ForeignKey(
        TrainingClass, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("班级")
    )
    enrollment = models.ForeignKey(
        "training.Enrollment", on_delete=models.CASCADE, related_name="+", verbose_name=_("参训记录")
    )

    class Meta:
        ordering = ["training_class_id", "id"]
        verbose_name = _("班级成员")
        verbose_name_plural = _("班级成员")
        constraints = [
            # An enrollment belongs to one project, so this is "a learner is in one class of the project",
            # whichever path (a build, a move, a replacement) placed them.
            models.UniqueConstraint(fields=["enrollment"], name="learner_in_one_class"),
        ]

    def __str__(self) -> str:
        return f"{self.training_class} · {self.enrollment_id}"


class ClassMove(models.Model):
    """A learner moved by hand from one class to another: who, when, from, to, why."""

    membership = models.ForeignKey(ClassMembership, on_delete=models.CASCADE, related_name="moves")
    from_class = models.ForeignKey(TrainingClass, on_delete=models.CASCADE, related_name="+")
    to_class = models.ForeignKey(TrainingClass, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.CharField(_("原因"), max_length=200)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("调班记录")
        verbose_name_plural = _("调班记录")

    def __str__(self) -> str:
        return f"{self.from_class} → {self.to_class}"


class Adjustment(models.Model):
    """用户调整 (TRN-7): a learner replaced by another person, or withdrawn."""

    class Kind(models.TextChoices):
        REPLACE = "replace", _("替换")
        WITHDRAW = "withdraw", _("退出培训")

    project = models.ForeignKey("training.Project", on_delete=models.CASCADE, related_name="adjustments")
    kind = models.CharField(_("调整类型"), max_length=10, choices=Kind.choices)
    old_enrollment = models.ForeignKey("training.Enrollment", on_delete=models.CASCADE, related_name="+")
    new_enrollment = models.ForeignKey(
        "training.Enrollment", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    training_class = models.ForeignKey(
        TrainingClass, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    late = models.BooleanField(_("截止后调整"), default=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("用户调整")
        verbose_name_plural = _("用户调整")
        constraints = [
            # A replacement names who came in; a withdrawal names nobody.
            models.CheckConstraint(
                condition=(models.Q(kind="replace") & models.Q(new_enrollment__isnull=False))
                | (models.Q(kind="withdraw") & models.Q(new_enrollment__isnull=True)),
                name="adjustment_replacement_named",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.old_enrollment_id}"
