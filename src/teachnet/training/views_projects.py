"""Setting a project up in the browser (TRN-1, REP-8): create and edit it, its subjects, its quotas.

Every page of an existing project is fetched through the permission layer with PROJECT_MANAGE: a project the
actor may not manage is a 404, whether it exists or not. Creating is for the project office over the nation.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from teachnet.core.forms import add_service_errors

from . import selectors_projects as sel
from . import services_projects as svc
from .catalog import GP2011_SUBJECTS
from .forms_projects import ProjectForm, QuotaForm, QuotaUploadForm, SubjectForm
from .models import Subject

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- The project --------------------------------------------------------------------------------------------


@login_required
def project_create(request):
    if not svc.may_create_project(actor=request.user):
        raise Http404
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            project = svc.project_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已新建项目“%(name)s”。下一步：添加学科。") % {"name": project.name})
            return redirect("training:project_subjects", pk=project.pk)
    return render(request, "training/projects/form.html", {"form": form, "project": None})


@login_required
def project_edit(request, pk):
    project = sel.project_access(actor=request.user, pk=pk)
    form = ProjectForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            svc.project_update(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存项目信息。"))
            return redirect("training:project", pk=project.pk)
    return render(request, "training/projects/form.html", {"form": form, "project": project})


# --- Subjects -----------------------------------------------------------------------------------------------


def _subjects_page(request, project, *, form=None, status=200):
    return render(
        request,
        "training/projects/subjects.html",
        {
            "project": project,
            "stages": sel.subject_uses_by_stage(project=project),
            "form": form or SubjectForm(),
            "catalog_size": len(GP2011_SUBJECTS),
        },
        status=status,
    )


@login_required
def subjects(request, pk):
    project = sel.project_access(actor=request.user, pk=pk)
    if request.method != "POST":
        return _subjects_page(request, project)
    form = SubjectForm(request.POST)
    if form.is_valid():
        try:
            subject = svc.subject_add(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已添加学科“%(label)s”。") % {"label": subject.label})
            return redirect("training:project_subjects", pk=project.pk)
    return _subjects_page(request, project, form=form, status=400)


@login_required
@require_POST
def subjects_add_gp2011(request, pk):
    project = sel.project_access(actor=request.user, pk=pk)
    added = svc.subjects_add_gp2011(actor=request.user, project=project)
    if added:
        messages.success(request, _("已添加 %(n)d 个学科。") % {"n": len(added)})
    else:
        messages.info(request, _("国培计划(2011)的学科本项目都已有，没有添加。"))
    return redirect("training:project_subjects", pk=project.pk)


@login_required
@require_POST
def subject_remove(request, pk, subject_id):
    project = sel.project_access(actor=request.user, pk=pk)
    subject = get_object_or_404(Subject, project=project, pk=subject_id)
    try:
        svc.subject_remove(actor=request.user, subject=subject)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已删除学科“%(label)s”。") % {"label": subject.label})
    return redirect("training:project_subjects", pk=project.pk)


# --- Quotas -------------------------------------------------------------------------------------------------


def _province_filter(request, project) -> str:
    code = request.GET.get("province", "")
    return code if any(p.code == code for p in project.provinces.all()) else ""


def _back_to_quotas(request, project):
    url = reverse("training:project_quotas", args=[project.pk])
    province = _province_filter(request, project)
    return redirect(f"{url}?province={province}" if province else url)


def _quota_form(project, data=None):
    return QuotaForm(
        data,
        project=project,
        region_choices=sel.quota_region_choices(project=project),
        subjects=sel.subjects_ordered(project=project),
    )


def _quotas_page(request, project, *, quota_form=None, upload_form=None, rejected=None, status=200):
    province = _province_filter(request, project)
    return render(
        request,
        "training/projects/quotas.html",
        {
            "project": project,
            "province": province,
            "provinces": sorted(project.provinces.all(), key=lambda r: r.code),
            "table": sel.quota_table(project=project, province=province),
            "quota_form": quota_form or _quota_form(project),
            "upload_form": upload_form or QuotaUploadForm(),
            "rejected": rejected,
        },
        status=status,
    )


@login_required
def quotas(request, pk):
    return _quotas_page(request, sel.project_access(actor=request.user, pk=pk))


@login_required
@require_POST
def quota_set(request, pk):
    project = sel.project_access(actor=request.user, pk=pk)
    form = _quota_form(project, request.POST)
    if form.is_valid():
        try:
            svc.quota_set(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            data = form.cleaned_data
            if data["places"]:
                message = _("已将%(region)s %(subject)s 的名额设为 %(n)d。")
            else:
                message = _("已删除%(region)s %(subject)s 的名额。")
            messages.success(
                request,
                message
                % {"region": data["region"].name, "subject": data["subject"].label, "n": data["places"]},
            )
            return _back_to_quotas(request, project)
    return _quotas_page(request, project, quota_form=form, status=400)


@login_required
@require_POST
def quotas_upload(request, pk):
    project = sel.project_access(actor=request.user, pk=pk)
    form = QuotaUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _quotas_page(request, project, upload_form=form, status=400)
    try:
        result = svc.quotas_upload(
            actor=request.user,
            project=project,
            uploaded_file=form.cleaned_data["file"],
            replace=form.cleaned_data["mode"] == QuotaUploadForm.MODE_REPLACE,
        )
    except svc.QuotaFileRejected as exc:
        return _quotas_page(request, project, upload_form=form, rejected=exc, status=400)
    messages.success(
        request,
        _(
            "已导入名额表：新增 %(created)d 条，修改 %(changed)d 条，"
            "未变 %(unchanged)d 条，删除 %(removed)d 条。"
        )
        % result.__dict__,
    )
    return _back_to_quotas(request, project)


@login_required
def quotas_download(request, pk):
    project = sel.project_access(actor=request.user, pk=pk)
    name, body = sel.quotas_xlsx(project=project, province=_province_filter(request, project))
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    return response
