"""Expert duty (ACT-3, GP 四.2(2)): who of a provider's expert teams is on duty (值班) on which day, and the
questions tutors forward to the expert team (疑难问题) as the on-duty experts claim and answer them.

The duty app knows nothing of where a question came from: the forwarding app hands it a title, a body, the
asker and a link back (origin_url, origin_key), and hears of the answer through the callbacks registered
with services.on_answered.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from teachnet.core.models import TimeStampedModel


class DutyShift(TimeStampedModel):
    """值班安排: one expert on duty for a provider (培训任务承担单位) on one day of a project."""

    project = models.ForeignKey(
        "training.Project", on_delete=models.CASCADE, related_name="+", verbose_name=_("项目")
    )
    provider = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="+", verbose_name=_("承担单位")
    )
    day = models.DateField(_("值班日期"))
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="duty_shifts", verbose_name=_("专家")
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["project_id", "provider_id", "day", "id"]
        verbose_name = _("值班安排")
        verbose_name_plural = _("值班安排")
        constraints = [
            # An expert counts once a day towards the minimum, whichever path put them on the roster.
            models.UniqueConstraint(fields=["project", "provider", "day", "expert"], name="duty_shift_once"),
        ]
        indexes = [models.Index(fields=["project", "provider", "day"], name="duty_shift_day")]

    def __str__(self) -> str:
        return f"{self.day} · {self.expert_id}"


class Question(TimeStampedModel):
    """A question forwarded to a subject's expert team (归纳学员疑难问题并反馈给学科专家团队, GP 四.2(2)),
    waiting in the provider's on-duty queue until an expert claims and answers it."""

    class State(models.TextChoices):
        WAITING = "waiting", _("待认领")
        CLAIMED = "claimed", _("已认领")
        ANSWERED = "answered", _("已答复")

    project = models.ForeignKey(
        "training.Project", on_delete=models.CASCADE, related_name="+", verbose_name=_("项目")
    )
    provider_subject = models.ForeignKey(
        "training.ProviderSubject",
        on_delete=models.CASCADE,
        related_name="duty_questions",
        verbose_name=_("承担学科"),
    )
    title = models.CharField(_("问题"), max_length=200)
    body = models.TextField(_("问题内容"))  # sanitized HTML (core.richtext)
    note = models.CharField(_("转交说明"), max_length=500, blank=True)
    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("提问人"),
    )
    forwarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("转交人"),
    )
    forwarded_at = models.DateTimeField(_("转交时间"), db_index=True)
    origin_label = models.CharField(_("来源"), max_length=200, blank=True)
    origin_url = models.CharField(_("来源链接"), max_length=300, blank=True)
    # What the forwarding app knows it by ("discussions.post:42"): one question per origin.
    origin_key = models.CharField(max_length=100, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.WAITING)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("认领专家"),
    )
    claimed_at = models.DateTimeField(_("认领时间"), null=True, blank=True)
    # Whether the claimer was on the day's roster when they claimed: response times are kept for both.
    claimed_on_duty = models.BooleanField(_("值班中认领"), default=False)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("答复专家"),
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answer = models.TextField(_("答复"), blank=True)  # sanitized HTML

    class Meta:
        ordering = ["forwarded_at", "id"]
        verbose_name = _("转交的问题")
        verbose_name_plural = _("转交的问题")
        constraints = [
            models.UniqueConstraint(
                fields=["origin_key"], condition=~models.Q(origin_key=""), name="duty_question_origin_once"
            ),
            # The state and its fields agree whatever wrote the row: a claimed question names its expert
            # and time, an answered one its answer.
            models.CheckConstraint(
                condition=models.Q(state="waiting", claimed_by__isnull=True, answered_at__isnull=True)
                | models.Q(state="claimed", claimed_at__isnull=False, answered_at__isnull=True)
                | (models.Q(state="answered", answered_at__isnull=False) & ~models.Q(answer="")),
                name="duty_question_state_fields",
            ),
        ]
        indexes = [models.Index(fields=["provider_subject", "state"], name="duty_question_queue")]

    def __str__(self) -> str:
        return self.title

    @property
    def seconds_to_claim(self) -> float | None:
        return (self.claimed_at - self.forwarded_at).total_seconds() if self.claimed_at else None

    @property
    def seconds_to_answer(self) -> float | None:
        return (self.answered_at - self.forwarded_at).total_seconds() if self.answered_at else None


class QuestionEvent(models.Model):
    """What happened to a forwarded question, who did it and when: forwarded, claimed, released, answered."""

    class Kind(models.TextChoices):
        FORWARDED = "forwarded", _("转交")
        CLAIMED = "claimed", _("认领")
        RELEASED = "released", _("放回队列")
        ANSWERED = "answered", _("答复")

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("动作"), max_length=10, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    note = models.CharField(_("说明"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("问题记录")
        verbose_name_plural = _("问题记录")

    def __str__(self) -> str:
        return f"{self.question_id} {self.kind}"
