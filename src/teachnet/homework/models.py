"""Homework (ACT-6, GP 四.2(5) 作业点评): assignments with their rubric (评价标准), learners'
submissions and their earlier versions, the grading events, the experts' spot checks and the copy-detection
index.

A subject's expert team sets an assignment for every class of the subject, or a tutor for their own class.
A rubric is written once in the subject's library and copied (frozen, as JSON) into each assignment that
uses it, so editing the library never changes a grade already given. Every level chosen, comment, return,
recommendation and correction is a GradingEvent row, never updated or deleted.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from teachnet.core.models import TimeStampedModel


class Rubric(TimeStampedModel):
    """评价标准: criteria × levels, each level with its descriptor and points; the library of a provider's
    subject, written by its expert team."""

    provider_subject = models.ForeignKey(
        "training.ProviderSubject",
        on_delete=models.CASCADE,
        related_name="rubrics",
        verbose_name=_("承担学科"),
    )
    title = models.CharField(_("名称"), max_length=120)
    # [{"key", "title", "description", "levels": [{"key", "label", "descriptor", "points"}]}] (services check)
    criteria = models.JSONField(_("评价维度"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["provider_subject_id", "title", "id"]
        verbose_name = _("评价标准")
        verbose_name_plural = _("评价标准")

    def __str__(self) -> str:
        return self.title


class Assignment(TimeStampedModel):
    """作业: set for a provider's subject (every class of it) or for one class."""

    class LatePolicy(models.TextChoices):
        REFUSE = "refuse", _("截止后不再接收")
        ACCEPT_LATE = "accept_late", _("截止后接收并标记迟交")

    project = models.ForeignKey("training.Project", on_delete=models.CASCADE, related_name="+")
    subject = models.ForeignKey("training.Subject", on_delete=models.PROTECT, related_name="+")
    provider_subject = models.ForeignKey(
        "training.ProviderSubject",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("承担学科"),
    )
    training_class = models.ForeignKey(
        "training.TrainingClass",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("班级"),
    )
    title = models.CharField(_("作业题目"), max_length=200)
    prompt = models.TextField(_("作业要求"))  # sanitized HTML
    template_text = models.TextField(_("引用的模板文字"), blank=True)  # taken out before copy detection
    deadline = models.DateTimeField(_("截止时间"))
    late_policy = models.CharField(
        _("迟交"), max_length=12, choices=LatePolicy.choices, default=LatePolicy.ACCEPT_LATE
    )
    rubric = models.JSONField(_("评价标准（冻结）"), default=list)
    rubric_source = models.ForeignKey(
        Rubric, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("来自")
    )
    spot_share = models.DecimalField(_("抽查比例"), max_digits=3, decimal_places=2, default=0.10)
    spot_minimum = models.PositiveSmallIntegerField(_("每位辅导教师至少抽查"), default=2)
    similarity_threshold = models.DecimalField(
        _("雷同判定阈值"), max_digits=3, decimal_places=2, default=0.30
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    due_notified_at = models.DateTimeField(null=True, blank=True)  # "deadline approaching" sent, once

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("作业")
        verbose_name_plural = _("作业")
        constraints = [
            # Set for a subject or for one class, never both and never neither: who grades it and who may
            # see it follow from which.
            models.CheckConstraint(
                condition=(Q(provider_subject__isnull=False) & Q(training_class__isnull=True))
                | (Q(provider_subject__isnull=True) & Q(training_class__isnull=False)),
                name="assignment_subject_or_class",
            ),
            models.CheckConstraint(
                condition=Q(spot_share__gte=0) & Q(spot_share__lte=1), name="assignment_spot_share_range"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def criteria(self) -> list[dict]:
        return self.rubric or []

    @property
    def max_points(self) -> int:
        return sum(max((lv["points"] for lv in c["levels"]), default=0) for c in self.criteria)


class Submission(TimeStampedModel):
    """A learner's homework for one assignment: a draft until submitted; graded or returned by their tutor.

    `version` moves on with every change, and every write compares the version the writer saw (optimistic
    locking, under select_for_update), so two tutors on the same submission can never overwrite each other.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交")
        RETURNED = "returned", _("退回修改")
        GRADED = "graded", _("已批改")

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="submissions")
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    training_class = models.ForeignKey(
        "training.TrainingClass", on_delete=models.CASCADE, related_name="+", verbose_name=_("班级")
    )
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.DRAFT)
    body = models.TextField(_("正文"), blank=True)  # sanitized HTML
    body_text = models.TextField(blank=True)  # its plain text: compared for copies, counted
    revision = models.PositiveSmallIntegerField(_("第几稿"), default=1)
    version = models.PositiveIntegerField(default=1)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    late = models.BooleanField(_("迟交"), default=False)
    levels = models.JSONField(_("评分"), default=dict, blank=True)  # criterion key -> level key
    score = models.PositiveSmallIntegerField(_("得分"), null=True, blank=True)
    comment = models.TextField(_("评语"), blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    graded_at = models.DateTimeField(_("批改时间"), null=True, blank=True)
    returned_at = models.DateTimeField(_("退回时间"), null=True, blank=True)
    recommended = models.BooleanField(_("推荐优秀"), default=False)
    recommended_at = models.DateTimeField(null=True, blank=True)
    # Copy detection: the MinHash signature (similarity.signature_bytes) and how many shingles it was drawn
    # from; empty when the text was too short to score.
    signature = models.BinaryField(null=True, blank=True)
    shingle_count = models.PositiveIntegerField(default=0)
    similarity = models.FloatField(_("最高雷同度"), null=True, blank=True)

    class Meta:
        ordering = ["assignment_id", "training_class_id", "id"]
        verbose_name = _("作业提交")
        verbose_name_plural = _("作业提交")
        constraints = [
            # One piece of homework per learner and assignment, whichever page or API call started it.
            models.UniqueConstraint(fields=["assignment", "learner"], name="submission_once_per_learner"),
            # A grade only on something submitted: a draft has no score.
            models.CheckConstraint(
                condition=Q(score__isnull=True) | ~Q(state="draft"), name="submission_no_score_on_draft"
            ),
        ]
        indexes = [models.Index(fields=["training_class", "assignment", "state"])]

    def __str__(self) -> str:
        return f"{self.assignment} · {self.learner}"

    @property
    def is_open_for_learner(self) -> bool:
        return self.state in (self.State.DRAFT, self.State.RETURNED)


class SubmissionVersion(models.Model):
    """An earlier version of a submission, kept as it was returned: its text, attachments and grading."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="versions")
    revision = models.PositiveSmallIntegerField(_("第几稿"))
    body = models.TextField(_("正文"))
    attachments = models.JSONField(default=list)  # [{"name", "size"}] as they were
    submitted_at = models.DateTimeField(null=True)
    late = models.BooleanField(default=False)
    levels = models.JSONField(default=dict)
    score = models.PositiveSmallIntegerField(null=True)
    comment = models.TextField(blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    returned_at = models.DateTimeField()
    return_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["submission_id", "revision"]
        verbose_name = _("作业历史版本")
        verbose_name_plural = _("作业历史版本")
        constraints = [
            models.UniqueConstraint(fields=["submission", "revision"], name="submission_version_once"),
        ]

    def __str__(self) -> str:
        return f"{self.submission_id} r{self.revision}"


class Attachment(models.Model):
    """A file attached to a submission, checked by content (core.media) before it was stored."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="attachments")
    revision = models.PositiveSmallIntegerField(default=1)
    name = models.CharField(_("文件名"), max_length=200)
    file = models.CharField(max_length=300)  # path under PRIVATE_ROOT
    kind = models.CharField(max_length=10)
    mime = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["submission_id", "id"]
        verbose_name = _("作业附件")
        verbose_name_plural = _("作业附件")

    def __str__(self) -> str:
        return self.name


class GradingEvent(models.Model):
    """One step of grading, for whoever later asks who graded what: a level chosen, a comment, a return, a
    recommendation, an expert's spot-check score, comment or correction. Rows are only ever added."""

    class Kind(models.TextChoices):
        LEVEL = "level", _("选择等级")
        COMMENT = "comment", _("评语")
        GRADED = "graded", _("批改完成")
        RETURNED = "returned", _("退回修改")
        RECOMMENDED = "recommended", _("推荐优秀")
        UNRECOMMENDED = "unrecommended", _("取消推荐")
        SPOT_SCORED = "spot_scored", _("专家抽查评分")
        SPOT_COMMENT = "spot_comment", _("专家点评")
        CORRECTED = "corrected", _("专家更正评分")
        STALE_REFUSED = "stale_refused", _("并发保存被拒")

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    revision = models.PositiveSmallIntegerField(default=1)
    data = models.JSONField(default=dict, blank=True)  # criterion, level, before/after, reason …
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["submission_id", "id"]
        verbose_name = _("批改记录")
        verbose_name_plural = _("批改记录")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.submission_id}"


class SpotCheck(models.Model):
    """专家抽查: a graded submission drawn by the platform for an expert to score, blind to the tutor's
    grade until they have."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="spot_checks")
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="spot_checks")
    tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    drawn_at = models.DateTimeField(auto_now_add=True)
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    levels = models.JSONField(default=dict, blank=True)  # the expert's
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    tutor_levels = models.JSONField(
        default=dict, blank=True
    )  # the tutor's, as they stood when the expert scored
    tutor_score = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(_("专家点评"), blank=True)
    scored_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["assignment_id", "scored_at", "id"]
        verbose_name = _("专家抽查")
        verbose_name_plural = _("专家抽查")
        constraints = [
            # A submission is drawn once per assignment however often the draw runs.
            models.UniqueConstraint(fields=["submission"], name="spot_check_once"),
        ]

    def __str__(self) -> str:
        return f"{self.assignment_id} · {self.submission_id}"


class SimilarityBand(models.Model):
    """The copy-detection index of an assignment, kept in the database: one row per band of each
    submission's MinHash signature (similarity.band_keys). Submissions sharing a key are candidates."""

    # Derived rows, 128 per submission (640,000 for a large assignment), rebuilt from the submissions by a
    # re-check: no foreign-key check per row in the database (Django still deletes them with their
    # submission or assignment), and no index of their own on the assignment (homework_band_lookup leads
    # with it).
    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    key = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["assignment", "key"], name="homework_band_lookup")]

    def __str__(self) -> str:
        return f"{self.submission_id}:{self.key}"


class SimilarityPair(models.Model):
    """Two submissions of one assignment found to share much of their text: shown to their tutors."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="similar_pairs")
    first = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(_("雷同度"))
    found_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-score", "id"]
        verbose_name = _("疑似雷同")
        verbose_name_plural = _("疑似雷同")
        constraints = [
            # A pair once, in one order (the lower id first), whichever check found it.
            models.UniqueConstraint(fields=["first", "second"], name="similarity_pair_once"),
            models.CheckConstraint(condition=Q(first__lt=models.F("second")), name="similarity_pair_order"),
        ]

    def __str__(self) -> str:
        return f"{self.first_id} ~ {self.second_id} {self.score:.2f}"
