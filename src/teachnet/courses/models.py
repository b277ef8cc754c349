"""Course resources of a provider's subject (TRN-4): a course of modules and resources (video, documents,
articles, live sessions) with creditable lengths, reviewed by the project office, every submission kept as a
version.

A version's snapshot is what was reviewed; the approved version is what learners study, even while the
provider edits the next one.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from teachnet.core.models import TimeStampedModel
from teachnet.training.models import ProviderSubject


class Course(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("编辑中")
        IN_REVIEW = "in_review", _("审核中")
        RETURNED = "returned", _("退回修改")
        APPROVED = "approved", _("审核通过")

    provider_subject = models.OneToOneField(
        ProviderSubject, on_delete=models.CASCADE, related_name="course", verbose_name=_("承担学科")
    )
    title = models.CharField(_("课程名称"), max_length=200)
    description = models.TextField(_("课程简介"), blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    # The number of the newest submitted version (0 before the first submission).
    version = models.PositiveIntegerField(_("版本"), default=0)
    approved_version = models.ForeignKey(
        "CourseVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("已通过版本"),
    )

    class Meta:
        ordering = ["provider_subject_id"]
        verbose_name = _("课程")
        verbose_name_plural = _("课程")

    def __str__(self) -> str:
        return self.title


class Module(models.Model):
    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="modules", verbose_name=_("课程")
    )
    title = models.CharField(_("模块名称"), max_length=200)
    position = models.PositiveIntegerField(_("顺序"), default=0)

    class Meta:
        ordering = ["course_id", "position", "id"]
        verbose_name = _("课程模块")
        verbose_name_plural = _("课程模块")

    def __str__(self) -> str:
        return self.title


class Resource(TimeStampedModel):
    class Kind(models.TextChoices):
        VIDEO = "video", _("视频")
        DOCUMENT = "document", _("文档")
        ARTICLE = "article", _("文章")
        LIVE = "live", _("直播")

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="resources", verbose_name=_("课程")
    )
    module = models.ForeignKey(
        Module, on_delete=models.CASCADE, related_name="resources", verbose_name=_("模块")
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=200)
    position = models.PositiveIntegerField(_("顺序"), default=0)
    credit_minutes = models.PositiveIntegerField(_("计学时长（分钟）"))
    # Video and documents: the stored file (path under PRIVATE_ROOT, named by content hash) and its facts.
    file = models.CharField(_("文件"), max_length=300, blank=True)
    file_name = models.CharField(_("原文件名"), max_length=255, blank=True)
    mime = models.CharField(_("文件类型"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("文件大小"), null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    duration_seconds = models.FloatField(_("视频时长（秒）"), null=True, blank=True)
    # Articles: sanitized HTML written in the platform.
    body = models.TextField(_("正文"), blank=True)
    # Live sessions: the link and when it starts.
    url = models.URLField(_("直播链接"), max_length=500, blank=True)
    starts_at = models.DateTimeField(_("开始时间"), null=True, blank=True)

    class Meta:
        ordering = ["module__position", "module_id", "position", "id"]
        verbose_name = _("课程资源")
        verbose_name_plural = _("课程资源")
        constraints = [
            models.CheckConstraint(condition=Q(credit_minutes__gt=0), name="resource_credit_positive"),
            # What each kind is made of holds whatever wrote the row.
            models.CheckConstraint(
                condition=~Q(kind="video") | (Q(duration_seconds__gt=0) & ~Q(file="")),
                name="resource_video_has_file_and_duration",
            ),
            models.CheckConstraint(
                condition=~Q(kind="document") | ~Q(file=""), name="resource_document_has_file"
            ),
            models.CheckConstraint(
                condition=~Q(kind="live") | (~Q(url="") & Q(starts_at__isnull=False)),
                name="resource_live_has_link",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class CourseVersion(models.Model):
    """One submission of a course, with the snapshot the reviewers saw and their decision."""

    class Decision(models.TextChoices):
        PENDING = "", _("待审核")
        APPROVED = "approved", _("通过")
        RETURNED = "returned", _("退回")

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="versions", verbose_name=_("课程")
    )
    number = models.PositiveIntegerField(_("版本号"))
    snapshot = models.JSONField(_("内容"))
    total_minutes = models.PositiveIntegerField(_("总时长（分钟）"))
    video_minutes = models.PositiveIntegerField(_("视频时长（分钟）"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提交时间"))
    decision = models.CharField(_("审核结论"), max_length=10, choices=Decision.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_note = models.TextField(_("审核意见"), blank=True)

    class Meta:
        ordering = ["course_id", "-number"]
        verbose_name = _("课程版本")
        verbose_name_plural = _("课程版本")
        constraints = [
            models.UniqueConstraint(fields=["course", "number"], name="course_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.course} v{self.number}"


class ReviewComment(models.Model):
    """A reviewer's comment on a resource (or on the course as a whole), or the provider's answer to one."""

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="comments", verbose_name=_("课程")
    )
    version = models.PositiveIntegerField(_("版本"))
    resource = models.ForeignKey(
        Resource, on_delete=models.SET_NULL, null=True, blank=True, related_name="comments"
    )
    # Kept for comments whose resource was since removed.
    resource_title = models.CharField(_("资源"), max_length=200, blank=True)
    reply_to = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    by_reviewer = models.BooleanField(_("审核专家意见"), default=False)
    body = models.TextField(_("内容"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["course_id", "created_at", "id"]
        verbose_name = _("审核意见")
        verbose_name_plural = _("审核意见")

    def __str__(self) -> str:
        return self.body[:40]
