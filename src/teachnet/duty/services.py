"""Writes of expert duty (ACT-3): the roster, and a forwarded question's way through the queue (forwarded →
claimed → answered, or released back). Every step of a question is an event row; two experts claiming or
answering the same question at once are serialized on the question's row, and the second is told who was
first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from teachnet.core.richtext import clean_html, plain_text
from teachnet.core.services import audit_record
from teachnet.core.text import one_line
from teachnet.orgs.models import Organization
from teachnet.training.models import Project, ProviderSubject

from . import selectors
from .models import DutyShift, Question, QuestionEvent

TITLE_MAX = 200
NOTE_MAX = 500

# What the apps that forward questions do when one is answered (discussions posts the answer back into its
# thread): called inside the answer's transaction, so the answer and its consequences are kept together.
AnsweredCallback = Callable[[Question], None]
_ANSWERED: list[AnsweredCallback] = []


def on_answered(callback: AnsweredCallback) -> None:
    """Register a callback for every answered question (in an AppConfig.ready); registering twice is once."""
    if callback not in _ANSWERED:
        _ANSWERED.append(callback)


# --- The roster -------------------------------------------------------------------------------------------


@transaction.atomic
def roster_set(
    *, actor, project: Project, provider: Organization, day: dt.date, experts: Iterable
) -> list[DutyShift]:
    """The experts on duty for the provider on that day, as chosen (the whole day's list): experts of the
    provider's subject teams in the project only. Returns the day's shifts."""
    if not selectors.may_manage_roster(actor=actor, project=project, provider=provider):
        raise PermissionDenied(_("只有承担单位的管理员或首席专家可以安排值班。"))
    chosen = {getattr(e, "pk", e) for e in experts}
    candidates = {u.pk for u in selectors.roster_candidates(project=project, provider=provider)}
    strangers = chosen - candidates
    if strangers:
        raise ValidationError({"experts": _("只能安排本单位专家团队中有账号的专家值班。")})
    # Two managers saving the roster at once take turns on the provider's row: the second sees the first's.
    Organization.objects.select_for_update().filter(pk=provider.pk).first()
    shifts = DutyShift.objects.filter(project=project, provider=provider, day=day)
    before = set(shifts.values_list("expert_id", flat=True))
    if before == chosen:
        return list(shifts.select_related("expert"))
    shifts.exclude(expert_id__in=chosen).delete()
    DutyShift.objects.bulk_create(
        [
            DutyShift(project=project, provider=provider, day=day, expert_id=pk, assigned_by=_person(actor))
            for pk in sorted(chosen - before)
        ],
        ignore_conflicts=True,  # a second manager saving the same day at once adds nobody twice
    )
    audit_record(
        actor=actor,
        verb="duty.roster_set",
        target=provider,
        data={
            "project": project.pk,
            "day": day.isoformat(),
            "before": sorted(before),
            "after": sorted(chosen),
        },
    )
    return list(
        DutyShift.objects.filter(project=project, provider=provider, day=day).select_related("expert")
    )


def _person(actor):
    return actor if getattr(actor, "pk", None) else None


# --- Questions --------------------------------------------------------------------------------------------


def _event(question: Question, kind: str, actor, note: str = "") -> QuestionEvent:
    return QuestionEvent.objects.create(
        question=question, kind=kind, actor=_person(actor), note=note[:NOTE_MAX]
    )


@transaction.atomic
def question_forward(
    *,
    actor,
    provider_subject: ProviderSubject,
    title: str,
    body: str,
    asker=None,
    note: str = "",
    origin_label: str = "",
    origin_url: str = "",
    origin_key: str = "",
) -> Question:
    """Put a question in the queue of the subject's expert team. Who may forward is the forwarding app's to
    decide (a tutor, on a post of their class); duty keeps the question and its clock."""
    title = one_line(title)[:TITLE_MAX]
    if not title:
        raise ValidationError({"title": _("请填写问题。")})
    body = clean_html(body, field="body")
    note = one_line(note)
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": _("转交说明最多 %(max)d 字。") % {"max": NOTE_MAX}})
    if origin_key and Question.objects.filter(origin_key=origin_key).exists():
        raise ValidationError({"origin_key": _("这个问题已经转交给专家团队。")})
    question = Question.objects.create(
        project=provider_subject.project,
        provider_subject=provider_subject,
        title=title,
        body=body,
        note=note,
        asker=_person(asker),
        forwarded_by=_person(actor),
        forwarded_at=timezone.now(),
        origin_label=one_line(origin_label)[:200],
        origin_url=origin_url[:300],
        origin_key=origin_key[:100],
    )
    _event(question, QuestionEvent.Kind.FORWARDED, actor, note)
    return question


def _locked(question: Question) -> Question:
    # Only the question's own row is locked and read after the lock: a join read alongside it (who claimed
    # it) would come from before the wait, so the claimer is loaded afterwards, by the id the lock saw.
    return (
        Question.objects.select_for_update(of=("self",))
        .select_related("provider_subject")
        .get(pk=question.pk)
    )


def _check_expert(actor, question: Question) -> None:
    if not selectors.is_team_expert(user=actor, provider_subject=question.provider_subject):
        raise PermissionDenied(_("只有本学科专家团队的专家可以认领和答复问题。"))


def _claimed_message(question: Question) -> str:
    who = question.claimed_by.real_name if question.claimed_by else _("其他专家")
    return _("这个问题已由 %(name)s 认领。") % {"name": who}


def _claim(question: Question, actor) -> None:
    question.state = Question.State.CLAIMED
    question.claimed_by = actor
    question.claimed_at = timezone.now()
    question.claimed_on_duty = selectors.on_duty(
        user=actor,
        project_id=question.project_id,
        provider_id=question.provider_subject.provider_id,
        day=timezone.localdate(question.claimed_at),
    )
    _event(question, QuestionEvent.Kind.CLAIMED, actor)


@transaction.atomic
def question_claim(*, actor, question: Question) -> Question:
    """The expert takes the question: it leaves the waiting queue and is theirs to answer."""
    question = _locked(question)
    _check_expert(actor, question)
    if question.state == Question.State.ANSWERED:
        raise ValidationError({"state": _("这个问题已经答复。")})
    if question.state == Question.State.CLAIMED:
        if question.claimed_by_id == actor.pk:
            return question
        raise ValidationError({"state": _claimed_message(question)})
    _claim(question, actor)
    question.save(update_fields=["state", "claimed_by", "claimed_at", "claimed_on_duty", "updated_at"])
    return question


@transaction.atomic
def question_release(*, actor, question: Question, note: str = "") -> Question:
    """Put a claimed question back in the queue: by the expert who claimed it, or by whoever draws up the
    provider's roster (a claim left standing by someone who went off duty)."""
    question = _locked(question)
    if question.state != Question.State.CLAIMED:
        raise ValidationError({"state": _("只有已认领、尚未答复的问题可以放回队列。")})
    mine = question.claimed_by_id == actor.pk
    if not mine and not selectors.may_manage_roster(
        actor=actor, project=question.project, provider=question.provider_subject.provider
    ):
        raise PermissionDenied(_("只有认领的专家可以放回队列。"))
    note = one_line(note)
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": _("说明最多 %(max)d 字。") % {"max": NOTE_MAX}})
    question.state = Question.State.WAITING
    question.claimed_by = None
    question.claimed_at = None
    question.claimed_on_duty = False
    question.save(update_fields=["state", "claimed_by", "claimed_at", "claimed_on_duty", "updated_at"])
    _event(question, QuestionEvent.Kind.RELEASED, actor, note)
    return question


@transaction.atomic
def question_answer(*, actor, question: Question, answer: str) -> Question:
    """The expert's answer, once: a waiting question is claimed and answered in one step; one claimed by
    another expert is theirs to answer. The registered callbacks run in the same transaction."""
    answer = clean_html(answer, field="answer")
    question = _locked(question)
    _check_expert(actor, question)
    if question.state == Question.State.ANSWERED:
        raise ValidationError({"answer": _("这个问题已由其他专家答复，您的答复没有保存，请复制留存。")})
    if question.state == Question.State.CLAIMED and question.claimed_by_id != actor.pk:
        raise ValidationError({"answer": _claimed_message(question) + _("您的答复没有保存，请复制留存。")})
    if question.state == Question.State.WAITING:
        _claim(question, actor)
    question.state = Question.State.ANSWERED
    question.answered_by = actor
    question.answered_at = timezone.now()
    question.answer = answer
    question.save()
    _event(question, QuestionEvent.Kind.ANSWERED, actor, plain_text(answer)[:80])
    for callback in _ANSWERED:
        callback(question)
    return question
