"""Briefings (简报, ACT-4, ACT-7): what the experts, the tutors and the provinces write and publish during the
remote training.

Three kinds, each with its scope and its writers:

- 专家简报 (expert): per provider's subject, written by its expert team (GP 四.2(3): 每学科不少于5期,
  with 共性问题, 重难点问题, 典型案例评析, 前阶段的总结与反馈, 下阶段学习的引领); read by the subject's
  learners, its classes' tutors, the experts and the admins above them.
- 班级简报 (class): per class, written by its tutor (GP 四.2(3): 班级辅导教师负责编辑并提交班级学习简报);
  read by the class.
- 工作简报 (provincial): per province, written by the province's lead for the project office (GP 七.1:
  各省(市)在培训期间至少向项目办提交2期工作简报); read by the office and the province.

A briefing is written in the sections of a template (BriefingTemplate, data, not code), kept as a draft until
published, and numbered 第 N 期 within its scope when published. Tables of the platform's figures are
inserted as snapshots (BriefingFigure): what the numbers were that day, never recomputed.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from teachnet.core.models import TimeStampedModel
from teachnet.orgs.models import Region


class Kind(models.TextChoices):
    EXPERT = "expert", _("专家简报")
    CLASS = "class", _("班级简报")
    PROVINCIAL = "provincial", _("工作简报")


class BriefingTemplate(TimeStampedModel):
    """简报模板: the sections a briefing of a kind is written in, each with a hint for the writer.

    `sections` is a list of {"key": "common", "title": "共性问题", "hint": "…"}; a briefing copies them when
    it is started, so changing a template never changes a briefing already written."""

    kind = models.CharField(_("简报类型"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("模板名称"), max_length=60)
    sections = models.JSONField(_("栏目"), default=list)
    active = models.BooleanField(_("可选用"), default=True)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["kind", "position", "id"]
        verbose_name = _("简报模板")
        verbose_name_plural = _("简报模板")
        constraints = [models.UniqueConstraint(fields=["kind", "name"], name="briefing_template_name_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.name}"

    def clean(self) -> None:
        from .templates_data import sections_problems

        problems = sections_problems(self.sections)
        if problems:
            raise ValidationError({"sections": problems})


_NO_SUBJECT, _NO_CLASS, _NO_PROVINCE = (
    Q(provider_subject__isnull=True),
    Q(training_class__isnull=True),
    Q(province__isnull=True),
)
_ONE_SCOPE = (
    (Q(kind="expert", provider_subject__isnull=False) & _NO_CLASS & _NO_PROVINCE)
    | (Q(kind="class", training_class__isnull=False) & _NO_SUBJECT & _NO_PROVINCE)
    | (Q(kind="provincial", province__isnull=False) & _NO_SUBJECT & _NO_CLASS)
)


class Briefing(TimeStampedModel):
    """简报: one issue of a subject's, a class's or a province's briefings."""

    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")

    project = models.ForeignKey(
        "training.Project", on_delete=models.CASCADE, related_name="+", verbose_name=_("项目")
    )
    kind = models.CharField(_("简报类型"), max_length=12, choices=Kind.choices)
    provider_subject = models.ForeignKey(
        "training.ProviderSubject",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("承担学科"),
    )
    training_class = models.ForeignKey(
        "training.TrainingClass",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("班级"),
    )
    province = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("省份")
    )
    template = models.ForeignKey(
        BriefingTemplate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("标题"), max_length=120)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.DRAFT)
    number = models.PositiveSmallIntegerField(_("期数"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("撰写人"),
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Bumped by every save of the text: an edit made on an older copy is refused, never silently lost.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["project_id", "kind", "-number", "-id"]
        verbose_name = _("简报")
        verbose_name_plural = _("简报")
        constraints = [
            # A briefing has exactly the scope of its kind, whatever wrote it.
            models.CheckConstraint(condition=_ONE_SCOPE, name="briefing_scope_of_kind"),
            # Published is numbered and dated; a draft is neither.
            models.CheckConstraint(
                condition=Q(state="published", number__isnull=False, published_at__isnull=False)
                | Q(state="draft", number__isnull=True, published_at__isnull=True),
                name="briefing_published_numbered",
            ),
            # 第 N 期 once per scope, even when two writers publish at the same moment.
            models.UniqueConstraint(
                fields=["provider_subject", "number"],
                condition=Q(kind="expert", number__isnull=False),
                name="briefing_number_once_subject",
            ),
            models.UniqueConstraint(
                fields=["training_class", "number"],
                condition=Q(kind="class", number__isnull=False),
                name="briefing_number_once_class",
            ),
            models.UniqueConstraint(
                fields=["project", "province", "number"],
                condition=Q(kind="provincial", number__isnull=False),
                name="briefing_number_once_province",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_draft(self) -> bool:
        return self.state == self.State.DRAFT

    @property
    def scope_label(self) -> str:
        """Whose briefing it is, for people: 初中体育（北京师范大学）, 广州一班, 广东省."""
        if self.kind == Kind.EXPERT:
            ps = self.provider_subject
            return f"{ps.subject.label}（{ps.provider.name}）"
        if self.kind == Kind.CLASS:
            return str(self.training_class)
        return self.province.name


class BriefingSection(models.Model):
    """One section of a briefing, as its template named it, with the writer's text (sanitized HTML)."""

    briefing = models.ForeignKey(Briefing, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField(default=0)
    key = models.CharField(max_length=40)
    title = models.CharField(_("栏目"), max_length=60)
    hint = models.CharField(_("提示"), max_length=300, blank=True)
    body = models.TextField(_("正文"), blank=True)

    class Meta:
        ordering = ["briefing_id", "position", "id"]
        verbose_name = _("简报栏目")
        verbose_name_plural = _("简报栏目")
        constraints = [models.UniqueConstraint(fields=["briefing", "key"], name="briefing_section_once")]

    def __str__(self) -> str:
        return self.title


class BriefingFigure(models.Model):
    """A table of the platform's figures for the briefing's scope, as they were when inserted (a snapshot:
    a briefing says what the numbers were on its day, and later study never changes an issued briefing)."""

    briefing = models.ForeignKey(Briefing, on_delete=models.CASCADE, related_name="figures")
    section = models.ForeignKey(
        BriefingSection, on_delete=models.CASCADE, null=True, blank=True, related_name="figures"
    )
    key = models.CharField(_("数据项"), max_length=60)
    title = models.CharField(_("表名"), max_length=120)
    columns = models.JSONField(default=list)
    rows = models.JSONField(default=list)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    taken_at = models.DateTimeField(_("数据时间"))
    inserted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["briefing_id", "taken_at", "id"]
        verbose_name = _("简报数据表")
        verbose_name_plural = _("简报数据表")

    def __str__(self) -> str:
        return self.title
