"""Writes of homework (ACT-6): rubrics, assignments, learners' drafts and submissions, grading, returns,
recommendations, spot checks and corrections, copy detection, and the deadline notice.

Every change to a submission compares the version its writer saw, under select_for_update: a second grader
(or a second tab) saving over a change they have not seen is refused with what the other saved, and nothing
is lost. Each grading step is a GradingEvent row.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from teachnet.core.bulk import bulk_insert
from teachnet.core.media import MediaError, incoming_media
from teachnet.core.richtext import clean_html, plain_text
from teachnet.notifications.kinds import Kind
from teachnet.notifications.services import notify
from teachnet.training.models import ClassMembership, Enrollment, ProviderSubject, TrainingClass

from . import similarity as sim
from .models import (
    Assignment,
    Attachment,
    GradingEvent,
    Rubric,
    SimilarityBand,
    SimilarityPair,
    SpotCheck,
    Submission,
    SubmissionVersion,
)
from .selectors import assignment_classes, grading_generation_key, reach

E = GradingEvent.Kind
S = Submission.State
MAX_COMMENT = 5000
MAX_ATTACHMENTS = 10
ATTACHMENT_KINDS = frozenset({"image", "pdf", "office"})


class StaleSubmission(Exception):
    """The submission changed since the writer loaded it: `current` is what the other person saved."""

    def __init__(self, current: Submission) -> None:
        super().__init__("stale")
        self.current = current

    @property
    def message(self) -> str:
        s = self.current
        who = s.graded_by.real_name if s.graded_by_id and s.graded_by else _("他人")
        when = timezone.localtime(s.updated_at).strftime("%H:%M:%S")
        return _(
            "这份作业在您打开之后已被%(who)s于 %(when)s 修改（%(state)s%(score)s）。您的修改没有保存；"
            "下面是对方保存的内容，请核对后再保存。"
        ) % {
            "who": who,
            "when": when,
            "state": s.get_state_display(),
            "score": _("，%(n)d 分") % {"n": s.score} if s.score is not None else "",
        }


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _locked(submission: Submission, version: int | None) -> Submission:
    locked = (
        Submission.objects.select_for_update()
        .select_related("assignment", "training_class")
        .get(pk=submission.pk)
    )
    if version is not None and int(version) != locked.version:
        raise StaleSubmission(Submission.objects.select_related("graded_by").get(pk=submission.pk))
    return locked


def _grading_moved(assignment_id: int, class_ids) -> None:
    """What the grading pages of these classes show has changed: their kept copies go (now, and again once
    the transaction commits, so a page built from the old rows meanwhile is not kept either)."""
    keys = [grading_generation_key(assignment_id, c) for c in set(class_ids)]
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def _event(submission: Submission, actor, kind: str, **data) -> GradingEvent:
    return GradingEvent.objects.create(
        submission=submission, actor=actor, kind=kind, revision=submission.revision, data=data
    )


# --- Rubrics ------------------------------------------------------------------------------------------------

_LEVEL_LINE = re.compile(
    r"^\s*[-－]\s*(?P<label>[^|｜]+?)\s*[|｜]\s*(?P<points>[^|｜]+?)\s*(?:[|｜]\s*(?P<desc>.*))?$"
)


def rubric_parse(text: str, *, field: str = "criteria") -> list[dict]:
    """The rubric written as lines: a criterion per line (`标题 | 说明`), its levels below it, each
    `- 等级 | 分值 | 描述`. Errors name the line."""
    criteria: list[dict] = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line[0] in "-－":
            m = _LEVEL_LINE.match(line)
            if not criteria:
                raise ValidationError({field: _("第 %(n)d 行：等级之前要先写评价维度。") % {"n": number}})
            if m is None:
                raise ValidationError(
                    {field: _("第 %(n)d 行：等级请写成「- 等级 | 分值 | 描述」。") % {"n": number}}
                )
            try:
                points = int(m["points"])
            except ValueError:
                raise ValidationError(
                    {field: _("第 %(n)d 行：分值「%(p)s」不是整数。") % {"n": number, "p": m["points"]}}
                ) from None
            if not 0 <= points <= 100:
                raise ValidationError({field: _("第 %(n)d 行：分值应在 0 到 100 之间。") % {"n": number}})
            levels = criteria[-1]["levels"]
            levels.append(
                {
                    "key": f"l{len(levels) + 1}",
                    "label": m["label"][:30],
                    "points": points,
                    "descriptor": (m["desc"] or "").strip()[:300],
                }
            )
        else:
            title, *rest = re.split(r"[|｜]", line, maxsplit=1)
            desc = rest[0] if rest else ""
            criteria.append(
                {
                    "key": f"c{len(criteria) + 1}",
                    "title": title.strip()[:60],
                    "description": desc.strip()[:300],
                    "levels": [],
                }
            )
    rubric_check(criteria, field=field)
    return criteria


def rubric_check(criteria: list[dict], *, field: str = "criteria") -> None:
    if not criteria:
        raise ValidationError({field: _("评价标准至少要有一个评价维度。")})
    if len(criteria) > 12:
        raise ValidationError({field: _("评价维度最多 12 个。")})
    for c in criteria:
        if len(c.get("levels", [])) < 2:
            raise ValidationError(
                {field: _("评价维度「%(t)s」至少要有两个等级。") % {"t": c.get("title", "")}}
            )
        if len(c["levels"]) > 6:
            raise ValidationError({field: _("评价维度「%(t)s」最多 6 个等级。") % {"t": c["title"]}})


def rubric_text(criteria: list[dict]) -> str:
    lines = []
    for c in criteria:
        lines.append(f"{c['title']} | {c.get('description', '')}".rstrip(" |"))
        for lv in c["levels"]:
            lines.append(f"- {lv['label']} | {lv['points']} | {lv.get('descriptor', '')}".rstrip(" |"))
    return "\n".join(lines)


def _require_expert(actor, provider_subject_id: int | None) -> None:
    if provider_subject_id is None or provider_subject_id not in reach(actor).expert_ps_ids:
        raise PermissionDenied(_("只有本学科专家团队的首席专家和学科专家可以这样做。"))


@transaction.atomic
def rubric_save(
    *, actor, provider_subject: ProviderSubject, title: str, text: str, rubric: Rubric | None = None
) -> Rubric:
    _require_expert(actor, provider_subject.pk)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("请填写评价标准的名称。")})
    criteria = rubric_parse(text)
    if rubric is None:
        return Rubric.objects.create(
            provider_subject=provider_subject, title=title[:120], criteria=criteria, created_by=actor
        )
    rubric.title, rubric.criteria = title[:120], criteria
    rubric.save(update_fields=["title", "criteria", "updated_at"])
    return rubric


# --- Assignments --------------------------------------------------------------------------------------------


@transaction.atomic
def assignment_create(
    *,
    actor,
    title: str,
    prompt: str,
    deadline: dt.datetime,
    provider_subject: ProviderSubject | None = None,
    training_class: TrainingClass | None = None,
    late_policy: str = Assignment.LatePolicy.ACCEPT_LATE,
    rubric: Rubric | None = None,
    rubric_text_value: str = "",
    template_text: str = "",
    spot_share: float = 0.10,
    spot_minimum: int = 2,
    now: dt.datetime | None = None,
) -> Assignment:
    """An assignment for a provider's subject (by its experts) or for one class (by its tutor), with its
    rubric frozen into it: a copy of a library rubric, or one written for it."""
    if (provider_subject is None) == (training_class is None):
        raise ValueError("give a provider subject or a class")
    if provider_subject is not None:
        _require_expert(actor, provider_subject.pk)
        project_id, subject_id = provider_subject.project_id, provider_subject.subject_id
    else:
        if training_class.tutor_id != actor.pk:
            raise PermissionDenied(_("只有本班辅导教师可以为本班布置作业。"))
        project_id, subject_id = training_class.project_id, training_class.subject_id
    errors: dict[str, str] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = _("请填写作业题目。")
    if deadline is None:
        errors["deadline"] = _("请填写截止时间。")
    elif deadline <= _now(now):
        errors["deadline"] = _("截止时间应晚于现在。")
    if late_policy not in Assignment.LatePolicy.values:
        errors["late_policy"] = _("请选择迟交的处理方式。")
    if not 0 <= float(spot_share) <= 1:
        errors["spot_share"] = _("抽查比例应在 0 到 1 之间（如 0.1 表示 10%）。")
    if errors:
        raise ValidationError(errors)
    prompt_html = clean_html(prompt, field="prompt")
    if rubric is not None:
        if (
            rubric.provider_subject.project_id != project_id
            or rubric.provider_subject.subject_id != subject_id
        ):
            raise ValidationError({"rubric": _("只能使用本学科的评价标准。")})
        criteria = [dict(c, levels=[dict(lv) for lv in c["levels"]]) for c in rubric.criteria]
    else:
        criteria = rubric_parse(rubric_text_value, field="rubric")
    return Assignment.objects.create(
        project_id=project_id,
        subject_id=subject_id,
        provider_subject=provider_subject,
        training_class=training_class,
        title=title[:200],
        prompt=prompt_html,
        template_text=(template_text or "").strip()[:20000],
        deadline=deadline,
        late_policy=late_policy,
        rubric=criteria,
        rubric_source=rubric,
        spot_share=spot_share,
        spot_minimum=spot_minimum,
        created_by=actor,
    )


# --- Learners' work -----------------------------------------------------------------------------------------


def _learner_class(actor, assignment: Assignment) -> TrainingClass:
    klass = reach(actor).learner_classes.get(assignment.project_id)
    if klass is None or klass.pk not in {c.pk for c in assignment_classes(assignment=assignment)}:
        raise PermissionDenied(_("这份作业不是布置给您所在班级的。"))
    return klass


def submission_for(*, actor, assignment: Assignment) -> Submission:
    """The learner's submission of the assignment, started as an empty draft on first use."""
    klass = _learner_class(actor, assignment)
    submission, _created = Submission.objects.get_or_create(
        assignment=assignment, learner=actor, defaults={"training_class": klass}
    )
    return submission


@transaction.atomic
def submission_save(
    *,
    actor,
    submission: Submission,
    body: str,
    version: int | None,
    submit: bool = False,
    now: dt.datetime | None = None,
) -> Submission:
    """Save the learner's text as a draft, or submit it. After the deadline a submission is refused or
    accepted and marked late, as the assignment says; a revision after a return is always accepted."""
    if submission.learner_id != actor.pk:
        raise PermissionDenied(_("只能修改自己的作业。"))
    s = _locked(submission, version)
    if not s.is_open_for_learner:
        raise ValidationError({"body": _("作业已提交，等待辅导教师批改；被退回后才能修改。")})
    moment = _now(now)
    html_body = clean_html(body, field="body", required=submit)
    s.body = html_body
    s.body_text = plain_text(html_body)
    if submit:
        a = s.assignment
        late = moment > a.deadline and s.revision == 1
        if late and a.late_policy == Assignment.LatePolicy.REFUSE:
            raise ValidationError(
                {"body": _("截止时间（%(d)s）已过，这份作业不再接收。您的草稿已保留。")
                 % {"d": timezone.localtime(a.deadline).strftime("%Y-%m-%d %H:%M")}}
            )  # fmt: skip
        s.state = S.SUBMITTED
        s.submitted_at = moment
        s.late = late or (s.late and s.revision > 1)
    s.version += 1
    s.save()
    if submit:
        _grading_moved(s.assignment_id, [s.training_class_id])
        similarity_index(submission=s)
    return s


def _save_draft_first(actor, submission: Submission, version: int | None) -> Submission:
    s = _locked(submission, version)
    if s.learner_id != actor.pk:
        raise PermissionDenied(_("只能修改自己的作业。"))
    if not s.is_open_for_learner:
        raise ValidationError({"upload": _("作业已提交，被退回后才能修改附件。")})
    return s


@transaction.atomic
def attachment_add(*, actor, submission: Submission, upload, version: int | None = None) -> Attachment:
    """A file for the current revision, checked by content (an image, a PDF or an Office document)."""
    s = _save_draft_first(actor, submission, version)
    if s.attachments.filter(revision=s.revision).count() >= MAX_ATTACHMENTS:
        raise ValidationError({"upload": _("每份作业最多 %(n)d 个附件。") % {"n": MAX_ATTACHMENTS}})
    try:
        with incoming_media(upload, kinds=ATTACHMENT_KINDS) as media:
            path = media.store("homework")
            att = Attachment.objects.create(
                submission=s,
                revision=s.revision,
                name=(getattr(upload, "name", "") or "file")[:200],
                file=path,
                kind=media.kind,
                mime=media.mime,
                size=media.size,
                sha256=media.sha256,
            )
    except MediaError as exc:
        raise ValidationError({"upload": exc.message}) from exc
    s.version += 1
    s.save(update_fields=["version", "updated_at"])
    _grading_moved(s.assignment_id, [s.training_class_id])
    return att


@transaction.atomic
def attachment_remove(*, actor, attachment: Attachment) -> None:
    s = _save_draft_first(actor, attachment.submission, None)
    if attachment.revision != s.revision:
        raise ValidationError({"upload": _("早先版本的附件随该版本保留，不能删除。")})
    attachment.delete()  # the stored file may be another's too (kept by hash): it stays
    s.version += 1
    s.save(update_fields=["version", "updated_at"])
    _grading_moved(s.assignment_id, [s.training_class_id])


# --- Grading ------------------------------------------------------------------------------------------------


def _require_grader(actor, s: Submission) -> None:
    if s.training_class.tutor_id != actor.pk:
        raise PermissionDenied(_("只有本班辅导教师可以批改本班的作业。"))


def _checked_levels(assignment: Assignment, levels: dict, *, field: str = "levels") -> tuple[dict, int]:
    chosen: dict[str, str] = {}
    score = 0
    missing = []
    for c in assignment.criteria:
        key = levels.get(c["key"])
        level = next((lv for lv in c["levels"] if lv["key"] == key), None)
        if level is None:
            missing.append(c["title"])
            continue
        chosen[c["key"]] = level["key"]
        score += level["points"]
    if missing:
        raise ValidationError(
            {field: _("请为每个评价维度选择等级，还缺：%(m)s。") % {"m": "、".join(missing)}}
        )
    return chosen, score


def _label(assignment: Assignment, levels: dict) -> dict:
    out = {}
    for c in assignment.criteria:
        lv = next((lv for lv in c["levels"] if lv["key"] == levels.get(c["key"])), None)
        out[c["title"]] = lv["label"] if lv else ""
    return out


def _comment(text: str) -> str:
    text = (text or "").strip()
    if len(text) > MAX_COMMENT:
        raise ValidationError(
            {"comment": _("评语过长：%(n)d 字，最多 %(max)d 字。") % {"n": len(text), "max": MAX_COMMENT}}
        )
    return text


def _url(s: Submission) -> str:
    return reverse("homework:assignment", args=[s.assignment_id])


@transaction.atomic
def submission_grade(
    *, actor, submission: Submission, levels: dict, comment: str, version: int | None, now=None
) -> Submission:
    """The tutor's grade: a level for every criterion and a comment. Each level that changed, the comment
    and the grade itself are events; the learner is told once per revision."""
    s = _locked(submission, version)
    _require_grader(actor, s)
    if s.state not in (S.SUBMITTED, S.GRADED):
        raise ValidationError({"levels": _("这份作业现在不能批改（%(s)s）。") % {"s": s.get_state_display()}})
    chosen, score = _checked_levels(s.assignment, levels)
    comment = _comment(comment)
    for key, level in chosen.items():
        if s.levels.get(key) != level:
            _event(s, actor, E.LEVEL, criterion=key, level=level, before=s.levels.get(key))
    if comment != s.comment:
        _event(s, actor, E.COMMENT, comment=comment, before=s.comment)
    _event(s, actor, E.GRADED, score=score, levels=chosen, before_score=s.score)
    s.levels, s.score, s.comment = chosen, score, comment
    s.state = S.GRADED
    s.graded_by, s.graded_at = actor, _now(now)
    s.version += 1
    s.save()
    _grading_moved(s.assignment_id, [s.training_class_id])
    a = s.assignment
    notify(
        recipients=[s.learner_id],
        kind=Kind.HOMEWORK_GRADED,
        title=_("作业已批改：%(t)s") % {"t": a.title},
        body=_("得分 %(s)d / %(m)d。") % {"s": score, "m": a.max_points},
        url=_url(s),
        subject_key=f"homework.graded:{s.pk}:{s.revision}",
    )
    return s


@transaction.atomic
def submission_return(
    *, actor, submission: Submission, reason: str, version: int | None, now=None
) -> Submission:
    """Back to the learner for revision: the version as it stands (text, files, grading) is kept, and the
    learner writes the next revision."""
    s = _locked(submission, version)
    _require_grader(actor, s)
    if s.state not in (S.SUBMITTED, S.GRADED):
        raise ValidationError({"comment": _("只有已提交的作业可以退回。")})
    reason = _comment(reason)
    if not reason:
        raise ValidationError({"comment": _("退回时请在评语中写明要修改什么。")})
    moment = _now(now)
    SubmissionVersion.objects.create(
        submission=s,
        revision=s.revision,
        body=s.body,
        attachments=[
            {"name": a.name, "size": a.size, "id": a.pk} for a in s.attachments.filter(revision=s.revision)
        ],
        submitted_at=s.submitted_at,
        late=s.late,
        levels=s.levels,
        score=s.score,
        comment=s.comment,
        graded_by=s.graded_by,
        returned_at=moment,
        return_reason=reason,
    )
    _event(s, actor, E.RETURNED, reason=reason)
    if s.recommended:
        _event(s, actor, E.UNRECOMMENDED, reason="returned")
    # The files travel on into the next revision (the learner may remove them there); the rows of this one
    # stay with it.
    Attachment.objects.bulk_create(
        [
            Attachment(
                submission=s, revision=s.revision + 1, name=a.name, file=a.file, kind=a.kind, mime=a.mime,
                size=a.size, sha256=a.sha256,
            )
            for a in s.attachments.filter(revision=s.revision)
        ]
    )  # fmt: skip
    s.revision += 1
    s.state = S.RETURNED
    s.returned_at = moment
    s.levels, s.score, s.comment, s.recommended, s.recommended_at = {}, None, "", False, None
    s.version += 1
    s.save()
    _grading_moved(s.assignment_id, [s.training_class_id])
    notify(
        recipients=[s.learner_id],
        kind=Kind.HOMEWORK_RETURNED,
        title=_("作业被退回修改：%(t)s") % {"t": s.assignment.title},
        body=reason[:200],
        url=_url(s),
        subject_key=f"homework.returned:{s.pk}:{s.revision}",
    )
    return s


@transaction.atomic
def submission_recommend(
    *, actor, submission: Submission, on: bool, version: int | None, now=None
) -> Submission:
    """推荐优秀作业: a graded piece into the subject's showcase (or out of it)."""
    s = _locked(submission, version)
    _require_grader(actor, s)
    if on and s.state != S.GRADED:
        raise ValidationError({"levels": _("请先批改，再推荐为优秀作业。")})
    if s.recommended == on:
        return s
    _event(s, actor, E.RECOMMENDED if on else E.UNRECOMMENDED)
    s.recommended, s.recommended_at = on, (_now(now) if on else None)
    s.version += 1
    s.save()
    _grading_moved(s.assignment_id, [s.training_class_id])
    return s


def refused_stale(*, actor, submission: Submission, attempted: dict) -> None:
    """Record a save refused for being stale, so the trail shows both graders were there."""
    _event(submission, actor, E.STALE_REFUSED, attempted=attempted)


# --- Spot checks by the experts -----------------------------------------------------------------------------


@transaction.atomic
def spot_checks_draw(*, assignment: Assignment, rng: random.Random | None = None) -> int:
    """Draw the platform's sample of each tutor's graded work: the assignment's share of it, at least its
    minimum (or all there is); a submission is drawn once, and a later draw adds only what is missing."""
    rng = rng or random.SystemRandom()
    graded = Submission.objects.filter(assignment=assignment, state=S.GRADED).select_related("training_class")
    by_tutor: dict[int, list[Submission]] = {}
    for s in graded:
        if s.training_class.tutor_id:
            by_tutor.setdefault(s.training_class.tutor_id, []).append(s)
    drawn = set(assignment.spot_checks.values_list("submission_id", flat=True))
    created = 0
    for tutor_id, subs in sorted(by_tutor.items()):
        target = min(
            len(subs), max(int(assignment.spot_minimum), math.ceil(float(assignment.spot_share) * len(subs)))
        )
        have = sum(1 for s in subs if s.pk in drawn)
        pool = sorted((s for s in subs if s.pk not in drawn), key=lambda s: s.pk)
        for s in rng.sample(pool, max(0, min(len(pool), target - have))):
            SpotCheck.objects.create(assignment=assignment, submission=s, tutor_id=tutor_id)
            created += 1
    return created


@transaction.atomic
def spot_check_score(*, actor, spot: SpotCheck, levels: dict, comment: str = "", now=None) -> SpotCheck:
    """The expert's own score, given before they see the tutor's; the tutor's grade as it stands is kept
    beside it for the agreement figures."""
    _require_expert(actor, spot.assignment.provider_subject_id)
    spot = SpotCheck.objects.select_for_update().get(pk=spot.pk)
    if spot.scored_at is not None:
        raise ValidationError({"levels": _("这份抽查已经评过分。")})
    s = Submission.objects.get(pk=spot.submission_id)
    chosen, score = _checked_levels(spot.assignment, levels)
    spot.levels, spot.score, spot.comment = chosen, score, _comment(comment)
    spot.tutor_levels, spot.tutor_score = s.levels, s.score
    spot.expert, spot.scored_at = actor, _now(now)
    spot.save()
    _event(s, actor, E.SPOT_SCORED, levels=chosen, score=score, tutor_score=s.score, spot=spot.pk)
    if spot.comment:
        _event(s, actor, E.SPOT_COMMENT, comment=spot.comment, spot=spot.pk)
    return spot


@transaction.atomic
def submission_correct(
    *, actor, submission: Submission, levels: dict, reason: str, version: int | None, now=None
) -> Submission:
    """An expert corrects a tutor's grade, with the reason: an event with the grade before and after."""
    s = _locked(submission, version)
    _require_expert(actor, s.assignment.provider_subject_id)
    if s.state != S.GRADED:
        raise ValidationError({"levels": _("只能更正已批改的作业。")})
    reason = _comment(reason)
    if not reason:
        raise ValidationError({"reason": _("更正评分时请写明理由。")})
    chosen, score = _checked_levels(s.assignment, levels)
    event = _event(
        s,
        actor,
        E.CORRECTED,
        before=s.levels,
        after=chosen,
        score_before=s.score,
        score_after=score,
        reason=reason,
    )
    s.levels, s.score = chosen, score
    s.version += 1
    s.save()
    _grading_moved(s.assignment_id, [s.training_class_id])
    notify(
        recipients=[s.learner_id],
        kind=Kind.HOMEWORK_GRADED,
        title=_("作业评分已由专家更正：%(t)s") % {"t": s.assignment.title},
        body=_("得分 %(s)d / %(m)d。理由：%(r)s")
        % {"s": score, "m": s.assignment.max_points, "r": reason[:100]},
        url=_url(s),
        subject_key=f"homework.corrected:{event.pk}",
    )
    return s


# --- Copy detection -----------------------------------------------------------------------------------------


def _excluded(assignment: Assignment) -> sim.Excluded:
    return sim.Excluded(plain_text(assignment.prompt), assignment.template_text)


def _threshold(assignment: Assignment) -> float:
    return float(assignment.similarity_threshold)


def _refresh_max(submission_ids: Iterable[int]) -> None:
    for sid in set(submission_ids):
        best = SimilarityPair.objects.filter(Q(first_id=sid) | Q(second_id=sid)).aggregate(m=Max("score"))[
            "m"
        ]
        Submission.objects.filter(pk=sid).update(similarity=best)


def similarity_index(*, submission: Submission) -> list[SimilarityPair]:
    """Check one submitted text against the assignment's index (the band keys of every other submitted
    text, in the database) and add it: what a tutor sees as a flag the moment it is submitted."""
    a = submission.assignment
    excluded = _excluded(a)
    fp = sim.fingerprint(submission.body_text, excluded=excluded)
    SimilarityBand.objects.filter(submission=submission).delete()
    before = set(
        SimilarityPair.objects.filter(Q(first=submission) | Q(second=submission)).values_list(
            "first_id", "second_id"
        )
    )
    SimilarityPair.objects.filter(Q(first=submission) | Q(second=submission)).delete()
    if fp is None:
        Submission.objects.filter(pk=submission.pk).update(signature=None, shingle_count=0, similarity=None)
        others = {i for pair in before for i in pair} - {submission.pk}
        _refresh_max(others)
        _grading_moved(
            a.pk, Submission.objects.filter(pk__in=others).values_list("training_class_id", flat=True)
        )
        return []
    keys = sim.band_keys(fp.signature)
    candidates = set(
        SimilarityBand.objects.filter(assignment=a, key__in=keys)
        .exclude(submission=submission)
        .values_list("submission_id", flat=True)
    )
    pairs = []
    threshold = _threshold(a)
    # The stored signatures weed out the chance candidates first; only the plausible ones are fingerprinted
    # again from their text for the exact score.
    likely = [
        pk
        for pk, raw, size in Submission.objects.filter(pk__in=candidates, signature__isnull=False)
        .exclude(state=S.DRAFT)
        .values_list("pk", "signature", "shingle_count")
        if sim.plausible(fp.signature, fp.size, sim.signature_from_bytes(raw), size, threshold)
    ]
    for other in Submission.objects.filter(pk__in=likely).only("pk", "body_text"):
        ofp = sim.fingerprint(other.body_text, excluded=excluded)
        if ofp is None:
            continue
        score = sim.overlap(fp.ids, ofp.ids)
        if score >= threshold:
            first, second = sorted((submission.pk, other.pk))
            pairs.append(SimilarityPair(assignment=a, first_id=first, second_id=second, score=score))
    SimilarityPair.objects.bulk_create(pairs)
    SimilarityBand.objects.bulk_create(
        [SimilarityBand(assignment=a, submission=submission, key=k) for k in keys]
    )
    Submission.objects.filter(pk=submission.pk).update(
        signature=sim.signature_bytes(fp.signature), shingle_count=fp.size
    )
    touched = (
        {submission.pk}
        | {i for pair in before for i in pair}
        | {p.first_id for p in pairs}
        | {p.second_id for p in pairs}
    )
    _refresh_max(touched)
    _grading_moved(
        a.pk, Submission.objects.filter(pk__in=touched).values_list("training_class_id", flat=True)
    )
    return pairs


@dataclass
class RecheckResult:
    checked: int
    scored: int
    pairs: int
    phases: dict[str, float] = field(default_factory=dict)  # seconds: read, fingerprints, pairs, write


def similarity_recheck(*, assignment: Assignment, reporter=None) -> RecheckResult:
    """Every submitted text of the assignment checked again, across all its classes: fingerprints and the
    stored index rebuilt, the pairs found by the same banding in memory, the flags replaced."""
    clock = time.perf_counter()
    phases: dict[str, float] = {}

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        phases[name] = now - clock
        clock = now

    rows = list(
        Submission.objects.filter(assignment=assignment)
        .exclude(state=S.DRAFT)
        .values_list("pk", "body_text", "signature", "similarity")
    )
    total = len(rows)
    if reporter is not None:
        reporter.running(total=total * 2, message=_("正在计算指纹"))
    lap("read")
    excluded = _excluded(assignment)
    fps: list[tuple[int, sim.Fingerprint]] = []
    stored = {pk: (bytes(sig) if sig is not None else None, best) for pk, _text, sig, best in rows}
    for n, (pk, text, _sig, _best) in enumerate(rows, start=1):
        fp = sim.fingerprint(text, excluded=excluded)
        if fp is not None:
            fps.append((pk, fp))
        if reporter is not None and n % 50 == 0:
            reporter.advance(done=n)
    lap("fingerprints")

    def advanced(n: int) -> None:
        if reporter is not None:
            reporter.advance(done=total + n, message=_("正在比对"))

    found = sim.pairs_among(fps, threshold=_threshold(assignment), progress=advanced)
    lap("pairs")
    best: dict[int, float] = {}
    for p in found:
        for k in (p.a, p.b):
            best[k] = max(best.get(k, 0.0), p.score)
    # Only what changed is written: a text whose signature is the one stored keeps its band keys (the same
    # keys); a re-check after nothing changed reads and compares.
    signatures = {pk: sim.signature_bytes(fp.signature) for pk, fp in fps}
    changed = [(pk, fp) for pk, fp in fps if stored[pk][0] != signatures[pk]]
    dropped = [pk for pk, (sig, _b) in stored.items() if sig is not None and pk not in signatures]
    moved = [
        (best.get(pk), pk) for pk, (_sig, old) in stored.items() if pk in signatures and best.get(pk) != old
    ]
    with transaction.atomic():
        SimilarityPair.objects.filter(assignment=assignment).delete()
        if len(changed) == len(fps):
            SimilarityBand.objects.filter(assignment=assignment).delete()
        else:
            gone = [pk for pk, _fp in changed] + dropped
            for start in range(0, len(gone), 5000):
                SimilarityBand.objects.filter(submission_id__in=gone[start : start + 5000]).delete()
        # Hundreds of thousands of rows for a large assignment: past the ORM (COPY on PostgreSQL).
        bulk_insert(
            SimilarityBand,
            (
                {"assignment_id": assignment.pk, "submission_id": pk, "key": k}
                for pk, fp in changed
                for k in sim.band_keys(fp.signature)
            ),
        )
        SimilarityPair.objects.bulk_create(
            [
                SimilarityPair(
                    assignment=assignment, first_id=min(p.a, p.b), second_id=max(p.a, p.b), score=p.score
                )
                for p in found
            ],
            batch_size=2000,
        )
        for start in range(0, len(dropped), 5000):
            Submission.objects.filter(pk__in=dropped[start : start + 5000]).update(
                signature=None, shingle_count=0, similarity=None
            )
        _rows_update(
            "signature = %s, shingle_count = %s, similarity = %s",
            ((signatures[pk], fp.size, best.get(pk), pk) for pk, fp in changed),
        )
        changed_ids = {pk for pk, _fp in changed}
        _rows_update("similarity = %s", ((b, pk) for b, pk in moved if pk not in changed_ids))
    _grading_moved(assignment.pk, [c.pk for c in assignment_classes(assignment=assignment)])
    lap("write")
    result = RecheckResult(checked=total, scored=len(fps), pairs=len(found), phases=phases)
    if reporter is not None:
        reporter.finish(
            message=_("已比对 %(n)d 份作业（%(s)d 份足够长可比对），发现 %(p)d 对疑似雷同。")
            % {"n": total, "s": len(fps), "p": len(found)}
        )
    return result


def _rows_update(assignments: str, rows) -> None:
    """UPDATE submissions SET <assignments> WHERE id = <last value of each row>, in batches."""
    from django.db import connection

    sql = f"UPDATE {Submission._meta.db_table} SET {assignments} WHERE id = %s"  # noqa: S608
    with connection.cursor() as cursor:
        batch: list = []
        for row in rows:
            batch.append(row)
            if len(batch) >= 2000:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def similarity_recheck_start(*, actor, assignment: Assignment, language: str = "zh-hans"):
    from teachnet.core.services import progress_start, run_in_background

    from .tasks import recheck

    task = progress_start(
        owner=actor, kind="homework.recheck", title=_("全部作业雷同复查：%(t)s") % {"t": assignment.title}
    )
    run_in_background(recheck, str(task.pk), assignment.pk, language)
    return task


# --- Deadline notices ---------------------------------------------------------------------------------------


def homework_notify_due(*, now: dt.datetime | None = None, days: int | None = None) -> int:
    """Tell the learners who have not submitted that an assignment is due within `days` days: once per
    assignment (the notice's key, and the assignment's mark). Returns how many were told."""
    moment = _now(now)
    days = days if days is not None else settings.HOMEWORK_DUE_NOTICE_DAYS
    told = 0
    due = Assignment.objects.filter(
        deadline__gt=moment, deadline__lte=moment + dt.timedelta(days=days), due_notified_at__isnull=True
    ).select_related("provider_subject")
    for a in due:
        class_ids = [c.pk for c in assignment_classes(assignment=a)]
        learners = set(
            ClassMembership.objects.filter(
                training_class_id__in=class_ids,
                enrollment__withdrawn_at__isnull=True,
                enrollment__role=Enrollment.Role.LEARNER,
            ).values_list("enrollment__user_id", flat=True)
        )
        done = set(
            Submission.objects.filter(assignment=a)
            .exclude(state__in=[S.DRAFT, S.RETURNED])
            .values_list("learner_id", flat=True)
        )
        waiting = sorted(learners - done)
        when = timezone.localtime(a.deadline).strftime("%m-%d %H:%M")
        rows = notify(
            recipients=waiting,
            kind=Kind.DEADLINE_SOON,
            title=_("作业即将截止：%(t)s") % {"t": a.title},
            body=_("截止时间 %(d)s，您还没有提交。") % {"d": when},
            url=reverse("homework:assignment", args=[a.pk]),
            subject_key=f"homework.due:{a.pk}",
        )
        told += len(rows)
        Assignment.objects.filter(pk=a.pk).update(due_notified_at=moment)
    return told
