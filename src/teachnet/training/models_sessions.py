"""Backbone trainers' training (骨干培训者培训, TRN-5): the sessions a provider holds for one of its
subjects and who attended each.

GP 三: 30 学时 of concentrated training (集中培训), within it at least 3 学时 of hands-on platform drill
(网上操作演练), and after it, before the remote training starts, at least one remote rehearsal (远程演练).
The services check the dates against the project's phases and add up the hours; these tables only record.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from teachnet.core.models import TimeStampedModel

from .models import Enrollment, ProviderSubject

__all__ = ["SessionAttendance", "TrainerSession"]


class TrainerSession(TimeStampedModel):
    """骨干培训者培训的一次活动: a block of concentrated training, a platform drill or a remote rehearsal."""

    class Kind(models.TextChoices):
        CONCENTRATED = "concentrated", _("集中培训")
        DRILL = "drill", _("网上操作演练")
        REHEARSAL = "rehearsal", _("远程演练")

    provider_subject = models.ForeignKey(
        ProviderSubject, on_delete=models.CASCADE, related_name="trainer_sessions", verbose_name=_("承担学科")
    )
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("主题"), max_length=200)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1)
    place = models.CharField(_("地点/链接"), max_length=300, blank=True)

    class Meta:
        ordering = ["provider_subject_id", "starts_at", "id"]
        verbose_name = _("骨干培训者培训活动")
        verbose_name_plural = _("骨干培训者培训活动")
        constraints = [
            # The hours are what the 30-hour and 3-hour requirements add up; a session that ends before it
            # starts, or counts for nothing, is wrong whatever path wrote it.
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="trainer_session_times"
            ),
            models.CheckConstraint(condition=models.Q(hours__gt=0), name="trainer_session_hours_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.title}"


class SessionAttendance(models.Model):
    """One trainer's attendance (出勤) at one session; once the sheet is saved, absent trainers have a row
    too."""

    session = models.ForeignKey(
        TrainerSession, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("培训活动")
    )
    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="session_attendance", verbose_name=_("骨干培训者")
    )
    present = models.BooleanField(_("出勤"), default=False)
    recorded_at = models.DateTimeField(_("记录时间"), auto_now=True)

    class Meta:
        ordering = ["session_id", "enrollment_id"]
        verbose_name = _("出勤记录")
        verbose_name_plural = _("出勤记录")
        constraints = [
            # A trainer's hours are counted once per session, whichever path saved the sheet.
            models.UniqueConstraint(fields=["session", "enrollment"], name="attendance_once_per_session"),
        ]

    def __str__(self) -> str:
        return f"{self.session} · {self.enrollment.user} · {'✓' if self.present else '✗'}"
