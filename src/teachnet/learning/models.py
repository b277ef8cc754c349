"""Learning and study-time accounting (LRN-1 … LRN-5).

The server is the only authority on time. A study session is started by the page and then credited heartbeat
by heartbeat from the server's clock; every credited (or refused) stretch of time is a row of the ledger, with
its reason, and the per learner/resource/day totals are kept by the database itself from those rows (a
trigger, see migrations), so they cannot drift from the ledger whatever writes it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from teachnet.core.models import TimeStampedModel
from teachnet.courses.models import Course, Resource
from teachnet.training.models import Project, TrainingClass


class StudyPolicy(models.Model):
    """How a project counts study time. Every figure is configurable per project; the defaults follow GP
    (50 学时 of remote training) and common practice (45 minutes to the 学时)."""

    class SecondDevice(models.TextChoices):
        TAKEOVER = "takeover", _("新设备接管，旧设备停止计时")
        REFUSE = "refuse", _("拒绝新设备，直到旧设备结束")

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="study_policy")
    heartbeat_seconds = models.PositiveSmallIntegerField(_("心跳间隔（秒）"), default=30)
    grace_seconds = models.PositiveSmallIntegerField(_("心跳宽限（秒）"), default=5)
    idle_end_seconds = models.PositiveSmallIntegerField(_("无心跳多久结束学习（秒）"), default=120)
    activity_seconds = models.PositiveSmallIntegerField(_("多久无操作视为离开（秒）"), default=120)
    daily_cap_minutes = models.PositiveSmallIntegerField(_("每日计时上限（分钟）"), default=360)
    minutes_per_unit = models.PositiveSmallIntegerField(_("每学时分钟数"), default=45)
    required_units = models.PositiveSmallIntegerField(_("应修学时"), default=50)
    check_min_minutes = models.PositiveSmallIntegerField(
        _("随机问题最短间隔（分钟，0 为不弹出）"), default=10
    )
    check_max_minutes = models.PositiveSmallIntegerField(_("随机问题最长间隔（分钟）"), default=20)
    check_answer_seconds = models.PositiveSmallIntegerField(_("回答随机问题的时限（秒）"), default=120)
    max_playback_rate = models.DecimalField(_("最高播放倍速"), max_digits=3, decimal_places=2, default=1.5)
    second_device = models.CharField(
        _("另一设备开始学习时"), max_length=10, choices=SecondDevice.choices, default=SecondDevice.TAKEOVER
    )

    class Meta:
        verbose_name = _("学时规则")
        verbose_name_plural = _("学时规则")
        constraints = [
            models.CheckConstraint(condition=Q(heartbeat_seconds__gte=1), name="policy_heartbeat_positive"),
            models.CheckConstraint(
                condition=Q(idle_end_seconds__gt=models.F("heartbeat_seconds")), name="policy_idle_after_beat"
            ),
            models.CheckConstraint(
                condition=Q(check_max_minutes__gte=models.F("check_min_minutes")), name="policy_check_range"
            ),
            models.CheckConstraint(condition=Q(minutes_per_unit__gte=1), name="policy_unit_positive"),
        ]

    def __str__(self) -> str:
        return str(self.project)


class Question(models.Model):
    """A presence-check question of a project's bank (LRN-2); without any, arithmetic is asked."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="presence_questions")
    prompt = models.CharField(_("问题"), max_length=200)
    answer = models.CharField(_("答案"), max_length=60)

    class Meta:
        verbose_name = _("随机问题")
        verbose_name_plural = _("随机问题")

    def __str__(self) -> str:
        return self.prompt


class EndReason(models.TextChoices):
    CLOSED = "closed", _("学员结束学习")
    IDLE = "idle", _("长时间无心跳（离开或网络中断）")
    NO_ANSWER = "no_answer", _("未回答随机问题")
    TAKEOVER = "takeover", _("另一设备开始学习")
    WRONG_ANSWERS = "wrong_answers", _("随机问题多次答错")


class StudySession(models.Model):
    """One stretch of study of one resource on one page. Only its token's holder can credit it, in order."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="study_sessions"
    )
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="+")
    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="study_sessions")
    token_hash = models.CharField(max_length=64, unique=True)
    seq = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField()
    last_beat_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=16, choices=EndReason.choices, blank=True)
    credited_seconds = models.PositiveIntegerField(default=0)
    # Seconds claimed by accepted heartbeats (credited or held back by a cap): never more than the session's
    # wall-clock age, so no cadence of heartbeats earns more than the time that passed.
    claimed_seconds = models.PositiveIntegerField(default=0)
    # The policy's figures, copied when the session starts.
    beat_seconds = models.PositiveSmallIntegerField(default=30)
    grace_seconds = models.PositiveSmallIntegerField(default=5)
    idle_seconds = models.PositiveSmallIntegerField(default=120)
    check_deadline = models.DateTimeField(null=True, blank=True)  # an unanswered question is open
    next_check_at = models.DateTimeField(null=True, blank=True)
    # What the session may still credit, fixed when it starts (only this session credits the learner
    # meanwhile: one active session per learner), so a heartbeat needs no sums.
    resource_room = models.PositiveIntegerField(default=0)  # seconds left of the resource's credit
    day = models.DateField()
    day_room = models.PositiveIntegerField(default=0)  # seconds left of the daily cap on `day`
    open_interval = models.ForeignKey(
        "CreditInterval", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    device = models.CharField(max_length=120, blank=True)

    class Meta:
        verbose_name = _("学习会话")
        verbose_name_plural = _("学习会话")
        constraints = [
            models.UniqueConstraint(
                fields=["learner"], condition=Q(ended_at__isnull=True), name="one_active_session_per_learner"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.learner_id} · {self.resource_id} · {self.started_at:%Y-%m-%d %H:%M}"


class PresenceCheck(models.Model):
    """A question put to a session (LRN-2); the clock stands still until it is answered."""

    class Outcome(models.TextChoices):
        OPEN = "", _("待回答")
        ANSWERED = "answered", _("已回答")
        EXPIRED = "expired", _("超时未答")
        FAILED = "failed", _("多次答错")

    session = models.ForeignKey(StudySession, on_delete=models.CASCADE, related_name="checks")
    prompt = models.CharField(max_length=200)
    answer = models.CharField(max_length=60)
    issued_at = models.DateTimeField()
    deadline = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)

    class Meta:
        verbose_name = _("随机问题记录")
        verbose_name_plural = _("随机问题记录")
        constraints = [
            models.UniqueConstraint(
                fields=["session"], condition=Q(outcome=""), name="one_open_check_per_session"
            ),
        ]

    def __str__(self) -> str:
        return self.prompt


class Reason(models.TextChoices):
    CREDITED = "credited", _("计入学时")
    IDLE = "idle", _("离开或无操作")
    AWAITING_CHECK = "awaiting_check", _("等待回答随机问题")
    NO_ANSWER = "no_answer", _("未回答随机问题")
    DAILY_CAP = "daily_cap", _("已达每日上限")
    RESOURCE_CAP = "resource_cap", _("已达该资源学时上限")
    TAKEOVER = "takeover", _("另一设备接管")
    SKIPPED = "skipped", _("视频向前跳过")


class CreditInterval(models.Model):
    """The ledger (LRN-1): a stretch of a session's time with what was credited of it and why the rest was
    not. Consecutive credited heartbeats extend one row."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="credit_intervals"
    )
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(StudySession, on_delete=models.CASCADE, related_name="intervals")
    day = models.DateField()
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField()
    seconds = models.PositiveIntegerField(default=0)
    uncredited_seconds = models.PositiveIntegerField(default=0)
    reason = models.CharField(max_length=16, choices=Reason.choices)

    class Meta:
        ordering = ["started_at", "id"]
        verbose_name = _("学时记录")
        verbose_name_plural = _("学时记录")
        indexes = [models.Index(fields=["learner", "started_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(ended_at__gte=models.F("started_at")), name="interval_order"),
            models.CheckConstraint(
                condition=Q(reason="credited") | Q(seconds=0), name="interval_only_credited_counts"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} {self.seconds}s"


class StudyTotal(models.Model):
    """Credited seconds per learner, resource and day: maintained by a database trigger on the ledger."""

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    seconds = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("学时日合计")
        verbose_name_plural = _("学时日合计")
        constraints = [
            models.UniqueConstraint(fields=["learner", "resource", "day"], name="study_total_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.seconds}s"


class VideoProgress(models.Model):
    """Which parts of a video a learner watched (merged segments, in seconds), not where the playhead is."""

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="+")
    segments = models.JSONField(default=list)
    watched_seconds = models.FloatField(default=0)
    furthest_seconds = models.FloatField(default=0)
    completed = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["learner", "resource"], name="video_progress_unique")]

    def __str__(self) -> str:
        return f"{self.watched_seconds:.0f}s"


class Plan(TimeStampedModel):
    """Organized learning (LRN-4): required resources with deadlines, assigned to a class."""

    training_class = models.ForeignKey(
        TrainingClass, on_delete=models.CASCADE, related_name="plans", verbose_name=_("班级")
    )
    title = models.CharField(_("学习计划"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("学习计划")
        verbose_name_plural = _("学习计划")

    def __str__(self) -> str:
        return self.title


class PlanItem(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="items")
    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="+", verbose_name=_("资源"))
    due_on = models.DateField(_("完成期限"))

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "resource"], name="plan_item_once")]

    def __str__(self) -> str:
        return f"{self.resource_id} · {self.due_on}"


class SelfPick(models.Model):
    """Self-directed learning (LRN-4): a resource the learner chose from the catalog."""

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="+")
    picked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["learner", "resource"], name="self_pick_once")]

    def __str__(self) -> str:
        return f"{self.learner_id} · {self.resource_id}"


class JournalEntry(TimeStampedModel):
    """A learning reflection (学习反思, 研修日志, LRN-5): the learner's, read by their tutor."""

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="journal")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    resource = models.ForeignKey(
        Resource,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("相关资源"),
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("研修日志")
        verbose_name_plural = _("研修日志")

    def __str__(self) -> str:
        return self.title
