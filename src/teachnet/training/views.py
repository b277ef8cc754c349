"""Training pages: the project office's overview of a project (TRN-1, TRN-2), its phase dates (TRN-1), and the
provider workspace where a provider admin builds and submits each subject's expert team (TRN-3).

Every object is fetched through the permission layer: a project, a provider's subject or a member the actor
may not reach is a 404, whether it exists or not.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from teachnet.accounts.permissions import get_visible_or_404
from teachnet.accounts.roles import Perm
from teachnet.core.forms import add_service_errors as _errors_to_form

from . import selectors, services, services_projects
from .forms import PhasesForm, ProviderSubjectForm, TeamMemberForm
from .models import ExpertTeamMember, Project, ProviderSubject


def _project(request, pk, perm: Perm) -> Project:
    return get_visible_or_404(actor=request.user, model=Project, perm=perm, pk=pk)


@login_required
def index(request):
    projects = selectors.project_list_overview(actor=request.user)
    provider_subjects = selectors.provider_subject_list_visible(actor=request.user)
    if not projects.exists() and not provider_subjects.exists():
        # The project office over the nation may have no project yet: the list is where it creates one.
        if not services_projects.may_create_project(actor=request.user):
            raise Http404
        return render(request, "training/index.html", {"projects": projects})
    if not projects.exists():
        return redirect("training:provider")
    return render(request, "training/index.html", {"projects": projects})


def _overview(request, project: Project, *, assign_form=None):
    may_manage = services.may_manage_project(actor=request.user, project=project)
    return render(
        request,
        "training/project_overview.html",
        {
            "project": project,
            "phases": selectors.phase_rows(project=project),
            "subjects": selectors.subject_rows(project=project),
            "may_manage": may_manage,
            "assign_form": (assign_form or ProviderSubjectForm(project=project)) if may_manage else None,
        },
    )


@login_required
def project_overview(request, pk):
    return _overview(request, _project(request, pk, Perm.PROJECT_OVERVIEW))


@login_required
def phases_edit(request, pk):
    project = _project(request, pk, Perm.PROJECT_MANAGE)
    form = PhasesForm(request.POST or None, phases=project.phases.all())
    if request.method == "POST" and form.is_valid():
        try:
            services.phases_set(actor=request.user, project=project, dates=form.dates())
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("已保存项目阶段。"))
            return redirect("training:project", pk=project.pk)
    return render(request, "training/phases_edit.html", {"project": project, "form": form})


@login_required
@require_POST
def provider_subject_assign(request, pk):
    project = _project(request, pk, Perm.PROJECT_MANAGE)
    form = ProviderSubjectForm(request.POST, project=project)
    if form.is_valid():
        try:
            services.provider_subject_assign(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("已分配承担学科。"))
            return redirect("training:project", pk=project.pk)
    return _overview(request, project, assign_form=form)


@login_required
@require_POST
def provider_subject_unassign(request, pk, ps_id):
    project = _project(request, pk, Perm.PROJECT_MANAGE)
    assignment = get_visible_or_404(
        actor=request.user,
        model=ProviderSubject,
        perm=Perm.TEAM_VIEW,
        pk=ps_id,
        queryset=ProviderSubject.objects.filter(project=project),
    )
    try:
        services.provider_subject_unassign(actor=request.user, provider_subject=assignment)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已取消分配。"))
    return redirect("training:project", pk=project.pk)


# --- Provider workspace (TRN-3) -----------------------------------------------------------------------------


@login_required
def provider_workspace(request):
    provider_subjects = list(selectors.provider_subject_list_visible(actor=request.user))
    if not provider_subjects:
        raise Http404
    statuses = selectors.team_statuses(provider_subjects=provider_subjects)
    return render(
        request,
        "training/provider_workspace.html",
        {"rows": [(ps, statuses[ps.pk]) for ps in provider_subjects]},
    )


def _provider_subject(request, ps_id, perm: Perm = Perm.TEAM_VIEW) -> ProviderSubject:
    return selectors.provider_subject_access(actor=request.user, pk=ps_id, perm=perm)


def _team_page(request, provider_subject: ProviderSubject, *, form=None, status=200):
    may_manage = services.may_manage_team(actor=request.user, provider_subject=provider_subject)
    return render(
        request,
        "training/team.html",
        {
            "ps": provider_subject,
            "members": selectors.team_member_list(provider_subject=provider_subject),
            "status": selectors.team_status(provider_subject=provider_subject),
            "may_manage": may_manage,
            "form": (form or TeamMemberForm()) if may_manage else None,
            "limits": {
                "min": services.TEAM_MIN,
                "max": services.TEAM_MAX,
                "frontline": services.FRONTLINE_MIN_PERCENT,
            },
        },
        status=status,
    )


@login_required
def team_detail(request, ps_id):
    return _team_page(request, _provider_subject(request, ps_id))


@login_required
@require_POST
def team_member_add(request, ps_id):
    provider_subject = _provider_subject(request, ps_id, Perm.TEAM_MANAGE)
    form = TeamMemberForm(request.POST)
    if form.is_valid():
        try:
            member, code = services.team_member_add(
                actor=request.user, provider_subject=provider_subject, **form.cleaned_data
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("已将 %(name)s 加入团队。") % {"name": member.name})
            if code:
                messages.warning(
                    request,
                    _("已为 %(name)s 开通账号，激活码 %(code)s（只显示这一次，请转交本人）。")
                    % {"name": member.name, "code": code},
                )
            return redirect("training:team", ps_id=provider_subject.pk)
    return _team_page(request, provider_subject, form=form, status=400)


@login_required
@require_POST
def team_member_remove(request, ps_id, member_id):
    provider_subject = _provider_subject(request, ps_id, Perm.TEAM_MANAGE)
    member = get_visible_or_404(
        actor=request.user,
        model=ExpertTeamMember,
        perm=Perm.TEAM_MANAGE,
        pk=member_id,
        queryset=ExpertTeamMember.objects.filter(provider_subject=provider_subject),
    )
    services.team_member_remove(actor=request.user, member=member)
    messages.success(request, _("已将 %(name)s 移出团队。") % {"name": member.name})
    return redirect("training:team", ps_id=provider_subject.pk)


@login_required
@require_POST
def team_submit(request, ps_id):
    provider_subject = _provider_subject(request, ps_id, Perm.TEAM_MANAGE)
    try:
        services.team_submit(actor=request.user, provider_subject=provider_subject)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("专家团队已提交。"))
    return redirect("training:team", ps_id=provider_subject.pk)
