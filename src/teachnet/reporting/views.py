"""Reporting pages (REP-2 … REP-6): the tables a person reports or reviews, upload with checks, review."""

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from teachnet.accounts.permissions import (
    can,
    get_visible_or_404,
    grants_for,
    has_any,
    region_in_scope,
)
from teachnet.accounts.roles import Perm
from teachnet.core.forms import add_service_errors
from teachnet.core.selectors import task_progress_for_owner
from teachnet.core.services import audit_record, progress_start, run_in_background
from teachnet.orgs.models import Region
from teachnet.training.models import Project, Subject

from . import services
from .forms import ReasonForm, RowForm, UploadForm, WindowForm
from .models import Kind, Submission
from .roster_template import roster_template, template_filename
from .selectors import reporting_project, submission_list_visible, window_for


def _project(request) -> tuple[Project, list[Project]]:
    """The project of ?project=, or the one reporting is about now; and the projects to switch to."""
    return reporting_project(actor=request.user, project_id=request.GET.get("project"))


def _my_tables(actor, project: Project) -> list[dict]:
    """The tables the actor reports: per subject for each city they lead, one per province they lead."""
    existing = {(s.kind, s.region_id, s.subject_id): s for s in Submission.objects.filter(project=project)}
    subjects = list(project.subjects.all())
    tables = []
    for g in grants_for(actor):
        if g.prefix is None or (g.project_id is not None and g.project_id != project.pk):
            continue
        region = Region.objects.get(pk=g.home_code)
        if Perm.REPORT_SUBMIT_TRAINEE in g.perms and region.level == Region.Level.CITY:
            for subject in subjects:
                tables.append(
                    {
                        "kind": Kind.TRAINEE,
                        "region": region,
                        "subject": subject,
                        "submission": existing.get((Kind.TRAINEE, region.code, subject.pk)),
                    }
                )
        if Perm.REPORT_SUBMIT_TRAINER in g.perms and region.level == Region.Level.PROVINCE:
            tables.append(
                {
                    "kind": Kind.TRAINER,
                    "region": region,
                    "subject": None,
                    "submission": existing.get((Kind.TRAINER, region.code, None)),
                }
            )
    return tables


@login_required
def submission_list(request):
    if not has_any(actor=request.user, perm=Perm.REPORT_VIEW):
        raise Http404
    project, projects = _project(request)
    submissions = submission_list_visible(actor=request.user, project=project)
    to_review = [
        s
        for s in submissions.filter(state=Submission.State.SUBMITTED)
        if can(actor=request.user, perm=services.REVIEW_PERM[s.kind], obj=s)
    ]
    return render(
        request,
        "reporting/submission_list.html",
        {
            "project": project,
            "projects": projects,
            "my_tables": _my_tables(request.user, project),
            "to_review": to_review,
            "submissions": submissions,
            "windows": {w.kind: w for w in project.reporting_windows.all()},
            "may_manage_windows": services.may_manage_windows(actor=request.user, project=project),
        },
    )


@login_required
@require_POST
def submission_start(request):
    project = get_visible_or_404(
        actor=request.user, model=Project, perm=Perm.PROJECT_VIEW, pk=request.POST.get("project")
    )
    region = Region.objects.filter(pk=request.POST.get("region")).first()
    subject = Subject.objects.filter(project=project, pk=request.POST.get("subject") or None).first()
    if region is None:
        raise Http404
    try:
        submission = services.submission_open(
            actor=request.user, project=project, kind=request.POST.get("kind"), region=region, subject=subject
        )
    except (PermissionDenied, ValidationError) as exc:
        raise Http404 from exc
    return redirect("reporting:detail", pk=submission.pk)


def _submission(request, pk) -> Submission:
    return get_visible_or_404(
        actor=request.user,
        model=Submission,
        perm=Perm.REPORT_VIEW,
        pk=pk,
        queryset=Submission.objects.select_related("project", "region", "subject"),
    )


@login_required
def submission_detail(request, pk):
    submission = _submission(request, pk)
    may_submit = can(actor=request.user, perm=services.SUBMIT_PERM[submission.kind], obj=submission)
    may_review = can(actor=request.user, perm=services.REVIEW_PERM[submission.kind], obj=submission)
    task = None
    if "task" in request.GET:
        task = task_progress_for_owner(actor=request.user, progress_id=request.GET["task"])
    rows = Paginator(submission.rows.select_related("region").order_by("row_no"), 100).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "reporting/submission_detail.html",
        {
            "submission": submission,
            "window": window_for(project=submission.project, kind=submission.kind),
            "uploads_open": services.uploads_open(submission),
            "may_submit": may_submit,
            "may_review": may_review,
            "attempt": submission.attempts.first(),
            "rows": rows,
            "events": submission.events.select_related("actor"),
            "task": task,
            "upload_form": UploadForm(),
            "reason_form": ReasonForm(),
        },
    )


def _back(submission, task=None):
    url = reverse("reporting:detail", args=[submission.pk])
    return redirect(f"{url}?task={task.pk}" if task else url)


def _fail(request, exc) -> None:
    messages.error(request, " ".join(getattr(exc, "messages", None) or [str(exc)]))


@login_required
@require_POST
def submission_upload(request, pk):
    submission = _submission(request, pk)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择要上传的 Excel 文件。"))
        return _back(submission)
    try:
        _attempt, task = services.upload_start(
            actor=request.user,
            submission=submission,
            uploaded_file=form.cleaned_data["file"],
            language=get_language(),
        )
    except (PermissionDenied, ValidationError) as exc:
        _fail(request, exc)
        return _back(submission)
    return _back(submission, task)


@login_required
@require_POST
def submission_action(request, pk, action):
    submission = _submission(request, pk)
    reason = request.POST.get("reason", "")
    try:
        if action == "submit":
            services.submission_submit(actor=request.user, submission=submission)
            messages.success(request, _("已提交，等待审核。"))
        elif action == "approve":
            _submission_now, task = services.approve_and_enroll(
                actor=request.user, submission=submission, language=get_language()
            )
            messages.success(request, _("已审核通过。"))
            return _back(submission, task)
        elif action == "reject":
            services.submission_reject(actor=request.user, submission=submission, reason=reason)
            messages.success(request, _("已退回。"))
        elif action == "reopen":
            services.submission_reopen(actor=request.user, submission=submission, reason=reason)
            messages.success(
                request, _("已重新开放，上报人可在 %(d)d 天内修改。") % {"d": services.REOPEN_DAYS}
            )
        else:
            raise Http404
    except (PermissionDenied, ValidationError) as exc:
        _fail(request, exc)
    return _back(submission)


@login_required
@require_POST
def row_delete(request, pk, row_id):
    submission = _submission(request, pk)
    row = submission.rows.filter(pk=row_id).first()
    if row is None:
        raise Http404
    try:
        services.row_delete(actor=request.user, row=row)
        messages.success(
            request, _("已删除第 %(n)d 行：%(name)s。") % {"n": row.row_no, "name": row.real_name}
        )
    except (PermissionDenied, ValidationError) as exc:
        _fail(request, exc)
    return _back(submission)


@login_required
@require_GET
def attempt_marked(request, pk, attempt_id):
    submission = _submission(request, pk)
    attempt = submission.attempts.filter(pk=attempt_id).exclude(marked_path="").first()
    path = (Path(settings.PRIVATE_ROOT) / attempt.marked_path) if attempt else None
    if path is None or not path.is_file():
        raise Http404
    name = f"{Path(attempt.source_name).stem or 'roster'}-错误标注.xlsx"
    return FileResponse(open(path, "rb"), as_attachment=True, filename=name)  # noqa: SIM115


@login_required
@require_GET
def template_download(request, pk):
    submission = _submission(request, pk)
    spec = submission.subject.spec if submission.subject_id else None
    window = window_for(project=submission.project, kind=submission.kind)
    data = roster_template(
        kind=submission.kind,
        scope=submission.region,
        subject=spec,
        project_name=str(submission.project),
        deadline=window.closes_at if window else None,
    )
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    filename = template_filename(kind=submission.kind, scope=submission.region, subject=spec)
    from django.utils.encoding import escape_uri_path

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(filename)}"
    return response


@login_required
@require_POST
def submission_codes(request, pk):
    """Activation codes for the trainees of an approved table, for the lead who hands them out."""
    from teachnet.accounts.tasks import export_activation_codes

    submission = _submission(request, pk)
    if submission.state != Submission.State.APPROVED or not region_in_scope(
        actor=request.user, perm=Perm.ACCOUNT_ISSUE, region=submission.region
    ):
        raise Http404
    hashes = list(submission.rows.values_list("id_card_hash", flat=True))
    task = progress_start(
        owner=request.user, kind="activation_codes", title=_("导出激活码：%(s)s") % {"s": submission}
    )
    run_in_background(
        export_activation_codes,
        str(task.pk),
        request.user.pk,
        submission.region_id,
        request.build_absolute_uri(reverse("accounts:activate")),
        get_language(),
        hashes,
    )
    return _back(submission, task)


@login_required
@require_http_methods(["GET", "POST"])
def row_edit(request, pk, row_id):
    submission = _submission(request, pk)
    row = submission.rows.filter(pk=row_id).first()
    # Only while the table may be changed: the form shows the numbers in full.
    editable = submission.editable and services.uploads_open(submission)
    if (
        row is None
        or not editable
        or not can(actor=request.user, perm=services.SUBMIT_PERM[submission.kind], obj=submission)
    ):
        raise Http404
    current = services.row_values(row)
    form = RowForm(request.POST or None, columns=list(current), initial=current)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            errors = services.row_update(actor=request.user, row=row, values={**current, **form.cleaned_data})
        except (PermissionDenied, ValidationError) as exc:
            _fail(request, exc)
            return _back(submission)
        if not errors:
            messages.success(request, _("已修改第 %(n)d 行。") % {"n": row.row_no})
            return _back(submission)
        for e in errors:
            form.add_error(e.column if e.column in form.fields else None, e.message)
    elif request.method == "GET":
        # The edit form shows the numbers in full to the person who reported them: that is a disclosure too.
        audit_record(
            actor=request.user, verb="pii.viewed", target=row, ip_address=request.META.get("REMOTE_ADDR")
        )
    response = render(
        request, "reporting/row_form.html", {"submission": submission, "row": row, "form": form}
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def windows_edit(request):
    project, _projects = _project(request)
    if not services.may_manage_windows(actor=request.user, project=project):
        raise Http404
    form = WindowForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.window_set(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存上报期限。"))
            return redirect(f"{reverse('reporting:windows')}?project={project.pk}")
    windows = project.reporting_windows.order_by("kind")
    return render(request, "reporting/windows.html", {"project": project, "form": form, "windows": windows})
