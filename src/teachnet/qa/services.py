"""Writes of Q&A sessions (ACT-5): scheduling, the room (questions, upvotes, answers), presence, ending and
archiving, moving unanswered questions to the subject board, and telling learners a session is starting.

Every change to a message takes the room's next revision number under the session row's lock, so the live
feed ("everything after revision N") never misses one; the live copies in this process are refreshed at once.
Services take an optional `now` (the demo writes sessions held in the past, tests move the clock).
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from teachnet.notifications.kinds import Kind
from teachnet.notifications.services import notify
from teachnet.training.models import Enrollment, ProviderSubject

from . import board, live
from . import selectors as sel
from .models import BODY_MAX, QaAttendance, QaEvent, QaMessage, QaPresence, QaSession, QaVote

TITLE_MAX = 200
LONGEST = dt.timedelta(hours=12)


def _touch(session_id: int) -> None:
    live.touch(session_id)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: live.touch(session_id))


def _text(value: str, *, field: str, limit: int, what: str) -> str:
    text = (value or "").replace("\r\n", "\n").strip()
    if not text:
        raise ValidationError({field: _("请填写%(what)s。") % {"what": what}})
    if len(text) > limit:
        raise ValidationError(
            {
                field: _("%(what)s过长：最多 %(limit)d 字，现有 %(n)d 字。请删减后再提交。")
                % {"what": what, "limit": limit, "n": len(text)}
            }
        )
    return text


# --- Scheduling ---------------------------------------------------------------------------------------------


def _check_schedule(
    *, provider_subject: ProviderSubject, title: str, starts_at, ends_at, host_ids, video_url: str, now
) -> tuple[str, list, str]:
    errors: dict[str, str] = {}
    try:
        title = _text(title, field="title", limit=TITLE_MAX, what=_("主题"))
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if starts_at is None:
        errors["starts_at"] = _("请填写开始时间。")
    if ends_at is None:
        errors["ends_at"] = _("请填写结束时间。")
    if starts_at is not None and ends_at is not None:
        if ends_at <= starts_at:
            errors["ends_at"] = _("结束时间应晚于开始时间。")
        elif ends_at - starts_at > LONGEST:
            errors["ends_at"] = _("一次答疑最长 12 小时，请分成几次安排。")
    hosts = list(provider_subject.members.filter(pk__in=[int(h) for h in host_ids or []]))
    if not hosts:
        errors["hosts"] = _("请至少选择一位本学科专家团队的成员主持。")
    elif len(hosts) != len(set(host_ids)):
        errors["hosts"] = _("主持专家须是本学科专家团队的成员。")
    video_url = (video_url or "").strip()
    if video_url and urlsplit(video_url).scheme not in ("http", "https"):
        errors["video_url"] = _("视频直播地址应以 http:// 或 https:// 开头。")
    if errors:
        raise ValidationError(errors)
    return title, hosts, video_url


@transaction.atomic
def session_schedule(
    *,
    actor,
    provider_subject: ProviderSubject,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    host_ids: list[int],
    description: str = "",
    video_url: str = "",
    now: dt.datetime | None = None,
) -> QaSession:
    now = now or timezone.now()
    if not sel.may_schedule(actor=actor, provider_subject=provider_subject):
        raise ValidationError(_("您不能为该学科安排答疑。"))
    title, hosts, video_url = _check_schedule(
        provider_subject=provider_subject,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        host_ids=host_ids,
        video_url=video_url,
        now=now,
    )
    if starts_at < now - dt.timedelta(minutes=5):
        raise ValidationError({"starts_at": _("开始时间已过，请选择以后的时间。")})
    session = QaSession.objects.create(
        provider_subject=provider_subject,
        title=title,
        description=(description or "").strip()[:5000],
        starts_at=starts_at,
        ends_at=ends_at,
        video_url=video_url,
        created_by=actor,
    )
    session.hosts.set(hosts)
    QaEvent.objects.create(
        session=session,
        actor=actor,
        verb=QaEvent.Verb.SCHEDULED,
        data={
            "starts_at": starts_at.isoformat(),
            "ends_at": ends_at.isoformat(),
            "hosts": [h.pk for h in hosts],
        },
    )
    return session


@transaction.atomic
def session_update(
    *,
    actor,
    session: QaSession,
    version: dt.datetime | None,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    host_ids: list[int],
    description: str = "",
    video_url: str = "",
    now: dt.datetime | None = None,
) -> QaSession:
    """Change a session before it ends. `version` is the session's updated_at as the editor read it: a
    change made meanwhile by someone else is not overwritten."""
    now = now or timezone.now()
    locked = QaSession.objects.select_for_update().get(pk=session.pk)
    if version is not None and abs((locked.updated_at - version).total_seconds()) > 0.001:
        raise ValidationError(_("这场答疑刚被他人修改过。请重新打开本页，查看最新内容后再修改。"))
    if sel.state(locked, now) in (sel.State.ENDED, sel.State.CANCELLED):
        raise ValidationError(_("答疑已结束或已取消，不能再修改。"))
    title, hosts, video_url = _check_schedule(
        provider_subject=locked.provider_subject,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        host_ids=host_ids,
        video_url=video_url,
        now=now,
    )
    if sel.state(locked, now) == sel.State.LIVE and starts_at != locked.starts_at:
        raise ValidationError({"starts_at": _("答疑已开始，开始时间不能再改。")})
    before = {
        "title": locked.title,
        "starts_at": locked.starts_at.isoformat(),
        "ends_at": locked.ends_at.isoformat(),
    }
    locked.title, locked.starts_at, locked.ends_at = title, starts_at, ends_at
    locked.description = (description or "").strip()[:5000]
    locked.video_url = video_url
    locked.save()
    locked.hosts.set(hosts)
    QaEvent.objects.create(
        session=locked,
        actor=actor,
        verb=QaEvent.Verb.CHANGED,
        data={
            "before": before,
            "after": {"title": title, "starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat()},
        },
    )
    _touch(locked.pk)
    return locked


@transaction.atomic
def session_cancel(*, actor, session: QaSession, reason: str = "", now=None) -> QaSession:
    now = now or timezone.now()
    locked = QaSession.objects.select_for_update().get(pk=session.pk)
    if sel.state(locked, now) not in (sel.State.SCHEDULED, sel.State.OPEN):
        raise ValidationError(_("只能取消尚未开始的答疑。"))
    locked.cancelled_at = now
    locked.save(update_fields=["cancelled_at", "updated_at"])
    QaEvent.objects.create(
        session=locked, actor=actor, verb=QaEvent.Verb.CANCELLED, data={"reason": reason[:300]}
    )
    _touch(locked.pk)
    return locked


@transaction.atomic
def session_end(*, actor, session: QaSession, now=None) -> QaSession:
    """A host ends the session now: the room closes and its transcript is archived."""
    now = now or timezone.now()
    locked = QaSession.objects.select_for_update().get(pk=session.pk)
    if sel.state(locked, now) != sel.State.LIVE:
        raise ValidationError(_("答疑不在进行中。"))
    locked.ended_at = now
    locked.save(update_fields=["ended_at", "updated_at"])
    QaEvent.objects.create(session=locked, actor=actor, verb=QaEvent.Verb.ENDED)
    _touch(locked.pk)
    return session_archive(session=locked, now=now)


@transaction.atomic
def session_archive(*, session: QaSession, now=None) -> QaSession:
    """Close a held session for good (idempotent): its end fixed, presence capped to it, the transcript
    read-only from now on."""
    now = now or timezone.now()
    locked = QaSession.objects.select_for_update().get(pk=session.pk)
    if locked.archived_at is not None or locked.cancelled_at is not None:
        return locked
    if locked.ended_at is None:
        if now < locked.ends_at:
            raise ValidationError(_("答疑尚未结束。"))
        locked.ended_at = locked.ends_at
    for att in QaAttendance.objects.filter(session=locked).select_for_update():
        _attendance_total(att, locked)
    locked.archived_at = now
    locked.save(update_fields=["ended_at", "archived_at", "updated_at"])
    QaEvent.objects.create(session=locked, verb=QaEvent.Verb.ARCHIVED, data=sel.figures(session=locked))
    _touch(locked.pk)
    return locked


def sessions_archive_due(*, now=None) -> int:
    """Archive every session whose planned end has passed and that no host ended (the periodic task)."""
    now = now or timezone.now()
    due = QaSession.objects.filter(archived_at__isnull=True, cancelled_at__isnull=True, ends_at__lte=now)
    count = 0
    for session in due:
        session_archive(session=session, now=now)
        count += 1
    return count


# --- The room -----------------------------------------------------------------------------------------------


def _next_rev(session_id: int) -> int:
    """The room's next revision number; the caller holds the transaction (the row stays locked till its
    end, so revisions commit in order)."""
    QaSession.objects.filter(pk=session_id).update(seq=F("seq") + 1)
    return QaSession.objects.filter(pk=session_id).values_list("seq", flat=True).get()


def _lock_open(session: QaSession, now, *, what: str) -> QaSession:
    locked = QaSession.objects.select_for_update().get(pk=session.pk)
    st = sel.state(locked, now)
    if st not in (sel.State.OPEN, sel.State.LIVE):
        if st == sel.State.ENDED:
            raise ValidationError(
                _("答疑已结束，不能再%(what)s。记录已归档，可在答疑记录中查看。") % {"what": what}
            )
        if st == sel.State.CANCELLED:
            raise ValidationError(_("这场答疑已取消。"))
        raise ValidationError(
            _("答疑室尚未开放：开始前 %(m)d 分钟开放提问。") % {"m": settings.QA_ROOM_OPENS_MINUTES_BEFORE}
        )
    return locked


@transaction.atomic
def question_ask(*, actor, session: QaSession, body: str, now=None) -> QaMessage:
    now = now or timezone.now()
    if not sel.is_participant(user=actor, session=session):
        raise ValidationError(_("只有本学科的参训学员和辅导教师可以提问。"))
    body = _text(body, field="body", limit=BODY_MAX, what=_("问题"))
    locked = _lock_open(session, now, what=_("提问"))
    recent = QaMessage.objects.filter(
        session=locked,
        author=actor,
        kind=QaMessage.Kind.QUESTION,
        created_at__gt=now - dt.timedelta(seconds=5),
    )
    if recent.exists():
        raise ValidationError({"body": _("提问太快了：请 5 秒后再提下一个问题。")})
    message = QaMessage.objects.create(
        session=locked,
        kind=QaMessage.Kind.QUESTION,
        author=actor,
        author_name=(actor.real_name or actor.username)[:60],
        body=body,
        created_at=now,
        rev=_next_rev(locked.pk),
    )
    _touch(locked.pk)
    return message


@transaction.atomic
def answer_post(*, actor, question: QaMessage, body: str, mark_answered: bool = True, now=None) -> QaMessage:
    now = now or timezone.now()
    session = question.session
    if question.kind != QaMessage.Kind.QUESTION:
        raise ValidationError(_("只能回答问题。"))
    if not sel.is_host(user=actor, session=session):
        raise ValidationError(_("只有本场的主持专家可以解答。"))
    body = _text(body, field="body", limit=BODY_MAX, what=_("解答"))
    locked = _lock_open(session, now, what=_("解答"))
    answer = QaMessage.objects.create(
        session=locked,
        kind=QaMessage.Kind.ANSWER,
        question=question,
        author=actor,
        author_name=(actor.real_name or actor.username)[:60],
        by_host=True,
        body=body,
        created_at=now,
        rev=_next_rev(locked.pk),
    )
    if mark_answered:
        _mark(question, actor=actor, answered=True, now=now, session_id=locked.pk)
    _touch(locked.pk)
    return answer


def _mark(question: QaMessage, *, actor, answered: bool, now, session_id: int) -> None:
    q = QaMessage.objects.select_for_update().get(pk=question.pk)
    if (q.answered_at is not None) == answered:
        return  # a second host marking it too: already so, nothing to change
    q.answered_at = now if answered else None
    q.answered_by = actor if answered else None
    q.rev = _next_rev(session_id)
    q.save(update_fields=["answered_at", "answered_by", "rev"])
    question.answered_at, question.rev = q.answered_at, q.rev


@transaction.atomic
def question_mark_answered(*, actor, question: QaMessage, answered: bool = True, now=None) -> QaMessage:
    now = now or timezone.now()
    if question.kind != QaMessage.Kind.QUESTION:
        raise ValidationError(_("只能标记问题。"))
    if not sel.is_host(user=actor, session=question.session):
        raise ValidationError(_("只有本场的主持专家可以标记问题。"))
    locked = _lock_open(question.session, now, what=_("标记问题"))
    _mark(question, actor=actor, answered=answered, now=now, session_id=locked.pk)
    _touch(locked.pk)
    question.refresh_from_db()
    return question


@transaction.atomic
def vote_set(*, actor, question: QaMessage, on: bool = True, now=None) -> QaMessage:
    """Upvote a question (on) or take the vote back; one vote per person, however often they click."""
    now = now or timezone.now()
    if question.kind != QaMessage.Kind.QUESTION:
        raise ValidationError(_("只能为问题点赞。"))
    if not sel.is_participant(user=actor, session=question.session):
        raise ValidationError(_("只有本学科的参训学员和辅导教师可以点赞。"))
    locked = _lock_open(question.session, now, what=_("点赞"))
    q = QaMessage.objects.select_for_update().get(pk=question.pk)
    if on:
        try:
            with transaction.atomic():
                QaVote.objects.create(message=q, user=actor)
        except IntegrityError:
            return q  # voted already: the count stays
    else:
        deleted, _rows = QaVote.objects.filter(message=q, user=actor).delete()
        if not deleted:
            return q
    q.votes = QaVote.objects.filter(message=q).count()
    q.rev = _next_rev(locked.pk)
    q.save(update_fields=["votes", "rev"])
    _touch(locked.pk)
    return q


# --- Presence (attendance) ----------------------------------------------------------------------------------


def _clip(session: QaSession, start, end):
    start, end = max(start, session.starts_at), min(end, session.end_bound)
    return (start, end) if end > start else None


def _attendance_total(att: QaAttendance, session: QaSession) -> None:
    total = 0
    for start, end in att.intervals.values_list("started_at", "ended_at"):
        clipped = _clip(session, start, end)
        if clipped:
            total += int((clipped[1] - clipped[0]).total_seconds())
    att.seconds = total
    att.save(update_fields=["seconds", "last_seen_at"])


@transaction.atomic
def presence_ping(*, actor, session: QaSession, now=None) -> QaAttendance | None:
    """The room is open in the person's browser: extend their current stretch of presence, or start one when
    the last ping is longer ago than the gap allows. Only time within the session (start to end) counts;
    pings before the start are taken (the room is open) and count nothing. Not study-hour credit."""
    now = now or timezone.now()
    if not (sel.is_participant(user=actor, session=session) or sel.is_host(user=actor, session=session)):
        raise ValidationError(_("您不是本场答疑的参加者。"))
    session = QaSession.objects.get(pk=session.pk)  # as it is now: a host may just have ended it
    if sel.state(session, now) not in (sel.State.OPEN, sel.State.LIVE):
        raise ValidationError(_("答疑室未开放。"))
    att, _created = QaAttendance.objects.get_or_create(
        session=session, user=actor, defaults={"first_seen_at": now, "last_seen_at": now}
    )
    att = QaAttendance.objects.select_for_update().get(
        pk=att.pk
    )  # two tabs pinging at once: one after the other
    gap = dt.timedelta(seconds=settings.QA_PRESENCE_GAP_SECONDS)
    last = att.intervals.order_by("-ended_at").first()
    if last is not None and now - last.ended_at <= gap:
        if now > last.ended_at:
            last.ended_at = now
            last.save(update_fields=["ended_at"])
    else:
        QaPresence.objects.create(attendance=att, started_at=now, ended_at=now)
    att.last_seen_at = max(att.last_seen_at, now)
    _attendance_total(att, session)
    return att


# --- After the session --------------------------------------------------------------------------------------


@transaction.atomic
def question_move(*, actor, question: QaMessage, now=None) -> QaMessage:
    """Move a question left unanswered into the subject's discussion board (through the registered mover,
    qa.board), once the session has ended; the transcript keeps it, with a link to where it went."""
    now = now or timezone.now()
    handler = board.mover()
    if handler is None:
        raise ValidationError(_("学科讨论区尚未开通，暂不能转入。"))
    # As it is now (a host may just have ended it), and locked: the move takes the room's next revision.
    session = (
        QaSession.objects.select_for_update().select_related("provider_subject").get(pk=question.session_id)
    )
    granted = sel.access(user=actor, session=session)
    if not (granted.host or granted.manage):
        raise ValidationError(_("只有主持专家或本学科的管理者可以转入讨论区。"))
    if question.kind != QaMessage.Kind.QUESTION:
        raise ValidationError(_("只能转入问题。"))
    if sel.state(session, now) != sel.State.ENDED:
        raise ValidationError(_("答疑结束后才能把未解答的问题转入讨论区。"))
    q = QaMessage.objects.select_for_update().get(pk=question.pk)
    if q.answered_at is not None:
        raise ValidationError(_("这个问题已解答，无需转入。"))
    if q.moved_at is not None:
        return q
    url = handler(question=q, actor=actor)
    q.moved_at, q.moved_url = now, (url or "")[:300]
    q.rev = _next_rev(session.pk)
    q.save(update_fields=["moved_at", "moved_url", "rev"])
    QaEvent.objects.create(
        session=session, actor=actor, verb=QaEvent.Verb.MOVED, data={"question": q.pk, "url": q.moved_url}
    )
    _touch(session.pk)
    return q


# --- Telling learners ---------------------------------------------------------------------------------------


def session_learners(session: QaSession) -> list[int]:
    ps = session.provider_subject
    return list(
        Enrollment.objects.filter(
            project_id=ps.project_id,
            subject_id=ps.subject_id,
            role=Enrollment.Role.LEARNER,
            withdrawn_at__isnull=True,
        ).values_list("user_id", flat=True)
    )


def session_notify_starting(*, session: QaSession, now=None) -> int:
    """Tell the subject's learners the session is about to start, once per session (the notice's key keeps
    it once per person as well, whatever runs it twice). Returns how many were told now."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            QaSession.objects.select_for_update()
            .select_related("provider_subject__subject")
            .get(pk=session.pk)
        )
        if locked.notified_at is not None or locked.cancelled_at is not None:
            return 0
        local = timezone.localtime(locked.starts_at)
        sent = notify(
            recipients=session_learners(locked),
            kind=Kind.QA_STARTING,
            title=_("专家答疑即将开始：%(title)s") % {"title": locked.title},
            body=_("%(subject)s · %(start)s 开始，可提前进入答疑室提问。")
            % {"subject": locked.provider_subject.subject.label, "start": local.strftime("%m-%d %H:%M")},
            url=reverse("qa:session", args=[locked.pk]),
            subject_key=f"qa.session:{locked.pk}:starting",
        )
        locked.notified_at = now
        locked.save(update_fields=["notified_at"])
        QaEvent.objects.create(session=locked, verb=QaEvent.Verb.NOTIFIED, data={"recipients": len(sent)})
    return len(sent)


def sessions_notify_starting(*, minutes: int | None = None, now=None) -> dict[str, int]:
    """Every session starting within the next `minutes` (QA_NOTIFY_MINUTES_BEFORE) whose learners were not
    told yet: the command and the periodic task `qa.notify_starting`."""
    now = now or timezone.now()
    minutes = settings.QA_NOTIFY_MINUTES_BEFORE if minutes is None else minutes
    due = QaSession.objects.filter(
        notified_at__isnull=True,
        cancelled_at__isnull=True,
        ended_at__isnull=True,
        starts_at__lte=now + dt.timedelta(minutes=minutes),
        ends_at__gt=now,
    ).order_by("starts_at")
    sessions = people = 0
    for session in due:
        people += session_notify_starting(session=session, now=now)
        sessions += 1
    return {"sessions": sessions, "people": people}
