"""Pages of homework (ACT-6): the learner's editor, the tutor's grading page, the experts' subject page,
rubric library, spot checks and showcase, the copy flags and pair view."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from teachnet.core.forms import add_service_errors
from teachnet.core.http import serve_private_file
from teachnet.core.models import TaskProgress
from teachnet.core.pagecache import personal_page
from teachnet.core.richtext import plain_text

from . import selectors, services
from . import similarity as sim
from .forms import AssignmentForm, RubricForm
from .models import Attachment, Rubric, Submission


def _messages(exc) -> str:
    return " ".join(getattr(exc, "messages", None) or [str(exc)])


def _version(request) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


def _levels(request) -> dict[str, str]:
    return {k[6:]: v for k, v in request.POST.items() if k.startswith("level-") and v}


@login_required
def index(request):
    r = selectors.reach(request.user)
    learner_items = selectors.learner_open_assignments(actor=request.user)
    tutor_rows = []
    for klass in r.tutor_classes:
        for a in (
            selectors.assignments_reached(request.user)
            .filter(project_id=klass.project_id)
            .order_by("deadline")
        ):
            if klass.pk in {c.pk for c in selectors.assignment_classes(assignment=a)}:
                tutor_rows.append((klass, a, selectors.progress_by_class(assignment=a, classes=[klass])[0]))
    expert_subjects = []
    for ps in selectors.expert_provider_subjects(actor=request.user):
        expert_subjects.append((ps, ps.assignments.order_by("deadline")))
    return render(
        request,
        "homework/index.html",
        {
            "learner_items": learner_items,
            "tutor_rows": tutor_rows,
            "expert_subjects": expert_subjects,
            "tutor_classes": r.tutor_classes,
            "now": timezone.now(),
        },
    )


# --- An assignment ------------------------------------------------------------------------------------------


def _learner_context(request, part, submission, *, body=None, errors=None):
    versions = submission.versions.select_related("graded_by") if submission else []
    return {
        "submission": submission,
        "body": (submission.body if submission else "") if body is None else body,
        "errors": errors or {},
        "attachments": submission.attachments.filter(revision=submission.revision) if submission else [],
        "versions": versions,
        "last_return": versions.last() if submission and submission.revision > 1 else None,
        "labels": _level_labels(part.assignment, submission.levels) if submission else {},
    }


def _level_labels(assignment, levels):
    out = []
    for c in assignment.criteria:
        lv = next((lv for lv in c["levels"] if lv["key"] == levels.get(c["key"])), None)
        out.append((c, lv))
    return out


@login_required
def assignment(request, pk):
    part = selectors.assignment_access(actor=request.user, pk=pk)
    a = part.assignment
    context = {"part": part, "a": a, "now": timezone.now(), "past_deadline": timezone.now() > a.deadline}
    if part.learner_class is not None:
        submission = Submission.objects.filter(assignment=a, learner=request.user).first()
        context.update(_learner_context(request, part, submission))
    if part.staff:
        rows = selectors.progress_by_class(assignment=a, classes=part.tutor_classes if not (
            part.expert or part.overseer) else None)  # fmt: skip
        context.update(
            rows=rows,
            total=selectors.progress_total(rows),
            by_tutor=selectors.progress_by_tutor(rows),
            pairs=selectors.pairs_visible(actor=request.user, assignment=a, part=part)[:50],
        )
        task_id = request.GET.get("task")
        if task_id and part.expert:
            context["task"] = TaskProgress.objects.filter(pk=task_id, owner=request.user).first() if _uuid(
                task_id) else None  # fmt: skip
    if part.expert:
        context["spot_checks"] = selectors.spot_checks_for(assignment=a)
        context["agreement"] = selectors.agreement(assignment=a)
    return render(request, "homework/assignment.html", context)


def _uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@login_required
@require_POST
def save(request, pk):
    """The learner saves a draft or submits."""
    part = selectors.assignment_access(actor=request.user, pk=pk)
    if part.learner_class is None:
        raise Http404
    submission = services.submission_for(actor=request.user, assignment=part.assignment)
    submit = request.POST.get("action") == "submit"
    body = request.POST.get("body", "")
    version = _version(request)
    if version == 0 and submission.version == 1 and not submission.body:
        version = 1  # the page was opened before anything was saved: the draft just started is that
    try:
        submission = services.submission_save(
            actor=request.user, submission=submission, body=body, version=version, submit=submit
        )
    except services.StaleSubmission as exc:
        messages.error(
            request,
            _(
                "这份作业已在别处（另一个窗口或设备）修改过，您这次的内容没有保存，已放在编辑框中，请核对后再保存。"
            ),
        )
        return _assignment_again(request, part, exc.current, body=body, status=409)
    except ValidationError as exc:
        # Nothing already saved is lost, and what was typed stays in the editor; a refused submission still
        # keeps the text as a draft.
        if submit:
            try:
                services.submission_save(
                    actor=request.user, submission=submission, body=body, version=version
                )
            except (ValidationError, services.StaleSubmission):
                pass
        submission.refresh_from_db()
        return _assignment_again(request, part, submission, body=body, errors=exc.message_dict, status=400)
    if submit:
        messages.success(request, _("作业已提交。"))
    else:
        messages.success(request, _("草稿已保存。"))
    return redirect("homework:assignment", pk=pk)


def _assignment_again(request, part, submission, *, body, errors=None, status=400):
    a = part.assignment
    context = {"part": part, "a": a, "now": timezone.now(), "past_deadline": timezone.now() > a.deadline}
    context.update(_learner_context(request, part, submission, body=body, errors=errors))
    return render(request, "homework/assignment.html", context, status=status)


@login_required
@require_POST
def upload(request, pk):
    part = selectors.assignment_access(actor=request.user, pk=pk)
    if part.learner_class is None:
        raise Http404
    submission = services.submission_for(actor=request.user, assignment=part.assignment)
    f = request.FILES.get("upload")
    if f is None:
        messages.error(request, _("请选择要上传的文件（附件）。"))
    else:
        try:
            services.attachment_add(actor=request.user, submission=submission, upload=f)
            messages.success(request, _("附件已上传：%(n)s") % {"n": f.name})
        except ValidationError as exc:
            messages.error(request, _("附件：%(m)s") % {"m": _messages(exc)})
        except services.StaleSubmission:
            messages.error(request, _("作业刚被修改过，请重新上传。"))
    return redirect("homework:assignment", pk=pk)


def _attachment(request, pk) -> Attachment:
    att = get_object_or_404(Attachment.objects.select_related("submission"), pk=pk)
    selectors.submission_access(actor=request.user, pk=att.submission_id)
    return att


@login_required
def attachment(request, pk):
    att = _attachment(request, pk)
    inline = att.mime in ("application/pdf",) or att.mime.startswith("image/")
    return serve_private_file(
        request, att.file, content_type=att.mime, filename=att.name, as_attachment=not inline
    )


@login_required
@require_POST
def attachment_remove(request, pk):
    att = _attachment(request, pk)
    try:
        services.attachment_remove(actor=request.user, attachment=att)
        messages.success(request, _("附件已删除。"))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _messages(exc))
    return redirect("homework:assignment", pk=att.submission.assignment_id)


# --- The grading page ---------------------------------------------------------------------------------------


def _grading_vary(request, pk, class_id) -> str:
    return selectors.grading_generation(pk, class_id)


@login_required
@personal_page(vary=_grading_vary)
def grade(request, pk, class_id):
    """One page for every submission of the tutor's class: the list, the work on the left, the rubric on the
    right. ?s= picks the submission; j/k (or Alt+←/→) walk the list."""
    assignment, klass = selectors.grading_access(actor=request.user, pk=pk, class_id=class_id)
    return _grading_page(request, assignment, klass)


def _queue_html(queue, current_pk: int) -> str:
    """The grading page's list of the class, built here rather than in the template: a hundred lines with a
    few labels each are most of what the template engine would spend on the page."""
    labels = dict(Submission.State.choices)
    late, excellent, flag = _("迟交"), _("优秀"), _("疑似雷同")
    lines = []
    for item in queue:
        extra = ""
        if item.late:
            extra += f' <span class="due-overdue">{late}</span>'
        if item.recommended:
            extra += f' <span class="badge">{excellent}</span>'
        if item.flagged:
            extra += f' <span class="flag" title="{flag}" data-testid="flag">⚠</span>'
        here = ' class="current" aria-current="true"' if item.pk == current_pk else ""
        lines.append(
            f'<li{here}><a href="?s={item.pk}" data-testid="queue-item">{escape(item.name)}</a> '
            f'<span class="state-{item.state}">{labels[item.state]}</span>{extra}</li>'
        )
    return mark_safe("".join(lines))  # noqa: S308 (names escaped; labels are our own)


def _rubric_rows(assignment, levels: dict) -> list:
    return [(c, [(lv, levels.get(c["key"]) == lv["key"]) for lv in c["levels"]]) for c in assignment.criteria]


def _grading_page(request, a, klass, *, current_id=None, stale=None, attempted=None, errors=None, status=200):
    queue = selectors.grading_queue(assignment=a, training_class=klass)
    wanted = current_id or request.GET.get("s")
    index = 0
    for i, item in enumerate(queue):
        if str(item.pk) == str(wanted):
            index = i
            break
    else:
        # Without a choice: the first one still waiting for a grade.
        index = next((i for i, item in enumerate(queue) if item.state == Submission.State.SUBMITTED), 0)
    current = None
    if queue:
        current = Submission.objects.select_related("learner").get(pk=queue[index].pk)
        current.flagged = queue[index].flagged
    context = {
        "a": a,
        "klass": klass,
        "queue": queue,
        "queue_html": _queue_html(queue, current.pk if current else None),
        "current": current,
        "index": index,
        "prev": queue[index - 1] if queue and index > 0 else None,
        "next": queue[index + 1] if queue and index + 1 < len(queue) else None,
        "stale": stale,
        "errors": errors or {},
        "waiting": sum(1 for item in queue if item.state == Submission.State.SUBMITTED),
    }
    if current is not None:
        shown_levels = attempted["levels"] if attempted else current.levels
        context.update(
            rubric_rows=_rubric_rows(a, shown_levels),
            comment=attempted["comment"] if attempted else current.comment,
            attachments=list(current.attachments.filter(revision=current.revision)),
            pairs=list(selectors.pairs_of(submission=current)) if current.flagged else [],
            stale_labels=_level_labels(a, stale.levels) if stale else None,
            versions=list(current.versions.all()) if current.revision > 1 else [],
        )
    return render(request, "homework/grade.html", context, status=status)


@login_required
@require_POST
def grade_save(request, pk):
    """Save a grade, return for revision or (un)recommend, then on to the next in the list."""
    sp = selectors.submission_access(actor=request.user, pk=pk)
    if not sp.grader:
        raise Http404
    s = sp.submission
    a = s.assignment
    action = request.POST.get("action", "grade")
    levels, comment = _levels(request), request.POST.get("comment", "")
    version = _version(request)
    try:
        if action == "grade":
            services.submission_grade(
                actor=request.user, submission=s, levels=levels, comment=comment, version=version
            )
            messages.success(request, _("已保存评分：%(n)s") % {"n": s.learner.real_name})
        elif action == "return":
            services.submission_return(actor=request.user, submission=s, reason=comment, version=version)
            messages.success(request, _("已退回修改：%(n)s") % {"n": s.learner.real_name})
        elif action in ("recommend", "unrecommend"):
            if action == "recommend" and s.state != Submission.State.GRADED or levels:
                s = services.submission_grade(
                    actor=request.user, submission=s, levels=levels, comment=comment, version=version
                )
                version = s.version
            services.submission_recommend(
                actor=request.user, submission=s, on=action == "recommend", version=version
            )
            done = _("已推荐为优秀作业：%(n)s") if action == "recommend" else _("已取消推荐：%(n)s")
            messages.success(request, done % {"n": s.learner.real_name})
        else:
            return HttpResponseBadRequest("unknown action")
    except services.StaleSubmission as exc:
        services.refused_stale(
            actor=request.user, submission=s, attempted={"levels": levels, "comment": comment}
        )
        messages.error(request, exc.message)
        return _grading_page(
            request, a, s.training_class, current_id=s.pk, stale=exc.current,
            attempted={"levels": levels, "comment": comment}, status=409,
        )  # fmt: skip
    except ValidationError as exc:
        messages.error(request, _messages(exc))
        return _grading_page(
            request, a, s.training_class, current_id=s.pk,
            attempted={"levels": levels, "comment": comment},
            errors=exc.message_dict if hasattr(exc, "error_dict") else {}, status=400,
        )  # fmt: skip
    target = request.POST.get("then") or s.pk
    url = reverse("homework:grade", args=[s.assignment_id, s.training_class_id])
    return redirect(f"{url}?s={target}")


@login_required
def submission(request, pk):
    """One submission, read-only, with its versions and every grading event: for its tutor, the subject's
    experts and overseers (and the learner, who sees their own on the assignment page)."""
    sp = selectors.submission_access(actor=request.user, pk=pk)
    if sp.own and not sp.grader:
        return redirect("homework:assignment", pk=sp.submission.assignment_id)
    s = sp.submission
    return render(
        request,
        "homework/submission.html",
        {
            "sp": sp,
            "s": s,
            "a": s.assignment,
            "labels": _level_labels(s.assignment, s.levels),
            "events": selectors.submission_events(submission=s),
            "versions": s.versions.all(),
            "attachments": s.attachments.filter(revision=s.revision),
            "pairs": selectors.pairs_of(submission=s),
        },
    )


# --- Copy detection -----------------------------------------------------------------------------------------


@login_required
@require_POST
def recheck(request, pk):
    part = selectors.assignment_access(actor=request.user, pk=pk)
    if not part.expert:
        raise Http404
    task = services.similarity_recheck_start(
        actor=request.user, assignment=part.assignment, language=get_language()
    )
    return redirect(reverse("homework:assignment", args=[pk]) + f"?task={task.pk}#similarity")


def _highlighted(text: str, spans) -> str:
    out, last = [], 0
    for start, end in spans:
        out.append(escape(text[last:start]))
        out.append(f'<mark class="shared">{escape(text[start:end])}</mark>')
        last = end
    out.append(escape(text[last:]))
    return mark_safe("".join(out).replace("\n", "<br>"))  # noqa: S308 (every piece escaped above)


@login_required
def pair(request, pk):
    p = selectors.pair_access(actor=request.user, pk=pk)
    a = p.assignment
    excluded = sim.Excluded(plain_text(a.prompt), a.template_text)
    spans_a, spans_b = sim.shared_spans(p.first.body_text, p.second.body_text, excluded=excluded)
    shared_chars = sum(e - s for s, e in spans_a)
    return render(
        request,
        "homework/pair.html",
        {
            "p": p,
            "a": a,
            "left": _highlighted(p.first.body_text, spans_a),
            "right": _highlighted(p.second.body_text, spans_b),
            "shared_chars": shared_chars,
            "passages": len(spans_a),
        },
    )


# --- Spot checks --------------------------------------------------------------------------------------------


@login_required
@require_POST
def spot_draw(request, pk):
    part = selectors.assignment_access(actor=request.user, pk=pk)
    if not part.expert:
        raise Http404
    n = services.spot_checks_draw(assignment=part.assignment)
    messages.success(request, _("已抽取 %(n)d 份作业供专家抽查。") % {"n": n})
    return redirect(reverse("homework:assignment", args=[pk]) + "#spot")


@login_required
def spot(request, pk):
    spot = selectors.spot_check_access(actor=request.user, pk=pk)
    s = Submission.objects.select_related("learner", "training_class", "assignment").get(
        pk=spot.submission_id
    )
    errors = {}
    if request.method == "POST":
        action = request.POST.get("action", "score")
        try:
            if action == "score":
                services.spot_check_score(
                    actor=request.user,
                    spot=spot,
                    levels=_levels(request),
                    comment=request.POST.get("comment", ""),
                )
                messages.success(request, _("抽查评分已保存，现在可以看到辅导教师的评分。"))
            elif action == "correct":
                services.submission_correct(
                    actor=request.user, submission=s, levels=_levels(request),
                    reason=request.POST.get("reason", ""), version=_version(request),
                )  # fmt: skip
                messages.success(request, _("评分已更正，学员和辅导教师会看到更正及理由。"))
            return redirect("homework:spot", pk=spot.pk)
        except services.StaleSubmission as exc:
            messages.error(request, exc.message)
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {}
            messages.error(request, _messages(exc))
        spot.refresh_from_db()
        s.refresh_from_db()
    a = s.assignment
    blind = spot.scored_at is None
    return render(
        request,
        "homework/spot.html",
        {
            "spot": spot,
            "s": s,
            "a": a,
            "blind": blind,
            "errors": errors,
            "attachments": s.attachments.filter(revision=s.revision),
            # Blind until the expert has scored: the tutor's levels, score and comment are not even sent.
            "tutor_labels": None if blind else _level_labels(a, s.levels),
            "expert_labels": None if blind else _level_labels(a, spot.levels),
            "events": None if blind else selectors.submission_events(submission=s),
            "chosen": request.POST if request.method == "POST" else {},
        },
        status=400 if errors else 200,
    )


# --- A subject: assignments, rubrics, showcase --------------------------------------------------------------


@login_required
def subject(request, pk):
    ps = selectors.provider_subject_for_expert(actor=request.user, pk=pk)
    # Progress per subject: each assignment's totals over all the subject's classes.
    assignments = [
        (a, selectors.progress_total(selectors.progress_by_class(assignment=a)))
        for a in ps.assignments.order_by("deadline")
    ]
    return render(
        request,
        "homework/subject.html",
        {"ps": ps, "assignments": assignments, "rubrics": ps.rubrics.all()},
    )


@login_required
def assignment_new(request, pk):
    ps = selectors.provider_subject_for_expert(actor=request.user, pk=pk)
    return _assignment_form(
        request, provider_subject=ps, rubrics=ps.rubrics.all(), back=reverse("homework:subject", args=[pk])
    )


@login_required
def class_assignment_new(request, class_id):
    klass = next((c for c in selectors.reach(request.user).tutor_classes if c.pk == class_id), None)
    if klass is None:
        raise Http404
    return _assignment_form(request, training_class=klass, rubrics=None, back=reverse("homework:index"))


def _assignment_form(request, *, provider_subject=None, training_class=None, rubrics, back):
    initial = {"deadline": (timezone.localtime() + dt.timedelta(days=7)).replace(second=0, microsecond=0)}
    form = AssignmentForm(request.POST or None, rubrics=rubrics, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            a = services.assignment_create(
                actor=request.user,
                provider_subject=provider_subject,
                training_class=training_class,
                title=d["title"],
                prompt=d["prompt"],
                template_text=d["template_text"],
                deadline=d["deadline"],
                late_policy=d["late_policy"],
                rubric=d.get("rubric"),
                rubric_text_value=d["rubric_text"],
                spot_share=d["spot_share"],
                spot_minimum=d["spot_minimum"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("作业已布置：%(t)s") % {"t": a.title})
            return redirect("homework:assignment", pk=a.pk)
    return render(
        request,
        "homework/assignment_form.html",
        {"form": form, "ps": provider_subject, "klass": training_class, "back": back},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def rubric_edit(request, pk, rubric_id=None):
    ps = selectors.provider_subject_for_expert(actor=request.user, pk=pk)
    rubric = None
    if rubric_id is not None:
        rubric = get_object_or_404(Rubric, pk=rubric_id, provider_subject=ps)
    initial = {"title": rubric.title, "text": services.rubric_text(rubric.criteria)} if rubric else {}
    form = RubricForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.rubric_save(
                actor=request.user, provider_subject=ps, title=form.cleaned_data["title"],
                text=form.cleaned_data["text"], rubric=rubric,
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("评价标准已保存。已布置的作业沿用布置时的版本，不受影响。"))
            return redirect("homework:subject", pk=ps.pk)
    return render(
        request, "homework/rubric_form.html", {"form": form, "ps": ps, "rubric": rubric},
        status=400 if request.method == "POST" else 200,
    )  # fmt: skip


@login_required
def showcase(request, pk):
    ps = selectors.provider_subject_showcase_access(actor=request.user, pk=pk)
    return render(
        request, "homework/showcase.html", {"ps": ps, "items": selectors.showcase(provider_subject=ps)}
    )


@login_required
def showcase_item(request, pk, submission_id):
    ps = selectors.provider_subject_showcase_access(actor=request.user, pk=pk)
    s = get_object_or_404(selectors.showcase(provider_subject=ps), pk=submission_id)
    return render(request, "homework/showcase_item.html", {"ps": ps, "s": s})
