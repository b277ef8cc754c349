"""Hierarchical data reporting (信息上报, GP annex 4): REP-1 … REP-8.

A city lead reports one trainee table (学员信息表) per subject; a provincial lead one trainer table
(培训者信息表) per province. Each is a Submission: its rows, its state (draft → submitted → approved |
rejected → …) and an event for every transition. Personal numbers in rows are stored like the accounts'
(encrypted, keyed hash, masked).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from teachnet.core import protect
from teachnet.core.models import TimeStampedModel
from teachnet.orgs.models import Region
from teachnet.training.models import Project, Subject


class Kind(models.TextChoices):
    TRAINEE = "trainee", _("学员信息表")
    TRAINER = "trainer", _("培训者信息表")


class ReportingWindow(models.Model):
    """When a table may be uploaded and submitted (REP-6): past the deadline uploads close by themselves."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reporting_windows")
    kind = models.CharField(_("报表"), max_length=10, choices=Kind.choices)
    opens_at = models.DateTimeField(_("开始时间"))
    closes_at = models.DateTimeField(_("截止时间"))

    class Meta:
        verbose_name = _("上报期限")
        verbose_name_plural = _("上报期限")
        constraints = [
            models.UniqueConstraint(fields=["project", "kind"], name="window_unique"),
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="window_opens_first"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_kind_display()}"

    def is_open(self, at=None) -> bool:
        at = at or timezone.now()
        return self.opens_at <= at < self.closes_at


class Submission(TimeStampedModel):
    """One city's trainee table for one subject, or one province's trainer table."""

    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交")
        APPROVED = "approved", _("已通过")
        REJECTED = "rejected", _("已退回")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="submissions")
    kind = models.CharField(_("报表"), max_length=10, choices=Kind.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("地区"))
    subject = models.ForeignKey(
        Subject, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("学科")
    )
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.DRAFT)
    row_count = models.PositiveIntegerField(_("人数"), default=0)
    source_name = models.CharField(_("上传文件"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(_("退回原因"), blank=True)
    reopened_until = models.DateTimeField(_("重新开放至"), null=True, blank=True)
    # Bumped by every write to the rows: of two uploads racing for the same table, the second sees that the
    # version moved under it and is told, instead of interleaving its rows with the first's.
    version = models.PositiveIntegerField(default=0)
    # How far opening accounts for the approved rows got (row_no, counts so far, the rows' version), written
    # in each batch's own transaction: a job that fails half-way resumes after its last committed batch.
    enroll_checkpoint = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = _("上报表")
        verbose_name_plural = _("上报表")
        constraints = [
            # One table per city and subject (trainee), one per province (trainer): a re-upload overwrites it.
            models.UniqueConstraint(
                fields=["project", "kind", "region", "subject"],
                name="submission_unique",
                condition=models.Q(subject__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["project", "kind", "region"],
                name="submission_unique_no_subject",
                condition=models.Q(subject__isnull=True),
            ),
            models.CheckConstraint(
                condition=models.Q(kind="trainer") | models.Q(subject__isnull=False),
                name="trainee_submission_has_subject",
            ),
        ]

    def __str__(self) -> str:
        subject = f" · {self.subject}" if self.subject_id else ""
        return f"{self.get_kind_display()} · {self.region.name}{subject}"

    @property
    def editable(self) -> bool:
        return self.state in {self.State.DRAFT, self.State.REJECTED}


class SubmissionRow(models.Model):
    """One person in a submitted table, as typed, after normalization."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="rows")
    # Denormalized from the submission, so the database itself can refuse the same person twice in one
    # project's table of a kind, whichever city reported them.
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    row_no = models.PositiveIntegerField(_("行号"))
    real_name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=2)
    ethnicity = models.CharField(_("民族"), max_length=20, blank=True)
    id_card_encrypted = models.TextField()
    id_card_hash = models.CharField(max_length=64)
    id_card_masked = models.CharField(_("身份证号"), max_length=18)
    phone_encrypted = models.TextField()
    phone_hash = models.CharField(max_length=64)
    phone_masked = models.CharField(_("手机号码"), max_length=11)
    email = models.CharField(_("电子邮箱"), max_length=120, blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所在地区"))
    organization_name = models.CharField(_("工作单位"), max_length=120)
    stage = models.CharField(_("学段"), max_length=10)
    subject_name = models.CharField(_("学科"), max_length=20)
    title = models.CharField(_("职称"), max_length=40, blank=True)
    position = models.CharField(_("职务"), max_length=40, blank=True)
    teacher_type = models.CharField(_("教师类型"), max_length=10, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        ordering = ["submission_id", "row_no"]
        verbose_name = _("上报人员")
        verbose_name_plural = _("上报人员")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "kind", "id_card_hash"], name="row_person_once_per_project"
            ),
        ]
        indexes = [models.Index(fields=["submission", "row_no"])]

    def __str__(self) -> str:
        return f"{self.row_no} {self.real_name}"

    def set_numbers(self, *, id_card: str, phone: str) -> None:
        self.id_card_encrypted = protect.encrypt(id_card)
        self.id_card_hash = protect.blind_index("id_card", id_card)
        self.id_card_masked = protect.mask_id_card(id_card)
        self.phone_encrypted = protect.encrypt(phone)
        self.phone_hash = protect.blind_index("phone", phone)
        self.phone_masked = protect.mask_phone(phone)


class SubmissionEvent(models.Model):
    """Every transition of a submission (who, when, from, to, why), shown as its history (REP-4)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("操作"), max_length=20)
    from_state = models.CharField(_("原状态"), max_length=10, blank=True)
    to_state = models.CharField(_("新状态"), max_length=10)
    reason = models.TextField(_("原因"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("上报记录")
        verbose_name_plural = _("上报记录")

    ACTIONS = {
        "upload": _("上传"), "submit": _("提交"), "approve": _("审核通过"), "reject": _("退回"),
        "reopen": _("重新开放"), "row_delete": _("删除一行"), "row_edit": _("修改一行"),
        "enroll": _("开设账号、登记参训"),
    }  # fmt: skip

    def __str__(self) -> str:
        return f"{self.submission} {self.from_state}→{self.to_state}"

    @property
    def action_label(self) -> str:
        return self.ACTIONS.get(self.action, self.action)

    @property
    def from_label(self) -> str:
        return Submission.State(self.from_state).label if self.from_state else ""

    @property
    def to_label(self) -> str:
        return Submission.State(self.to_state).label


class UploadAttempt(models.Model):
    """One file uploaded for a table, with what the check found: the page, the marked copy and the history
    all read from here. A failed attempt changes nothing in the table (REP-3)."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("检查中")
        UNUSABLE = "unusable", _("文件无法使用")
        INVALID = "invalid", _("有错误，未保存")
        SAVED = "saved", _("已保存")
        FAILED = "failed", _("保存失败")

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="attempts")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    source_name = models.CharField(_("文件名"), max_length=200)
    stored_path = models.CharField(max_length=300)  # under PRIVATE_ROOT
    size = models.PositiveBigIntegerField(default=0)
    status = models.CharField(_("结果"), max_length=10, choices=Status.choices, default=Status.CHECKING)
    rows = models.PositiveIntegerField(_("数据行"), default=0)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    # The first errors, for the page; the marked copy carries all of them.
    errors = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    message = models.TextField(blank=True)
    marked_path = models.CharField(max_length=300, blank=True)
    progress = models.ForeignKey(
        "core.TaskProgress", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("上传记录")
        verbose_name_plural = _("上传记录")

    def __str__(self) -> str:
        return f"{self.submission} · {self.source_name} · {self.get_status_display()}"
