"""Class pages (TRN-6) and adjustment pages (TRN-7): the provincial lead builds a subject's classes and moves
learners; a class page shows the members the actor may see (the tutor theirs, a city lead their city's); a
city lead replaces or withdraws learners until the cut-off, the provincial lead after it.

Objects are fetched through the permission layer: one the actor may not reach is a 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from teachnet.accounts.permissions import can, get_visible_or_404, has_any
from teachnet.accounts.roles import Perm
from teachnet.core.forms import add_service_errors
from teachnet.orgs.models import Region

from . import selectors_classes as sel
from . import services_classes as svc
from .forms_classes import BuildForm, MoveForm, ReplaceForm, WithdrawForm
from .models import Enrollment, Project, Subject


def _project(request, pk) -> Project:
    return get_visible_or_404(actor=request.user, model=Project, perm=Perm.PROJECT_VIEW, pk=pk)


@login_required
def classes_index(request, pk):
    project = _project(request, pk)
    subjects = list(project.subjects.all())
    provinces = [
        p
        for p in project.provinces.all()
        if svc.may_build_classes(actor=request.user, project=project, province=p)
    ]
    classes = sel.class_list_visible(actor=request.user, project=project)
    may_adjust = has_any(actor=request.user, perm=Perm.LEARNER_ADJUST)
    if not classes.exists() and not provinces and not may_adjust:
        raise Http404
    return render(
        request,
        "training/classes/index.html",
        {
            "project": project,
            "classes": classes,
            "build_links": [(p, s) for p in provinces for s in subjects],
            "subjects": subjects if may_adjust else [],
        },
    )


@login_required
def my_classes(request):
    """A tutor's own classes, in every project (TRN-6: each class has a tutor)."""
    classes = sel.class_list_visible(actor=request.user).filter(tutor=request.user)
    return render(request, "training/classes/mine.html", {"classes": classes})


@login_required
def classes_build(request, pk, province_code, subject_id):
    project = _project(request, pk)
    province = get_object_or_404(Region, code=province_code, level=Region.Level.PROVINCE)
    subject = get_object_or_404(Subject, pk=subject_id, project=project)
    if not svc.may_build_classes(actor=request.user, project=project, province=province):
        raise Http404
    form = BuildForm(request.POST or None)
    summary = None
    if request.method == "POST" and form.is_valid():
        try:
            summary = svc.classes_build(
                actor=request.user,
                project=project,
                subject=subject,
                province=province,
                size=form.cleaned_data["size"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(
        request,
        "training/classes/build.html",
        {
            "project": project,
            "province": province,
            "subject": subject,
            "form": form,
            "summary": summary,
            "classes": sel.class_list_visible(
                actor=request.user, project=project, subject=subject, province=province
            ),
        },
    )


def _class_page(request, klass, *, move_form=None, status=200):
    may_manage = can(actor=request.user, perm=Perm.CLASS_MANAGE, obj=klass)
    return render(
        request,
        "training/classes/detail.html",
        {
            "klass": klass,
            "members": sel.class_members_visible(actor=request.user, training_class=klass),
            "cities": klass.cities.all(),
            "may_manage": may_manage,
            "move_form": (move_form or MoveForm(training_class=klass)) if may_manage else None,
        },
        status=status,
    )


@login_required
def class_detail(request, class_id):
    return _class_page(request, sel.class_access(actor=request.user, class_id=class_id))


@login_required
@require_POST
def class_member_move(request, class_id, membership_id):
    klass = sel.class_access(actor=request.user, class_id=class_id, need=Perm.CLASS_MANAGE)
    membership = get_object_or_404(klass.memberships, pk=membership_id)
    form = MoveForm(request.POST, training_class=klass)
    if form.is_valid():
        try:
            svc.class_move(actor=request.user, membership=membership, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已调班。"))
            return redirect("training:class", class_id=klass.pk)
    return _class_page(request, klass, move_form=form, status=400)


# --- Adjustments (TRN-7) ------------------------------------------------------------------------------------


@login_required
def learners(request, pk, subject_id):
    project = _project(request, pk)
    subject = get_object_or_404(Subject, pk=subject_id, project=project)
    if not has_any(actor=request.user, perm=Perm.LEARNER_ADJUST):
        raise Http404
    rows = list(sel.learners_adjustable(actor=request.user, project=project, subject=subject))
    classes = sel.class_of(enrollments=[e.pk for e in rows])
    return render(
        request,
        "training/classes/learners.html",
        {
            "project": project,
            "subject": subject,
            "rows": [(e, classes.get(e.pk)) for e in rows],
            "cutoff": svc.adjustment_cutoff(project=project),
            "late": svc.adjustment_is_late(project=project),
            "adjustments": sel.adjustments_visible(actor=request.user, project=project, subject=subject),
        },
    )


def _adjustable(request, enrollment_id) -> Enrollment:
    return get_visible_or_404(
        actor=request.user,
        model=Enrollment,
        perm=Perm.LEARNER_ADJUST,
        pk=enrollment_id,
        queryset=Enrollment.objects.filter(role=Enrollment.Role.LEARNER).select_related(
            "project", "subject", "region", "user"
        ),
    )


@login_required
def learner_replace(request, enrollment_id):
    enrollment = _adjustable(request, enrollment_id)
    form = ReplaceForm(request.POST or None, city=enrollment.region)
    errors = []
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                result = svc.learner_replace(
                    actor=request.user,
                    enrollment=enrollment,
                    values=form.values(),
                    reason=form.cleaned_data["reason"],
                )
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if not result.errors:
                    messages.success(request, _("已替换学员。"))
                    if result.activation_code:
                        messages.warning(
                            request,
                            _("已为新学员开通账号，激活码 %(code)s（只显示这一次，请转交本人）。")
                            % {"code": result.activation_code},
                        )
                    return redirect(
                        "training:learners", pk=enrollment.project_id, subject_id=enrollment.subject_id
                    )
                errors = result.errors
    return render(
        request,
        "training/classes/replace.html",
        {
            "enrollment": enrollment,
            "form": form,
            "errors": errors,
            "late": svc.adjustment_is_late(project=enrollment.project),
        },
        status=status,
    )


@login_required
@require_POST
def learner_withdraw(request, enrollment_id):
    enrollment = _adjustable(request, enrollment_id)
    form = WithdrawForm(request.POST)
    form.is_valid()
    try:
        svc.learner_withdraw(
            actor=request.user, enrollment=enrollment, reason=form.cleaned_data.get("reason", "")
        )
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("%(name)s 已退出培训。") % {"name": enrollment.user.real_name})
    return redirect("training:learners", pk=enrollment.project_id, subject_id=enrollment.subject_id)
