"""Pages of the briefings app (ACT-4, ACT-7): the person's briefings (to write, to read), a scope's issues
and its counter, the editor, the reading page with its exports, and the counters of a project for those who
follow them (the project office, a province's lead)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from teachnet.accounts.permissions import has_any

from . import exports, figures, selectors, services
from .models import Briefing, BriefingFigure, BriefingTemplate, Kind
from .permissions import BriefingPerm


def _errors_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _project(request, projects):
    wanted = request.GET.get("project")
    for p in projects:
        if wanted and str(p.pk) == wanted:
            return p
    return projects[0] if projects else None


@login_required
def index(request):
    """简报: what the person writes (each scope with its counter), and what they may read."""
    projects = selectors.projects_for(actor=request.user)
    project = _project(request, projects)
    scopes = selectors.writable_scopes(actor=request.user, project=project) if project else []
    readable = selectors.briefings_visible(actor=request.user).filter(state=Briefing.State.PUBLISHED)
    if project is not None:
        readable = readable.filter(project=project)
    kind = request.GET.get("kind", "")
    if kind in Kind.values:
        readable = readable.filter(kind=kind)
    page = Paginator(readable.order_by("-published_at", "-pk"), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "briefings/index.html",
        {
            "projects": projects,
            "project": project,
            "standings": selectors.standings_for(scopes),
            "page": page,
            "kind": kind,
            "kinds": Kind.choices,
            "follows": project is not None and has_any(actor=request.user, perm=BriefingPerm.STANDINGS),
        },
    )


@login_required
def standings(request):
    """The counters of a project against the minimums, per subject, class and province, with the warnings:
    the project office sees them all, a province's lead its province's, a provider its subjects'."""
    if not has_any(actor=request.user, perm=BriefingPerm.STANDINGS):
        raise Http404
    projects = [
        p
        for p in selectors.projects_for(actor=request.user)
        if any(selectors.project_scopes(project=p, actor=request.user).values())
    ]
    project = _project(request, projects)
    if project is None:
        return render(request, "briefings/standings.html", {"projects": [], "project": None, "tables": []})
    by_kind = selectors.project_scopes(project=project, actor=request.user)
    tables = []
    for kind in (Kind.EXPERT, Kind.CLASS, Kind.PROVINCIAL):
        rows = selectors.standings_for(by_kind[kind])
        if rows:
            tables.append({"kind": kind, "label": Kind(kind).label, "rule": rows[0].rule, "rows": rows})
    short = [s for t in tables for s in t["rows"] if not s.met]
    return render(
        request,
        "briefings/standings.html",
        {
            "projects": projects,
            "project": project,
            "tables": tables,
            "short": short,
            "warned": [s for s in short if s.warning],
            "phase": selectors.remote_phase(project),
        },
    )


# --- A scope's page -----------------------------------------------------------------------------------------


def _scope_page(request, scope: selectors.ScopeRef):
    selectors.scope_access(actor=request.user, scope=scope)
    writer = selectors.may_write(actor=request.user, scope=scope)
    issues = scope.briefings()
    if not writer:
        issues = issues.filter(state=Briefing.State.PUBLISHED)
    if request.method == "POST":
        if not writer:
            raise Http404
        template = BriefingTemplate.objects.filter(
            pk=request.POST.get("template") or 0, kind=scope.kind, active=True
        ).first()
        try:
            briefing = services.briefing_create(
                actor=request.user, scope=scope, template=template, title=request.POST.get("title", "")
            )
        except ValidationError as exc:
            messages.error(request, _errors_text(exc))
            return redirect(scope.url)
        messages.success(request, _("已新建草稿，请填写各栏目。"))
        return redirect("briefings:edit", pk=briefing.pk)
    return render(
        request,
        "briefings/scope.html",
        {
            "scope": scope,
            "standing": selectors.standings_for([scope])[0],
            "issues": issues.select_related("author").order_by("state", "-number", "-pk"),
            "writer": writer,
            "templates": services.templates_for(scope.kind),
            "default_title": services.default_title(scope),
        },
    )


@login_required
def subject_briefings(request, ps_id):
    return _scope_page(request, selectors.subject_scope(pk=ps_id))


@login_required
def class_briefings(request, class_id):
    return _scope_page(request, selectors.class_scope(pk=class_id))


@login_required
def province_briefings(request, project_id, code):
    return _scope_page(request, selectors.province_scope(project_id=project_id, code=code))


# --- One briefing -------------------------------------------------------------------------------------------


def _sections_with_figures(briefing: Briefing):
    figures_ = list(briefing.figures.all())
    return (
        [(s, [f for f in figures_ if f.section_id == s.pk]) for s in briefing.sections.all()],
        [f for f in figures_ if f.section_id is None],
    )


@login_required
def detail(request, pk):
    briefing = selectors.briefing_access(actor=request.user, pk=pk)
    scope = selectors.scope_of(briefing)
    writer = selectors.may_write(actor=request.user, scope=scope)
    sections, loose = _sections_with_figures(briefing)
    return render(
        request,
        "briefings/detail.html",
        {
            "b": briefing,
            "scope": scope,
            "sections": sections,
            "loose_figures": loose,
            "writer": writer,
            "masthead": exports.masthead(briefing),
            "issuer": exports.issuer(briefing),
            "no_glyph": exports.characters_without_glyph(exports.briefing_text(briefing)),
            "fonts_missing": exports.fonts_missing(),
            "problems": services.publish_problems(briefing) if writer and briefing.is_draft else [],
        },
    )


def _editor(request, briefing: Briefing, *, posted=None, errors=None, status=200):
    posted = posted or {}
    sections, loose = _sections_with_figures(briefing)
    rows = [
        {
            "section": s,
            "body": posted.get(f"section_{s.key}", s.body),
            "errors": (errors or {}).get(f"section_{s.key}", []),
            "figures": figs,
        }
        for s, figs in sections
    ]
    errors = errors or {}
    return render(
        request,
        "briefings/edit.html",
        {
            "b": briefing,
            "scope": selectors.scope_of(briefing),
            "rows": rows,
            "loose_figures": loose,
            "title": posted.get("title", briefing.title),
            "version": posted.get("version", briefing.version),
            "title_errors": errors.get("title", []),
            "form_errors": [
                m for k in ("__all__", "version", "state", "figure", "section") for m in errors.get(k, [])
            ],
            "offered": figures.offered(briefing.kind),
        },
        status=status,
    )


def _version(request) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


@login_required
def edit(request, pk):
    """The editor: the title and each section in the rich-text editor, the figures under their section.
    Every button of the form saves the text first, so inserting a table or publishing never loses it."""
    briefing = selectors.briefing_access(actor=request.user, pk=pk, write=True)
    if not briefing.is_draft:
        messages.info(request, _("已发布的简报不能再修改。"))
        return redirect("briefings:detail", pk=briefing.pk)
    if request.method != "POST":
        return _editor(request, briefing)
    action = request.POST.get("action", "save")
    sections = {s.key: request.POST.get(f"section_{s.key}", "") for s in briefing.sections.all()}
    try:
        saved = services.briefing_update(
            actor=request.user,
            briefing=briefing,
            title=request.POST.get("title", ""),
            sections=sections,
            version=_version(request),
        )
        if action.startswith("insert:"):
            section_key = action.removeprefix("insert:") or None
            key = request.POST.get(f"figure_{section_key or ''}", "")
            figure = services.figure_insert(
                actor=request.user, briefing=saved, key=key, section_key=section_key
            )
            messages.success(request, _("已插入“%(title)s”（数据截至此刻）。") % {"title": figure.title})
            return redirect(reverse("briefings:edit", args=[saved.pk]) + f"#section-{section_key or 'end'}")
        if action.startswith("remove:"):
            figure = BriefingFigure.objects.filter(
                pk=action.removeprefix("remove:") or 0, briefing=saved
            ).first()
            if figure is not None:
                services.figure_remove(actor=request.user, figure=figure)
                messages.success(request, _("已删除数据表。"))
            return redirect("briefings:edit", pk=saved.pk)
        if action == "publish":
            published = services.briefing_publish(actor=request.user, briefing=saved)
            messages.success(request, _("已发布为第 %(n)d 期。") % {"n": published.number})
            return redirect("briefings:detail", pk=published.pk)
    except ValidationError as exc:
        briefing.refresh_from_db()
        return _editor(request, briefing, posted=request.POST, errors=exc.message_dict, status=400)
    except PermissionDenied as exc:
        raise Http404 from exc
    messages.success(request, _("已保存。"))
    return redirect("briefings:edit", pk=saved.pk)


@login_required
@require_POST
def publish(request, pk):
    briefing = selectors.briefing_access(actor=request.user, pk=pk, write=True)
    try:
        published = services.briefing_publish(
            actor=request.user, briefing=briefing, version=_version(request)
        )
    except ValidationError as exc:
        messages.error(request, _errors_text(exc))
        return redirect("briefings:detail", pk=briefing.pk)
    messages.success(request, _("已发布为第 %(n)d 期。") % {"n": published.number})
    return redirect("briefings:detail", pk=published.pk)


@login_required
@require_POST
def delete(request, pk):
    briefing = selectors.briefing_access(actor=request.user, pk=pk, write=True)
    scope = selectors.scope_of(briefing)
    try:
        services.briefing_delete(actor=request.user, briefing=briefing)
    except ValidationError as exc:
        messages.error(request, _errors_text(exc))
        return redirect("briefings:detail", pk=briefing.pk)
    messages.success(request, _("草稿已删除。"))
    return redirect(scope.url)


def _filename(briefing: Briefing, ext: str) -> str:
    number = _("第%(n)d期") % {"n": briefing.number} if briefing.number else _("草稿")
    return f"{exports.masthead(briefing)}-{number}.{ext}".replace("/", "-")


@login_required
def export(request, pk, fmt):
    """The briefing as PDF or Word, for whoever may read it (drafts: their writers), recorded."""
    briefing = selectors.briefing_access(actor=request.user, pk=pk)
    if fmt == "pdf":
        try:
            content = exports.briefing_pdf(briefing)
        except exports.FontsMissing as exc:
            messages.error(request, exc.message)
            return redirect("briefings:detail", pk=briefing.pk)
        content_type = "application/pdf"
    elif fmt == "docx":
        content = exports.briefing_docx(briefing)
        content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    else:
        raise Http404
    services.export_record(
        actor=request.user,
        briefing=briefing,
        fmt=fmt,
        ip_address=request.META.get("REMOTE_ADDR"),
        size=len(content),
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, _filename(briefing, fmt))
    response["Cache-Control"] = "private"
    return response
