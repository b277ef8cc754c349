"""Pages of the learning app: the learner's workspace, the player, the catalog, the journal, the records
(for the learner and everyone above them in scope), and a class's study overview and plans for its tutor."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from teachnet.accounts.permissions import can, get_visible_or_404
from teachnet.accounts.roles import Perm
from teachnet.core.forms import add_service_errors
from teachnet.core.pagecache import personal_page
from teachnet.courses.files import snapshot_file_response
from teachnet.courses.models import Course
from teachnet.training.models import Enrollment, TrainingClass
from teachnet.training.selectors_projects import project_access

from . import exports, progress, selectors, services, services_plans, services_rules
from .forms import JournalForm, PlanForm, PlanItemForm, PolicyForm, QuestionForm
from .models import JournalEntry, Plan, Question, Reason
from .services import policy_for, resource_credited

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _course(course_id) -> Course:
    return get_object_or_404(
        Course.objects.select_related(
            "approved_version",
            "provider_subject__project",
            "provider_subject__subject",
            "provider_subject__provider",
        ),
        pk=course_id,
    )


@login_required
@personal_page(fill=progress.fill)
def workspace(request):
    rows = selectors.workspaces(learner=request.user)
    return render(request, "learning/workspace.html", {"workspaces": rows})


@login_required
def player(request, course_id, resource_id):
    course = _course(course_id)
    entry = selectors.studyable(learner=request.user, course=course, resource_id=resource_id)
    if entry is None:
        raise Http404
    policy = policy_for(course.provider_subject.project)
    file_url = ""
    if entry.get("file"):
        file_url = reverse("learning:file", kwargs={"course_id": course.pk, "resource_id": resource_id})
    return render(
        request,
        "learning/player.html",
        {
            "course": course,
            "r": entry,
            "file_url": file_url,
            "policy": policy,
            "credited": resource_credited(learner=request.user, resource_id=resource_id),
        },
    )


@login_required
def resource_file(request, course_id, resource_id):
    """A file of the approved version, for a learner who may study it now (range requests for seeking)."""
    course = _course(course_id)
    entry = selectors.studyable(learner=request.user, course=course, resource_id=resource_id)
    if entry is None or not entry.get("file"):
        raise Http404
    return snapshot_file_response(request, entry)


# --- Catalog (LRN-4: self-directed) -----------------------------------------------------------------------


@login_required
def catalog(request):
    return render(request, "learning/catalog.html", {"courses": selectors.catalog(learner=request.user)})


@login_required
@require_POST
def pick(request, course_id, resource_id):
    course = _course(course_id)
    try:
        services_plans.self_pick(learner=request.user, course=course, resource_id=resource_id)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("learning:catalog")
    messages.success(request, _("已加入自选学习。"))
    return redirect("learning:player", course_id=course.pk, resource_id=resource_id)


# --- Records (LRN-3) ----------------------------------------------------------------------------------------


@login_required
def my_record(request):
    return redirect("learning:record", learner_id=request.user.pk)


@login_required
def record(request, learner_id):
    enrollments = selectors.record_access(actor=request.user, learner_id=learner_id)
    records = [selectors.record(enrollment=e) for e in enrollments]
    journals = {
        e.project_id: JournalEntry.objects.filter(learner_id=learner_id, project=e.project).select_related(
            "resource"
        )
        for e in enrollments
    }
    return render(
        request,
        "learning/record.html",
        {
            "records": [(r, journals[r.enrollment.project_id]) for r in records],
            "learner": enrollments[0].user,
            "own": request.user.pk == learner_id,
            "reasons": dict(Reason.choices),
        },
    )


# --- Journal (LRN-5) ----------------------------------------------------------------------------------------


@login_required
def journal(request):
    enrollments = list(
        Enrollment.objects.filter(user=request.user, role=Enrollment.Role.LEARNER).select_related("project")
    )
    if not enrollments:
        raise Http404
    form = JournalForm(request.POST or None, projects=[e.project for e in enrollments])
    if request.method == "POST" and form.is_valid():
        try:
            services_plans.journal_write(learner=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("研修日志已保存，辅导教师可以看到。"))
            return redirect("learning:journal")
    entries = JournalEntry.objects.filter(learner=request.user).select_related("project", "resource")
    return render(request, "learning/journal.html", {"form": form, "entries": entries})


# --- A class: study overview and plans (LRN-3, LRN-4) -------------------------------------------------------


def _class(request, class_id, perm: Perm = Perm.CLASS_VIEW) -> TrainingClass:
    return get_visible_or_404(
        actor=request.user,
        model=TrainingClass,
        perm=perm,
        pk=class_id,
        queryset=TrainingClass.objects.select_related("project", "subject", "tutor"),
    )


def _class_study(request, training_class):
    """The class table as the query asks: ?sort=<column> or -<column>, ?behind=1 for those behind the plan."""
    sort = request.GET.get("sort", "")
    if sort.lstrip("-") not in selectors.CLASS_SORTS:
        sort = ""
    behind_only = request.GET.get("behind") == "1"
    study = selectors.class_records(
        actor=request.user, training_class=training_class, sort=sort, behind_only=behind_only
    )
    return study, sort, behind_only


@login_required
def class_study(request, class_id):
    training_class = _class(request, class_id)
    may_plan = can(actor=request.user, perm=Perm.STUDY_PLAN_MANAGE, obj=training_class)
    plans = Plan.objects.filter(training_class=training_class).prefetch_related("items__resource")
    choices = services_plans.plan_resource_choices(training_class=training_class) if may_plan else []
    study, sort, behind_only = _class_study(request, training_class)
    return render(
        request,
        "learning/class_study.html",
        {
            "k": training_class,
            "study": study,
            "rows": study.rows,
            "sort": sort,
            "behind_only": behind_only,
            "columns": _sort_links(sort, behind_only),
            "plans": [(plan, [study.items[i.pk] for i in plan.items.all()]) for plan in plans],
            "may_plan": may_plan,
            "plan_form": PlanForm() if may_plan else None,
            "item_form": PlanItemForm(resources=choices) if may_plan else None,
        },
    )


def _sort_links(sort: str, behind_only: bool) -> dict[str, dict]:
    """Per column: the query that sorts by it (ascending first, then the other way) and its arrow now."""
    links = {}
    for key in selectors.CLASS_SORTS:
        now = "asc" if sort == key else "desc" if sort == f"-{key}" else ""
        query = {"sort": f"-{key}" if now == "asc" else key}
        if behind_only:
            query["behind"] = "1"
        links[key] = {
            "query": urlencode(query),
            "state": now,
            "aria": {"asc": "ascending", "desc": "descending"}.get(now, "none"),
        }
    return links


@login_required
def class_study_export(request, class_id):
    training_class = _class(request, class_id)
    study, sort, behind_only = _class_study(request, training_class)
    name, content = exports.class_records_xlsx(
        actor=request.user, training_class=training_class, study=study, sort=sort, behind_only=behind_only
    )
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    return response


@login_required
@require_POST
def plan_create(request, class_id):
    training_class = _class(request, class_id, Perm.STUDY_PLAN_MANAGE)
    form = PlanForm(request.POST)
    if form.is_valid():
        services_plans.plan_create(
            actor=request.user, training_class=training_class, title=form.cleaned_data["title"]
        )
        messages.success(request, _("已建立学习计划。"))
    else:
        messages.error(request, _("请填写计划名称。"))
    return redirect("learning:class", class_id=training_class.pk)


@login_required
@require_POST
def plan_item_add(request, class_id, plan_id):
    training_class = _class(request, class_id, Perm.STUDY_PLAN_MANAGE)
    plan = get_object_or_404(Plan, pk=plan_id, training_class=training_class)
    form = PlanItemForm(
        request.POST, resources=services_plans.plan_resource_choices(training_class=training_class)
    )
    if form.is_valid():
        try:
            services_plans.plan_item_add(actor=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("已加入计划。"))
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("learning:class", class_id=training_class.pk)


# --- The project's study rules (the project office) --------------------------------------------------------


def _rules_page(request, project, *, form=None, question_form=None, status=200):
    policy = services.policy_for(project)
    return render(
        request,
        "learning/rules.html",
        {
            "project": project,
            "saved": policy.pk is not None,
            "form": form or PolicyForm(instance=policy),
            "question_form": question_form or QuestionForm(),
            "questions": Question.objects.filter(project=project).order_by("pk"),
        },
        status=status,
    )


@login_required
def rules(request, project_id):
    project = project_access(actor=request.user, pk=project_id)
    if request.method != "POST":
        return _rules_page(request, project)
    form = PolicyForm(request.POST, instance=services.policy_for(project))
    if form.is_valid():
        try:
            services_rules.policy_save(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("已保存学时规则：此后开始的学习按新规则计时，学时按新的换算规则显示。")
            )
            return redirect("learning:rules", project_id=project.pk)
    return _rules_page(request, project, form=form, status=400)


@login_required
@require_POST
def question_add(request, project_id):
    project = project_access(actor=request.user, pk=project_id)
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            services_rules.question_add(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已加入题库。"))
            return redirect("learning:rules", project_id=project.pk)
    return _rules_page(request, project, question_form=form, status=400)


@login_required
@require_POST
def question_remove(request, project_id, question_id):
    project = project_access(actor=request.user, pk=project_id)
    question = get_object_or_404(Question, pk=question_id, project=project)
    services_rules.question_remove(actor=request.user, question=question)
    messages.success(request, _("已从题库删去“%(q)s”。") % {"q": question.prompt})
    return redirect("learning:rules", project_id=project.pk)
