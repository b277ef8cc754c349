"""Class and subject discussions (ACT-1, ACT-2) and offline seminars (线下研讨).

A board per class (班级讨论区) and per subject of a project (学科讨论区); threads of posts, a reply may quote
an earlier post, images are attachments checked by content. Tutors moderate their class's board, the subject's
experts the subject's boards: pin, lock, hide with a reason, each an event row. A tutor forwards a hard
question to the expert team (duty), and the answer comes back into the thread as the team's answer.
Offline seminars of a class keep their date, place, organizer, attendees, minutes and photos.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from teachnet.core.models import TimeStampedModel


class Board(TimeStampedModel):
    """讨论区: a class's or a subject's."""

    class Kind(models.TextChoices):
        CLASS = "class", _("班级讨论区")
        SUBJECT = "subject", _("学科讨论区")

    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    project = models.ForeignKey(
        "training.Project", on_delete=models.CASCADE, related_name="+", verbose_name=_("项目")
    )
    subject = models.ForeignKey(
        "training.Subject", on_delete=models.CASCADE, related_name="boards", verbose_name=_("学科")
    )
    training_class = models.ForeignKey(
        "training.TrainingClass",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="boards",
        verbose_name=_("班级"),
    )

    class Meta:
        ordering = ["project_id", "subject_id", "kind", "id"]
        verbose_name = _("讨论区")
        verbose_name_plural = _("讨论区")
        constraints = [
            # One board per class and one per subject, however many pages opened them at once.
            models.UniqueConstraint(
                fields=["training_class"], condition=models.Q(kind="class"), name="board_once_per_class"
            ),
            models.UniqueConstraint(
                fields=["project", "subject"],
                condition=models.Q(kind="subject"),
                name="board_once_per_subject",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="class", training_class__isnull=False)
                | models.Q(kind="subject", training_class__isnull=True),
                name="board_kind_matches_class",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        if self.kind == self.Kind.CLASS and self.training_class is not None:
            return _("%(name)s · 班级讨论区") % {"name": self.training_class.name}
        return _("%(subject)s · 学科讨论区") % {"subject": self.subject.label}


class Thread(TimeStampedModel):
    """主题帖: a title and its posts, the first of which opens it."""

    board = models.ForeignKey(
        Board, on_delete=models.CASCADE, related_name="threads", verbose_name=_("讨论区")
    )
    title = models.CharField(_("标题"), max_length=120)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("作者"),
    )
    pinned_at = models.DateTimeField(_("置顶时间"), null=True, blank=True)
    locked_at = models.DateTimeField(_("锁定时间"), null=True, blank=True)
    last_post_at = models.DateTimeField(_("最后回复"), db_index=True)
    replies = models.PositiveIntegerField(_("回复数"), default=0)  # visible replies, kept by the services

    class Meta:
        ordering = ["-pinned_at", "-last_post_at", "-id"]
        verbose_name = _("主题帖")
        verbose_name_plural = _("主题帖")
        indexes = [models.Index(fields=["board", "-last_post_at"], name="thread_board_latest")]

    def __str__(self) -> str:
        return self.title

    @property
    def pinned(self) -> bool:
        return self.pinned_at is not None

    @property
    def locked(self) -> bool:
        return self.locked_at is not None


class Post(TimeStampedModel):
    """A post: the thread's opening post or a reply, perhaps quoting another post of the thread."""

    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, related_name="posts", verbose_name=_("主题帖")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("作者"),
    )
    body = models.TextField(_("正文"))  # sanitized HTML (core.richtext)
    opening = models.BooleanField(_("主帖"), default=False)
    quote = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("引用")
    )
    # Posted back by duty when the expert team answered a forwarded question (专家团队答复).
    expert_answer = models.BooleanField(_("专家团队答复"), default=False)
    hidden_at = models.DateTimeField(_("隐藏时间"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    hidden_reason = models.CharField(_("隐藏原因"), max_length=200, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("帖子")
        verbose_name_plural = _("帖子")
        constraints = [
            # A thread has one opening post, whatever wrote them.
            models.UniqueConstraint(
                fields=["thread"], condition=models.Q(opening=True), name="post_one_opening"
            ),
            # Hidden always says why: the others see "已隐藏：<reason>".
            models.CheckConstraint(
                condition=models.Q(hidden_at__isnull=True) | ~models.Q(hidden_reason=""),
                name="post_hidden_with_reason",
            ),
        ]
        indexes = [models.Index(fields=["author", "created_at"], name="post_author_time")]

    def __str__(self) -> str:
        return f"{self.thread_id}#{self.pk}"

    @property
    def hidden(self) -> bool:
        return self.hidden_at is not None


class PostImage(models.Model):
    """An image attached to a post, checked by content (core.media) and shown inline through a view that
    checks the reader may read the board."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="images")
    file = models.CharField(max_length=300)  # under PRIVATE_ROOT
    mime = models.CharField(max_length=60)
    name = models.CharField(_("文件名"), max_length=200, blank=True)
    size = models.PositiveIntegerField(default=0)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("帖子图片")
        verbose_name_plural = _("帖子图片")

    def __str__(self) -> str:
        return self.name or self.file


class Moderation(models.Model):
    """Every moderation and forward: who, when, what, and why (置顶、锁定、隐藏、转交专家团队)."""

    class Action(models.TextChoices):
        PIN = "pin", _("置顶")
        UNPIN = "unpin", _("取消置顶")
        LOCK = "lock", _("锁定")
        UNLOCK = "unlock", _("解除锁定")
        HIDE = "hide", _("隐藏")
        UNHIDE = "unhide", _("取消隐藏")
        FORWARD = "forward", _("转交专家团队")

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="moderations")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="moderations")
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, null=True, blank=True, related_name="moderations"
    )
    action = models.CharField(_("操作"), max_length=10, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("版务记录")
        verbose_name_plural = _("版务记录")

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.thread_id}"


class Forward(models.Model):
    """A post a tutor forwarded to the expert team: the duty question it became, and the answer posted
    back."""

    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="forward")
    question = models.OneToOneField("duty.Question", on_delete=models.CASCADE, related_name="forward")
    forwarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    answer_post = models.OneToOneField(
        Post, on_delete=models.SET_NULL, null=True, blank=True, related_name="answers_forward"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("转交记录")
        verbose_name_plural = _("转交记录")

    def __str__(self) -> str:
        return f"{self.post_id} → {self.question_id}"


class Seminar(TimeStampedModel):
    """线下研讨: a class's meeting in person, with its attendees, minutes and photos."""

    training_class = models.ForeignKey(
        "training.TrainingClass", on_delete=models.CASCADE, related_name="seminars", verbose_name=_("班级")
    )
    title = models.CharField(_("研讨主题"), max_length=120)
    held_on = models.DateField(_("日期"))
    place = models.CharField(_("地点"), max_length=120)
    organizer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("组织者"),
    )
    minutes = models.TextField(_("研讨纪要"), blank=True)  # sanitized HTML
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("线下研讨")
        verbose_name_plural = _("线下研讨")

    def __str__(self) -> str:
        return self.title


class SeminarAttendance(models.Model):
    """A learner of the class present at the seminar: counted in their study record."""

    seminar = models.ForeignKey(Seminar, on_delete=models.CASCADE, related_name="attendance")
    enrollment = models.ForeignKey("training.Enrollment", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("研讨出席")
        verbose_name_plural = _("研讨出席")
        constraints = [
            models.UniqueConstraint(fields=["seminar", "enrollment"], name="seminar_attended_once"),
        ]

    def __str__(self) -> str:
        return f"{self.seminar_id} · {self.enrollment_id}"


class SeminarPhoto(models.Model):
    seminar = models.ForeignKey(Seminar, on_delete=models.CASCADE, related_name="photos")
    file = models.CharField(max_length=300)
    mime = models.CharField(max_length=60)
    name = models.CharField(_("文件名"), max_length=200, blank=True)
    size = models.PositiveIntegerField(default=0)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("研讨照片")
        verbose_name_plural = _("研讨照片")

    def __str__(self) -> str:
        return self.name or self.file
