"""Writes of the briefings app: start a draft from a template, save its text (refusing an edit made on an
older copy), insert a snapshot of the platform's figures, publish it as the scope's next issue (第 N 期),
delete a draft, record an export."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from teachnet.core.richtext import clean_html, plain_text
from teachnet.core.services import audit_record
from teachnet.core.text import one_line
from teachnet.training.models import ProviderSubject, TrainingClass

from . import figures
from .models import Briefing, BriefingFigure, BriefingSection, BriefingTemplate, Kind
from .selectors import ScopeRef, may_write, scope_of
from .templates_data import DEFAULTS

TITLE_MAX = 120
# A briefing as a whole: about 60 pages of Chinese. Each section is held to core.richtext's limit too.
TOTAL_MAX_CHARS = 100_000


def _check_writer(actor, scope: ScopeRef) -> None:
    # Views and the API have already answered 404 to anyone else (selectors.briefing_access): a backstop.
    if not may_write(actor=actor, scope=scope):
        raise PermissionDenied


def templates_for(kind: str):
    return BriefingTemplate.objects.filter(kind=kind, active=True)


def default_template(kind: str) -> BriefingTemplate:
    """The kind's first active template; the one the platform ships with (templates_data) when there is none
    (all switched off in Django admin, or a database emptied without its data migration), so a writer is
    never left unable to start."""
    found = templates_for(kind).first()
    if found is not None:
        return found
    name, sections = next((n, s) for k, n, s in DEFAULTS if k == kind)
    template, _created = BriefingTemplate.objects.get_or_create(
        kind=kind, name=name, defaults={"sections": sections}
    )
    if not template.active:
        template.active = True
        template.save(update_fields=["active", "updated_at"])
    return template


def default_title(scope: ScopeRef) -> str:
    return _("%(scope)s %(kind)s") % {"scope": scope.label, "kind": scope.kind_label}


@transaction.atomic
def briefing_create(
    *, actor, scope: ScopeRef, template: BriefingTemplate | None = None, title: str = ""
) -> Briefing:
    """A draft for the scope in the template's sections (the kind's first active template by default)."""
    _check_writer(actor, scope)
    if template is None:
        template = default_template(scope.kind)
    if template.kind != scope.kind or not template.active:
        raise ValidationError(
            {"template": _("请选择一个适用于%(kind)s的模板。") % {"kind": scope.kind_label}}
        )
    title = one_line(title)[:TITLE_MAX] or default_title(scope)
    briefing = Briefing.objects.create(
        project=scope.project,
        kind=scope.kind,
        provider_subject=scope.provider_subject,
        training_class=scope.training_class,
        province=scope.province,
        template=template,
        title=title,
        author=actor,
    )
    BriefingSection.objects.bulk_create(
        BriefingSection(
            briefing=briefing,
            position=i,
            key=s["key"],
            title=s["title"][:60],
            hint=s.get("hint", "")[:300],
        )
        for i, s in enumerate(template.sections)
    )
    return briefing


def _locked_draft(briefing: Briefing, actor) -> Briefing:
    # Only the briefing's row is locked: the related rows come by outer joins, which PostgreSQL cannot lock.
    locked = (
        Briefing.objects.select_for_update(of=("self",))
        .select_related(
            "project", "provider_subject__subject", "provider_subject__provider", "training_class", "province"
        )
        .get(pk=briefing.pk)
    )
    _check_writer(actor, scope_of(locked))
    if not locked.is_draft:
        raise ValidationError({"state": _("第 %(n)d 期已发布，不能再修改。") % {"n": locked.number or 0}})
    return locked


def _check_version(locked: Briefing, version: int | None) -> None:
    if version is not None and version != locked.version:
        raise ValidationError(
            {
                "version": _(
                    "这份简报在您打开之后已被他人修改（%(when)s）。您填写的内容仍在下方，请复制保存后刷新页面，"
                    "在最新版本上修改。"
                )
                % {"when": timezone.localtime(locked.updated_at).strftime("%Y-%m-%d %H:%M")}
            }
        )


@transaction.atomic
def briefing_update(
    *, actor, briefing: Briefing, title: str, sections: dict[str, str], version: int | None
) -> Briefing:
    """Save the title and the sections' text (sanitized). Every mistake is named at once, by field
    (title, section_<key>); nothing is saved then. An edit made on an older copy (version) is refused."""
    locked = _locked_draft(briefing, actor)
    _check_version(locked, version)
    errors: dict[str, list[str]] = {}
    title = one_line(title)
    if not title:
        errors["title"] = [_("请填写标题。")]
    elif len(title) > TITLE_MAX:
        errors["title"] = [_("标题最多 %(n)d 字。") % {"n": TITLE_MAX}]
    rows = list(locked.sections.all())
    cleaned: dict[int, str] = {}
    total = 0
    for row in rows:
        if row.key not in sections:
            continue
        field = f"section_{row.key}"
        try:
            cleaned[row.pk] = clean_html(sections[row.key], field=field, required=False)
        except ValidationError as exc:
            errors.update({k: v for k, v in exc.message_dict.items()})
            continue
        total += len(plain_text(cleaned[row.pk]))
    if total > TOTAL_MAX_CHARS and not errors:
        errors["__all__"] = [
            _("简报全文过长：%(n)d 字，最多 %(max)d 字。请精简后再保存。")
            % {"n": total, "max": TOTAL_MAX_CHARS}
        ]
    if errors:
        raise ValidationError(errors)
    for row in rows:
        if row.pk in cleaned and cleaned[row.pk] != row.body:
            row.body = cleaned[row.pk]
            row.save(update_fields=["body"])
    locked.title = title
    locked.version += 1
    locked.save(update_fields=["title", "version", "updated_at"])
    return locked


def _lock_scope(briefing: Briefing) -> None:
    """Two writers publishing in the same scope at once take their numbers one after the other."""
    if briefing.kind == Kind.EXPERT:
        ProviderSubject.objects.select_for_update().filter(pk=briefing.provider_subject_id).first()
    elif briefing.kind == Kind.CLASS:
        TrainingClass.objects.select_for_update().filter(pk=briefing.training_class_id).first()
    else:
        type(briefing.project).objects.select_for_update().filter(pk=briefing.project_id).first()


def publish_problems(briefing: Briefing) -> list[str]:
    """Why the draft cannot be published yet (empty when it can)."""
    if not any(plain_text(s.body) for s in briefing.sections.all()):
        return [_("请至少填写一个栏目后再发布。")]
    return []


@transaction.atomic
def briefing_publish(*, actor, briefing: Briefing, version: int | None = None) -> Briefing:
    """Publish the draft to its audience as the scope's next issue: 第 N 期, N one more than the scope's
    highest. Recorded (who, when, which issue)."""
    locked = _locked_draft(briefing, actor)
    _check_version(locked, version)
    problems = publish_problems(locked)
    if problems:
        raise ValidationError({"__all__": problems})
    _lock_scope(locked)
    issued = scope_of(locked).briefings().filter(number__isnull=False)
    locked.number = (issued.aggregate(n=Max("number"))["n"] or 0) + 1
    locked.state = Briefing.State.PUBLISHED
    locked.published_at = timezone.now()
    locked.published_by = actor
    locked.version += 1
    try:
        with transaction.atomic():
            locked.save(
                update_fields=["number", "state", "published_at", "published_by", "version", "updated_at"]
            )
    except IntegrityError as exc:  # the scope lock makes this a backstop (SQLite serializes writers anyway)
        raise ValidationError({"__all__": [_("同时有人发布了本范围的简报，请重试。")]}) from exc
    audit_record(
        actor=actor,
        verb="briefing.published",
        target=locked,
        data={"kind": locked.kind, "number": locked.number, "scope": locked.scope_label},
    )
    return locked


@transaction.atomic
def briefing_delete(*, actor, briefing: Briefing) -> None:
    locked = _locked_draft(briefing, actor)
    audit_record(actor=actor, verb="briefing.draft_deleted", target=locked, data={"title": locked.title})
    locked.delete()


@transaction.atomic
def figure_insert(*, actor, briefing: Briefing, key: str, section_key: str | None = None) -> BriefingFigure:
    """The figure's table for the briefing's scope, as it is now, stored in the briefing (after the named
    section's text, or at its end)."""
    locked = _locked_draft(briefing, actor)
    figure = figures.get(key)
    if figure is None or locked.kind not in figure.kinds:
        raise ValidationError({"figure": _("请选择要插入的数据。")})
    section = None
    if section_key:
        section = locked.sections.filter(key=section_key).first()
        if section is None:
            raise ValidationError({"section": _("没有这个栏目。")})
    table = figure.fn(scope_of(locked).figures_scope())
    if table is None or not table.rows:
        raise ValidationError({"figure": _("“%(label)s”在本范围内暂无数据。") % {"label": figure.label}})
    row = BriefingFigure.objects.create(
        briefing=locked,
        section=section,
        key=key,
        title=one_line(table.title or figure.label)[:120],
        columns=[str(c) for c in table.columns],
        rows=[[c if isinstance(c, int | float) else str(c) for c in r] for r in table.rows],
        note=one_line(table.note)[:300],
        taken_at=timezone.now(),
        inserted_by=actor,
    )
    locked.version += 1
    locked.save(update_fields=["version", "updated_at"])
    return row


@transaction.atomic
def figure_remove(*, actor, figure: BriefingFigure) -> None:
    locked = _locked_draft(figure.briefing, actor)
    BriefingFigure.objects.filter(pk=figure.pk, briefing=locked).delete()
    locked.version += 1
    locked.save(update_fields=["version", "updated_at"])


def export_record(*, actor, briefing: Briefing, fmt: str, ip_address: str | None = None, **data) -> None:
    audit_record(
        actor=actor,
        verb="briefing.exported",
        target=briefing,
        data={"format": fmt, "number": briefing.number, "state": briefing.state, **data},
        ip_address=ip_address,
    )
