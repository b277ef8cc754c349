"""Expert Q&A sessions (专家辅导答疑, ACT-5, GP 四.2(4)): scheduled per provider subject, hosted by members of
its expert team, held in a live text room where learners ask and upvote and hosts answer; attendance is the
learner's time present in the room, and the transcript stays readable once the session is archived."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from teachnet.core.models import TimeStampedModel
from teachnet.training.models import ExpertTeamMember, ProviderSubject

BODY_MAX = 2000  # a question or an answer: a chat room, not an essay (the board takes long posts)


class QaSession(TimeStampedModel):
    """专家辅导答疑: one session of a provider's subject, from its start to its (planned or actual) end."""

    provider_subject = models.ForeignKey(
        ProviderSubject, on_delete=models.PROTECT, related_name="qa_sessions", verbose_name=_("承担学科")
    )
    title = models.CharField(_("主题"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    starts_at = models.DateTimeField(_("开始时间"), db_index=True)
    ends_at = models.DateTimeField(_("计划结束时间"))
    video_url = models.URLField(_("视频直播地址"), blank=True, max_length=500)
    hosts = models.ManyToManyField(
        ExpertTeamMember, related_name="qa_sessions_hosted", verbose_name=_("主持专家")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Set when a host ends the session (or the archive step closes one past its planned end).
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    archived_at = models.DateTimeField(_("归档时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    notified_at = models.DateTimeField(_("开始提醒发送时间"), null=True, blank=True)
    # The room's last revision: every change to a message of the room takes the next number, under this
    # row's lock, so a viewer asking for "everything after N" never misses one.
    seq = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("专家辅导答疑")
        verbose_name_plural = _("专家辅导答疑")
        constraints = [
            # Whatever wrote it, a session ends after it starts.
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="qa_session_dates"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def end_bound(self):
        """When the session ends: as ended by a host, else as planned."""
        return self.ended_at or self.ends_at


class QaMessage(models.Model):
    """A question asked in the room, or a host's answer to one."""

    class Kind(models.TextChoices):
        QUESTION = "question", _("提问")
        ANSWER = "answer", _("解答")

    session = models.ForeignKey(QaSession, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    question = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="answers",
        verbose_name=_("问题"),
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Kept as posted: the transcript reads as the room did, whatever later happens to the account.
    author_name = models.CharField(_("发言人"), max_length=60)
    by_host = models.BooleanField(_("主持专家发言"), default=False)
    body = models.TextField(_("内容"), max_length=BODY_MAX)
    created_at = models.DateTimeField(_("时间"))
    rev = models.PositiveBigIntegerField(_("修订号"))
    votes = models.PositiveIntegerField(_("赞同数"), default=0)
    answered_at = models.DateTimeField(_("标记已解答时间"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    moved_at = models.DateTimeField(_("转入学科讨论区时间"), null=True, blank=True)
    moved_url = models.CharField(_("讨论区帖子"), max_length=300, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("答疑发言")
        verbose_name_plural = _("答疑发言")
        constraints = [
            # One revision number for one change: the room's feed reads "rev > N" and must see each once.
            models.UniqueConstraint(fields=["session", "rev"], name="qa_message_rev_once"),
            models.CheckConstraint(
                condition=models.Q(kind="question", question__isnull=True)
                | models.Q(kind="answer", question__isnull=False),
                name="qa_answer_has_question",
            ),
        ]

    def __str__(self) -> str:
        return self.body[:40]


class QaVote(models.Model):
    """One person's upvote of a question: at most one each, whatever path wrote it."""

    message = models.ForeignKey(QaMessage, on_delete=models.CASCADE, related_name="vote_rows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("赞同")
        verbose_name_plural = _("赞同")
        constraints = [models.UniqueConstraint(fields=["message", "user"], name="qa_vote_once")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.message_id}"


class QaAttendance(models.Model):
    """One person's time in one session's room (出勤): the merged intervals of their presence, capped to the
    session, added up."""

    session = models.ForeignKey(QaSession, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="qa_attendance")
    seconds = models.PositiveIntegerField(_("在线时长（秒）"), default=0)
    first_seen_at = models.DateTimeField(_("首次进入"))
    last_seen_at = models.DateTimeField(_("最后在线"))

    class Meta:
        verbose_name = _("答疑出勤")
        verbose_name_plural = _("答疑出勤")
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="qa_attendance_once")]

    def __str__(self) -> str:
        return f"{self.user} · {self.session}"


class QaPresence(models.Model):
    """A stretch of continuous presence in the room (pings no further apart than the gap allows)."""

    attendance = models.ForeignKey(QaAttendance, on_delete=models.CASCADE, related_name="intervals")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField()

    class Meta:
        ordering = ["started_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_at__gte=models.F("started_at")), name="qa_presence_dates"
            )
        ]

    def __str__(self) -> str:
        return f"{self.started_at:%H:%M:%S}–{self.ended_at:%H:%M:%S}"


class QaEvent(models.Model):
    """Something about a session someone may later ask about: scheduled, changed, cancelled, ended, archived,
    learners notified, a question moved to the board."""

    class Verb(models.TextChoices):
        SCHEDULED = "scheduled", _("安排")
        CHANGED = "changed", _("修改")
        CANCELLED = "cancelled", _("取消")
        ENDED = "ended", _("结束")
        ARCHIVED = "archived", _("归档")
        NOTIFIED = "notified", _("发送开始提醒")
        MOVED = "moved", _("转入讨论区")

    session = models.ForeignKey(QaSession, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verb = models.CharField(_("动作"), max_length=12, choices=Verb.choices)
    data = models.JSONField(_("详情"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("答疑记录事件")
        verbose_name_plural = _("答疑记录事件")

    def __str__(self) -> str:
        return f"{self.get_verb_display()} · {self.session_id}"
