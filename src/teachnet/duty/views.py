"""Pages of expert duty (ACT-3): the provider's duty page (roster, flags, response times), the on-duty queue
and a question's page (claim, answer, release), and the project office's overview of every provider.

Everything is fetched through the selectors' access helpers: a provider, project or question the actor may
not reach is a 404, whether it exists or not.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from teachnet.core.forms import add_service_errors

from . import selectors, services
from .forms import AnswerForm, ReleaseForm, RosterDayForm
from .models import Question


def _errors(exc) -> str:
    return " ".join(getattr(exc, "messages", None) or [str(exc)])


@login_required
def index(request):
    units = selectors.units_visible(actor=request.user)
    if not units:
        raise Http404
    if len(units) == 1:
        return redirect(units[0].url)
    projects = {}
    for unit in units:
        projects.setdefault(unit.project, []).append((unit, selectors.flags(unit=unit)))
    return render(request, "duty/index.html", {"projects": projects})


@login_required
def provider(request, project_id, provider_id):
    unit = selectors.unit_access(actor=request.user, project_id=project_id, provider_id=provider_id)
    rows = selectors.roster_days(project=unit.project, provider=unit.provider)
    questions = selectors.unit_questions(unit)
    may_manage = selectors.may_manage_roster(actor=request.user, project=unit.project, provider=unit.provider)
    candidates = list(selectors.roster_candidates(project=unit.project, provider=unit.provider))
    return render(
        request,
        "duty/provider.html",
        {
            "unit": unit,
            "flags": selectors.flags(unit=unit, rows=rows, questions=questions),
            "weeks": selectors.weeks(rows),
            "rule": selectors.EXPERTS_PER_DAY,
            "may_manage": may_manage,
            "candidates": candidates,
            "by_expert": selectors.times_by_expert(unit=unit, questions=questions),
            "by_day": selectors.times_by_day(unit=unit, questions=questions, rows=rows),
        },
    )


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise Http404 from exc


@login_required
@require_POST
def roster_day(request, project_id, provider_id, day):
    unit = selectors.unit_access(actor=request.user, project_id=project_id, provider_id=provider_id)
    day = _day(day)
    candidates = list(selectors.roster_candidates(project=unit.project, provider=unit.provider))
    form = RosterDayForm(request.POST, candidates=candidates)
    if not form.is_valid():
        messages.error(request, _("值班专家选择有误：只能选择本单位专家团队中的专家。"))
        return redirect(unit.url + f"#day-{day.isoformat()}")
    try:
        shifts = services.roster_set(
            actor=request.user, project=unit.project, provider=unit.provider, day=day, experts=form.experts()
        )
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        n = len(shifts)
        if n < selectors.EXPERTS_PER_DAY.minimum:
            messages.warning(
                request,
                _("已保存 %(day)s 的值班安排：只有 %(n)d 名专家，每天应不少于 %(min)d 名。")
                % {"day": day.isoformat(), "n": n, "min": selectors.EXPERTS_PER_DAY.minimum},
            )
        else:
            messages.success(
                request, _("已保存 %(day)s 的值班安排：%(n)d 名专家。") % {"day": day.isoformat(), "n": n}
            )
    return redirect(unit.url + f"#day-{day.isoformat()}")


@login_required
def queue(request, project_id, provider_id):
    unit = selectors.unit_access(actor=request.user, project_id=project_id, provider_id=provider_id)
    return render(
        request,
        "duty/queue.html",
        {
            "unit": unit,
            "queue": selectors.queue(actor=request.user, unit=unit),
            "flags": selectors.flags(unit=unit),
            "now": timezone.now(),
        },
    )


def _question_page(request, question: Question, *, answer_form=None, status=200):
    unit = selectors.DutyUnit(question.project, question.provider_subject.provider)
    expert = selectors.is_team_expert(user=request.user, provider_subject=question.provider_subject)
    open_ = question.state != Question.State.ANSWERED
    mine = question.state == Question.State.CLAIMED and question.claimed_by_id == request.user.pk
    may_release = question.state == Question.State.CLAIMED and (
        mine or selectors.may_manage_roster(actor=request.user, project=unit.project, provider=unit.provider)
    )
    return render(
        request,
        "duty/question.html",
        {
            "q": question,
            "unit": unit,
            "events": question.events.select_related("actor"),
            "may_claim": expert and question.state == Question.State.WAITING,
            # A refused answer comes back in its form, so what was typed is there to copy.
            "may_answer": (expert and open_ and (question.state == Question.State.WAITING or mine))
            or answer_form is not None,
            "may_release": may_release,
            "answer_form": answer_form or AnswerForm(),
            "release_form": ReleaseForm(),
            "overdue": selectors.is_overdue(question),
            "waited": selectors.waiting_for(question) if open_ else None,
            "hours": selectors.wait_warn_hours(),
        },
        status=status,
    )


@login_required
def question(request, pk):
    return _question_page(request, selectors.question_access(actor=request.user, pk=pk))


@login_required
@require_POST
def question_claim(request, pk):
    question = selectors.question_access(actor=request.user, pk=pk)
    try:
        services.question_claim(actor=request.user, question=question)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("已认领，请尽快答复。"))
    return redirect("duty:question", pk=question.pk)


@login_required
@require_POST
def question_release(request, pk):
    question = selectors.question_access(actor=request.user, pk=pk)
    form = ReleaseForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.question_release(actor=request.user, question=question, note=note)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("已放回队列，其他值班专家可以认领。"))
    return redirect("duty:question", pk=question.pk)


@login_required
@require_POST
def question_answer(request, pk):
    question = selectors.question_access(actor=request.user, pk=pk)
    form = AnswerForm(request.POST)
    form.is_valid()
    try:
        services.question_answer(
            actor=request.user, question=question, answer=form.cleaned_data.get("answer", "")
        )
    except PermissionDenied as exc:
        form.add_error(None, _errors(exc))
    except ValidationError as exc:
        add_service_errors(form, exc)
    else:
        messages.success(request, _("答复已发布，提问的学员和转交的辅导教师会收到通知。"))
        return redirect("duty:question", pk=question.pk)
    question.refresh_from_db()
    return _question_page(request, question, answer_form=form, status=400)


@login_required
def project_overview(request, project_id):
    project = selectors.project_access(actor=request.user, project_id=project_id)
    return render(
        request,
        "duty/project.html",
        {
            "project": project,
            "rows": selectors.project_flags(actor=request.user, project=project),
            "rule": selectors.EXPERTS_PER_DAY,
        },
    )
