"""Trainer training pages (骨干培训者培训, TRN-5): in the provider workspace, a subject's sessions, the form
to schedule one, its attendance sheet and the trainers' status against the plan; for the project office and
the provincial leads, a read-only view of every provider's subject (a provincial lead sees their own
province's trainers).

Every object is fetched through the permission layer: a provider's subject or a session the actor may not
reach is a 404, whether it exists or not.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from teachnet.accounts.permissions import get_visible_or_404, has_any
from teachnet.accounts.roles import Perm
from teachnet.core.forms import add_service_errors

from . import services_sessions as services
from .models import Project, ProviderSubject
from .models_sessions import TrainerSession
from .selectors import provider_subject_access


def _datetime_input():
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class TrainerSessionForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=TrainerSession.Kind.choices)
    title = forms.CharField(label=gettext_lazy("主题"), max_length=200)
    starts_at = forms.DateTimeField(label=gettext_lazy("开始时间"), widget=_datetime_input())
    ends_at = forms.DateTimeField(label=gettext_lazy("结束时间"), widget=_datetime_input())
    hours = forms.DecimalField(
        label=gettext_lazy("学时"),
        required=False,
        max_digits=5,
        decimal_places=1,
        min_value=0.1,
        help_text=gettext_lazy("留空则按起止时间计算（每小时 1 学时）。"),
    )
    place = forms.CharField(label=gettext_lazy("地点/链接"), max_length=300, required=False)

    @classmethod
    def of(cls, session: TrainerSession) -> "TrainerSessionForm":
        return cls(
            initial={
                "kind": session.kind,
                "title": session.title,
                "starts_at": session.starts_at,
                "ends_at": session.ends_at,
                "hours": session.hours,
                "place": session.place,
            }
        )


def _provider_subject(request, ps_id, perm: Perm = Perm.TRAINER_SESSION_VIEW) -> ProviderSubject:
    return provider_subject_access(actor=request.user, pk=ps_id, perm=perm)


def _session(request, provider_subject, session_id, perm: Perm = Perm.TRAINER_SESSION_VIEW) -> TrainerSession:
    return get_visible_or_404(
        actor=request.user,
        model=TrainerSession,
        perm=perm,
        pk=session_id,
        queryset=TrainerSession.objects.filter(provider_subject=provider_subject).select_related(
            "provider_subject__project", "provider_subject__provider", "provider_subject__subject"
        ),
    )


def _list_page(request, provider_subject, *, form=None, status=200):
    may_manage = services.may_manage_sessions(actor=request.user, provider_subject=provider_subject)
    trainers = services.trainer_list_visible(actor=request.user, provider_subject=provider_subject)
    return render(
        request,
        "training/sessions/list.html",
        {
            "ps": provider_subject,
            "sessions": services.session_list(provider_subject=provider_subject),
            "status": services.trainer_training_status(provider_subject=provider_subject, trainers=trainers),
            "may_manage": may_manage,
            "form": (form or TrainerSessionForm()) if may_manage else None,
        },
        status=status,
    )


@login_required
def session_list(request, ps_id):
    return _list_page(request, _provider_subject(request, ps_id))


@login_required
@require_POST
def session_create(request, ps_id):
    provider_subject = _provider_subject(request, ps_id, Perm.TRAINER_SESSION_MANAGE)
    form = TrainerSessionForm(request.POST)
    if form.is_valid():
        try:
            session = services.session_create(
                actor=request.user, provider_subject=provider_subject, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已安排 %(title)s。") % {"title": session.title})
            return redirect("training:sessions", ps_id=provider_subject.pk)
    return _list_page(request, provider_subject, form=form, status=400)


def _detail_page(request, session, *, form=None, status=200):
    provider_subject = session.provider_subject
    may_manage = services.may_manage_sessions(actor=request.user, provider_subject=provider_subject)
    trainers = services.trainer_list_visible(actor=request.user, provider_subject=provider_subject)
    return render(
        request,
        "training/sessions/detail.html",
        {
            "ps": provider_subject,
            "session": session,
            "sheet": services.attendance_sheet(session=session, trainers=trainers),
            "may_manage": may_manage,
            "form": (form or TrainerSessionForm.of(session)) if may_manage else None,
        },
        status=status,
    )


@login_required
def session_detail(request, ps_id, session_id):
    provider_subject = _provider_subject(request, ps_id)
    return _detail_page(request, _session(request, provider_subject, session_id))


@login_required
@require_POST
def session_edit(request, ps_id, session_id):
    provider_subject = _provider_subject(request, ps_id, Perm.TRAINER_SESSION_MANAGE)
    session = _session(request, provider_subject, session_id, Perm.TRAINER_SESSION_MANAGE)
    form = TrainerSessionForm(request.POST)
    if form.is_valid():
        try:
            services.session_update(actor=request.user, session=session, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("training:session", ps_id=provider_subject.pk, session_id=session.pk)
    session.refresh_from_db()
    return _detail_page(request, session, form=form, status=400)


@login_required
@require_POST
def session_attendance(request, ps_id, session_id):
    provider_subject = _provider_subject(request, ps_id, Perm.TRAINER_SESSION_MANAGE)
    session = _session(request, provider_subject, session_id, Perm.TRAINER_SESSION_MANAGE)
    try:
        ids = [int(v) for v in request.POST.getlist("present")]
    except ValueError as exc:
        raise Http404 from exc
    try:
        services.attendance_set(actor=request.user, session=session, present_user_ids=ids)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已保存出勤：%(n)d 人出勤。") % {"n": len(ids)})
    return redirect("training:session", ps_id=provider_subject.pk, session_id=session.pk)


@login_required
@require_POST
def session_delete(request, ps_id, session_id):
    provider_subject = _provider_subject(request, ps_id, Perm.TRAINER_SESSION_MANAGE)
    session = _session(request, provider_subject, session_id, Perm.TRAINER_SESSION_MANAGE)
    services.session_delete(actor=request.user, session=session)
    messages.success(request, _("已删除 %(title)s。") % {"title": session.title})
    return redirect("training:sessions", ps_id=provider_subject.pk)


@login_required
def trainer_status(request, ps_id):
    provider_subject = _provider_subject(request, ps_id)
    trainers = services.trainer_list_visible(actor=request.user, provider_subject=provider_subject)
    return render(
        request,
        "training/sessions/status.html",
        {
            "ps": provider_subject,
            "status": services.trainer_training_status(provider_subject=provider_subject, trainers=trainers),
            "requirements": _requirements(),
        },
    )


@login_required
def project_trainer_training(request, pk):
    """The project office's and the provincial leads' read-only view over every provider's subject."""
    if not has_any(actor=request.user, perm=Perm.TRAINER_SESSION_VIEW):
        raise Http404
    project = get_visible_or_404(actor=request.user, model=Project, perm=Perm.TRAINER_SESSION_VIEW, pk=pk)
    return render(
        request,
        "training/sessions/project.html",
        {
            "project": project,
            "statuses": services.trainer_training_overview(actor=request.user, project=project),
            "requirements": _requirements(),
        },
    )


def _requirements() -> dict:
    return {
        "concentrated": services.REQUIRED_CONCENTRATED_HOURS,
        "drill": services.REQUIRED_DRILL_HOURS,
        "rehearsals": services.REQUIRED_REHEARSALS,
    }
