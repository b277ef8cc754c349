"""The study-time protocol (LRN-1, LRN-2): sessions, heartbeats, presence checks, the ledger.

A page starts a session for one resource and gets a token, shown once. It then sends a heartbeat every
`beat_seconds` while the learner is there (the page decides that: visible, focused, active or playing). The
server alone decides what a heartbeat is worth:

- only the session's token, with the next sequence number, counts: a replayed, reordered or forged heartbeat
  credits nothing (a repeat of the last one is answered again, for a page whose answer got lost);
- a heartbeat credits the heartbeat interval when it comes about one interval after the previous one (the
  grace absorbs network jitter), the elapsed whole seconds when it comes sooner, and never more, over the
  session, than the session's wall-clock age: no cadence earns more than the time that passed;
- a longer gap means the learner was away: the interval is credited, the rest is recorded as idle; no
  heartbeat for `idle_seconds` ends the session;
- credit stops at the resource's creditable length and at the project's daily cap (recorded as such);
- while a presence check is open the clock stands still; an unanswered check ends the session;
- one active session per learner: a new one takes over (or is refused, as the project decides).

Every stretch of time is a ledger row (CreditInterval) with its reason; the database keeps the daily totals
from those rows (a trigger), so totals and ledger cannot disagree.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import random
import secrets
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from teachnet.courses.models import Course, Resource

from .access import studyable
from .models import (
    CreditInterval,
    EndReason,
    PresenceCheck,
    Question,
    Reason,
    StudyPolicy,
    StudySession,
    StudyTotal,
    VideoProgress,
)

MAX_CHECK_ATTEMPTS = 3
# A video segment starting further than this past what was watched is a skip, not playback.
SKIP_TOLERANCE_SECONDS = 5.0


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def policy_for(project) -> StudyPolicy:
    """The project's study policy, or the defaults (unsaved) for a project without one: reading it writes
    nothing, so a page view or a heartbeat never creates rows (nor moves core.freshness's generation)."""
    return StudyPolicy.objects.filter(project=project).first() or StudyPolicy(project=project)


def local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def _next_check(policy_min: int, policy_max: int, now: dt.datetime) -> dt.datetime | None:
    if policy_min <= 0:
        return None
    return now + dt.timedelta(seconds=random.randint(policy_min * 60, max(policy_min, policy_max) * 60))


def resource_credited(*, learner, resource_id: int) -> int:
    return (
        StudyTotal.objects.filter(learner=learner, resource_id=resource_id).aggregate(s=Sum("seconds"))["s"]
        or 0
    )


def day_credited(*, learner, project, day: dt.date) -> int:
    return (
        StudyTotal.objects.filter(learner=learner, project=project, day=day).aggregate(s=Sum("seconds"))["s"]
        or 0
    )


# --- Sessions -----------------------------------------------------------------------------------------------


@dataclass
class Started:
    session: StudySession
    token: str
    taken_over: bool = False
    credited_seconds: int = 0  # already credited for this resource, all days
    policy: StudyPolicy | None = None
    kind: str = ""


def _ledger_row(session: StudySession, *, start, end, reason: str, seconds: int = 0, uncredited: int = 0):
    return CreditInterval.objects.create(
        learner_id=session.learner_id,
        project_id=session.project_id,
        resource_id=session.resource_id,
        session=session,
        day=local_day(start),
        started_at=start,
        ended_at=max(end, start),
        seconds=seconds,
        uncredited_seconds=uncredited,
        reason=reason,
    )


def _end(session: StudySession, *, reason: str, at: dt.datetime, gap_reason: str | None = None) -> None:
    """End a session; the time since its last heartbeat is recorded as not credited, with why."""
    if gap_reason is not None and at >= session.last_beat_at:
        gap = int((at - session.last_beat_at).total_seconds())
        # A takeover is recorded even when it came right after a heartbeat: the record says where the
        # learner's other place stopped counting.
        if gap > 0 or gap_reason == Reason.TAKEOVER:
            _ledger_row(session, start=session.last_beat_at, end=at, reason=gap_reason, uncredited=gap)
    if reason in (EndReason.NO_ANSWER, EndReason.WRONG_ANSWERS) and session.open_interval_id:
        # The time spent waiting for the answer was lost to the unanswered question: say so.
        CreditInterval.objects.filter(pk=session.open_interval_id, reason=Reason.AWAITING_CHECK).update(
            reason=Reason.NO_ANSWER
        )
    PresenceCheck.objects.filter(session=session, outcome="").update(
        outcome=PresenceCheck.Outcome.EXPIRED
        if reason == EndReason.NO_ANSWER
        else PresenceCheck.Outcome.FAILED
    )
    session.ended_at = at
    session.end_reason = reason
    session.open_interval = None
    session.check_deadline = None
    session.save(update_fields=["ended_at", "end_reason", "open_interval", "check_deadline"])


def _expire_if_stale(session: StudySession, now: dt.datetime) -> bool:
    """End a session whose page went silent; True if it was ended now or before."""
    if session.ended_at is not None:
        return True
    if session.check_deadline is not None and now > session.check_deadline:
        _end(session, reason=EndReason.NO_ANSWER, at=session.check_deadline, gap_reason=Reason.NO_ANSWER)
        return True
    if (now - session.last_beat_at).total_seconds() > session.idle_seconds:
        at = session.last_beat_at + dt.timedelta(seconds=session.idle_seconds)
        _end(session, reason=EndReason.IDLE, at=at, gap_reason=Reason.IDLE)
        return True
    return False


def sessions_expire(*, now: dt.datetime | None = None) -> int:
    """End every session gone silent (run periodically; heartbeats and starts also do it as they meet one)."""
    now = now or timezone.now()
    ended = 0
    oldest = now - dt.timedelta(seconds=30)
    for pk in StudySession.objects.filter(ended_at__isnull=True, last_beat_at__lt=oldest).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            session = StudySession.objects.select_for_update().get(pk=pk)
            if session.ended_at is None and _expire_if_stale(session, now):
                ended += 1
    return ended


def session_start(
    *, learner, course: Course, resource_id: int, device: str = "", now: dt.datetime | None = None
) -> Started:
    """Start studying a resource of the approved version of a course the learner takes.

    Two places starting at the same instant both find no active session to lock; the database's one-active-
    session constraint lets one in, and the other tries again, now finding it (and taking over, or refused).
    """
    for attempt in range(3):
        try:
            return _session_start(
                learner=learner, course=course, resource_id=resource_id, device=device, now=now
            )
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


@transaction.atomic
def _session_start(
    *, learner, course: Course, resource_id: int, device: str, now: dt.datetime | None
) -> Started:
    now = now or timezone.now()
    entry = studyable(learner=learner, course=course, resource_id=resource_id)
    if entry is None:
        raise ValidationError(
            _("这项资源暂未向您开放（课程未通过审核、培训未开始，或不是您的课程）。"), code="closed"
        )
    project = course.provider_subject.project
    policy = policy_for(project)
    taken_over = False
    # Lock the learner's active session, if any (the partial unique index keeps it to one).
    active = StudySession.objects.select_for_update().filter(learner=learner, ended_at__isnull=True).first()
    if active is not None and not _expire_if_stale(active, now):
        if policy.second_device == StudyPolicy.SecondDevice.REFUSE:
            raise ValidationError(
                _("您正在另一处学习（%(device)s）。请先在那里结束学习，或等它超时后再开始。")
                % {"device": active.device or _("另一设备")},
                code="busy",
            )
        _end(active, reason=EndReason.TAKEOVER, at=now, gap_reason=Reason.TAKEOVER)
        taken_over = True
    day = local_day(now)
    already = resource_credited(learner=learner, resource_id=resource_id)
    token = secrets.token_urlsafe(24)
    session = StudySession.objects.create(
        learner=learner,
        project=project,
        course=course,
        resource_id=resource_id,
        token_hash=token_digest(token),
        started_at=now,
        last_beat_at=now,
        beat_seconds=policy.heartbeat_seconds,
        grace_seconds=policy.grace_seconds,
        idle_seconds=policy.idle_end_seconds,
        next_check_at=_next_check(policy.check_min_minutes, policy.check_max_minutes, now),
        resource_room=max(0, entry["credit_minutes"] * 60 - already),
        day=day,
        day_room=max(
            0, policy.daily_cap_minutes * 60 - day_credited(learner=learner, project=project, day=day)
        ),
        device=device[:120],
    )
    return Started(
        session=session, token=token, taken_over=taken_over, credited_seconds=already, policy=policy
    )


# --- Heartbeats ---------------------------------------------------------------------------------------------


@dataclass
class Beat:
    """The server's answer to a heartbeat."""

    accepted: bool
    credited: int = 0
    reason: str = ""
    ended: str = ""
    check: dict | None = None
    session_seconds: int = 0
    room_seconds: int = 0  # what the resource may still credit
    today_room_seconds: int = 0
    notes: list[str] = field(default_factory=list)


def _answer(session: StudySession, **kwargs) -> Beat:
    return Beat(
        session_seconds=session.credited_seconds,
        room_seconds=session.resource_room,
        today_room_seconds=session.day_room,
        **kwargs,
    )


def _check_body(check: PresenceCheck, now: dt.datetime) -> dict:
    return {
        "id": check.pk,
        "prompt": check.prompt,
        "seconds_left": max(0, int((check.deadline - now).total_seconds())),
    }


def _extend_or_add(session: StudySession, *, start, end, reason: str, seconds: int = 0, uncredited: int = 0):
    """Extend the session's open ledger row when it continues it (same reason, same day, no gap), else add
    one: a steady session is one row, not one per heartbeat."""
    row_id = session.open_interval_id
    if row_id is not None and local_day(end) == session.day:
        updated = CreditInterval.objects.filter(
            pk=row_id, reason=reason, ended_at=start, day=session.day
        ).update(
            ended_at=end,
            seconds=F("seconds") + seconds,
            uncredited_seconds=F("uncredited_seconds") + uncredited,
        )
        if updated:
            return
    row = _ledger_row(session, start=start, end=end, reason=reason, seconds=seconds, uncredited=uncredited)
    session.open_interval = row


def _issue_check(session: StudySession, now: dt.datetime) -> PresenceCheck:
    policy = policy_for(session.project)
    prompt, answer = _question(session.project_id)
    check = PresenceCheck.objects.create(
        session=session,
        prompt=prompt,
        answer=answer,
        issued_at=now,
        deadline=now + dt.timedelta(seconds=policy.check_answer_seconds),
    )
    session.check_deadline = check.deadline
    session.next_check_at = None
    return check


def _question(project_id: int) -> tuple[str, str]:
    bank = list(Question.objects.filter(project_id=project_id).values_list("prompt", "answer")[:200])
    if bank:
        return random.choice(bank)
    a, b = random.randint(2, 19), random.randint(2, 19)
    if random.random() < 0.5:
        return _("%(a)d + %(b)d = ?") % {"a": a, "b": b}, str(a + b)
    a, b = max(a, b), min(a, b)
    return _("%(a)d − %(b)d = ?") % {"a": a, "b": b}, str(a - b)


def _video_skipped(session: StudySession, played) -> bool:
    """Record the segments played since the last heartbeat; True if one starts past what was watched (a seek
    ahead the page should not have allowed), whose time then counts for nothing."""
    if not played:
        return False
    progress, _created = VideoProgress.objects.get_or_create(
        learner_id=session.learner_id, resource_id=session.resource_id
    )
    duration = session.resource.duration_seconds or 0
    segments = [list(s) for s in progress.segments]
    skipped = False
    for start, end in played:
        start, end = float(start), float(end)
        if not (0 <= start <= end) or (duration and start > duration + 1):
            skipped = True
            continue
        if not progress.completed and start > progress.furthest_seconds + SKIP_TOLERANCE_SECONDS:
            skipped = True
            continue
        segments.append([start, min(end, duration or end)])
        progress.furthest_seconds = max(progress.furthest_seconds, min(end, duration or end))
    merged: list[list[float]] = []
    for start, end in sorted(segments):
        if merged and start <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    progress.segments = [[round(a, 1), round(b, 1)] for a, b in merged]
    progress.watched_seconds = round(sum(b - a for a, b in merged), 1)
    if duration and progress.watched_seconds >= duration - 2:
        progress.completed = True
    progress.save()
    return skipped


def claim_for(*, elapsed: float, beat: int, grace: int, age: float, claimed: int) -> tuple[int, int]:
    """What a heartbeat `elapsed` seconds after the previous one may claim, and how much of the gap was idle.

    The interval when it comes about one interval after the previous (the grace absorbs jitter), the whole
    seconds elapsed when sooner; never more, over the session, than its wall-clock age; a gap longer than
    the interval and grace was the learner away.
    """
    claim = beat if elapsed + grace >= beat else math.floor(elapsed)
    claim = max(0, min(claim, math.floor(age) - claimed))
    idle = max(0, math.floor(elapsed) - beat) if elapsed > beat + grace else 0
    return claim, idle


# The hot path: one locked read, two writes, in plain SQL. It takes only the common case (an active session
# of a non-video resource, no question open or due, the same day, no gap, no cap reached); everything else
# goes the general way below, with the row already locked.
_FAST_READ = """
    SELECT s.id, s.seq, s.started_at, s.last_beat_at, s.ended_at, s.claimed_seconds, s.credited_seconds,
           s.beat_seconds, s.grace_seconds, s.idle_seconds, s.check_deadline, s.next_check_at,
           s.resource_room, s.day, s.day_room, s.open_interval_id, r.kind, s.learner_id, s.project_id,
           s.resource_id, s.end_reason
    FROM learning_studysession s JOIN courses_resource r ON r.id = s.resource_id
    WHERE s.token_hash = %s
"""
_EXTEND = """
    UPDATE learning_creditinterval SET ended_at = %s, seconds = seconds + %s
    WHERE id = %s AND reason = 'credited' AND ended_at = %s AND day = %s
"""
_SESSION_SAVE = """
    UPDATE learning_studysession SET seq = %s, last_beat_at = %s, claimed_seconds = %s, credited_seconds = %s,
           resource_room = %s, day_room = %s, open_interval_id = %s
    WHERE id = %s
"""


def _aware(value):
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def heartbeat(*, token: str, seq: int, now: dt.datetime | None = None, played=None) -> Beat:
    now = now or timezone.now()
    if connection.vendor == "postgresql":  # one round trip (autocommit) in production
        beat = _heartbeat_pg(token=token, seq=seq, now=now)
        if beat is not None:
            return beat
    with transaction.atomic():
        return _heartbeat_python(token=token, seq=seq, now=now, played=played)


_PG_OUTCOMES = {"credited": (True, Reason.CREDITED), "duplicate": (True, "duplicate")}


def _heartbeat_pg(*, token: str, seq: int, now: dt.datetime) -> Beat | None:
    """The hot path on PostgreSQL: one call of learning_heartbeat() (migration 0003), which does what
    _heartbeat_python's hot path does, in one round trip and one transaction. None when the heartbeat needs
    the general way (the function then changed nothing)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT * FROM learning_heartbeat(%s, %s, %s, %s)",
            [token_digest(token or ""), seq, now, local_day(now)],
        )
        outcome, credited, session_seconds, room, today_room, end_reason = cursor.fetchone()
    if outcome == "general":
        return None
    room_fields = {"session_seconds": session_seconds, "room_seconds": room, "today_room_seconds": today_room}
    if outcome == "unknown":
        return Beat(accepted=False, reason="unknown_session")
    if outcome == "ended":
        return Beat(accepted=False, reason="ended", ended=end_reason, **room_fields)
    if outcome == "out_of_order":
        return Beat(accepted=False, reason="out_of_order", **room_fields)
    accepted, reason = _PG_OUTCOMES[outcome]
    return Beat(accepted=accepted, credited=credited, reason=reason, **room_fields)


def _heartbeat_python(*, token: str, seq: int, now: dt.datetime, played=None) -> Beat:
    sql = _FAST_READ + (" FOR UPDATE OF s" if connection.features.has_select_for_update_of else "")
    with connection.cursor() as cursor:
        cursor.execute(sql, [token_digest(token or "")])
        row = cursor.fetchone()
        if row is None:
            return Beat(accepted=False, reason="unknown_session")
        (pk, last_seq, started_at, last_beat_at, ended_at, claimed, credited, beat, grace, idle_s,
         check_deadline, next_check_at, resource_room, day, day_room, open_interval_id, kind, learner_id,
         project_id, resource_id, end_reason) = row  # fmt: skip
        if connection.vendor == "sqlite":  # raw rows from SQLite: naive UTC datetimes, dates as text
            started_at, last_beat_at, ended_at, check_deadline, next_check_at = (
                _aware(v) for v in (started_at, last_beat_at, ended_at, check_deadline, next_check_at)
            )
            day = dt.date.fromisoformat(day) if isinstance(day, str) else day
        room = {"session_seconds": credited, "room_seconds": resource_room, "today_room_seconds": day_room}
        if ended_at is not None:  # an ended session, a repeat, disorder: answered without writing
            return Beat(accepted=False, reason="ended", ended=end_reason, **room)
        elapsed = (now - last_beat_at).total_seconds() if last_beat_at else 0
        if elapsed <= idle_s and check_deadline is None:
            if seq == last_seq:
                return Beat(accepted=True, reason="duplicate", **room)
            if seq != last_seq + 1:
                return Beat(accepted=False, reason="out_of_order", **room)
        common = (
            ended_at is None
            and seq == last_seq + 1
            and check_deadline is None
            and (next_check_at is None or now < next_check_at)
            and kind != Resource.Kind.VIDEO
            and 0 <= elapsed <= idle_s
            and local_day(now) == day
        )
        if common:
            claim, idle = claim_for(
                elapsed=elapsed,
                beat=beat,
                grace=grace,
                age=(now - started_at).total_seconds(),
                claimed=claimed,
            )
            credit = min(claim, resource_room, day_room)
            if not idle and credit == claim:
                if credit:
                    extended = 0
                    if open_interval_id is not None:
                        ops = connection.ops  # datetimes as the ORM stores them (SQLite: naive UTC text)
                        cursor.execute(
                            _EXTEND,
                            [ops.adapt_datetimefield_value(now), credit, open_interval_id,
                             ops.adapt_datetimefield_value(last_beat_at), ops.adapt_datefield_value(day)],
                        )  # fmt: skip
                        extended = cursor.rowcount
                    if not extended:
                        open_interval_id = CreditInterval.objects.create(
                            learner_id=learner_id,
                            project_id=project_id,
                            resource_id=resource_id,
                            session_id=pk,
                            day=day,
                            started_at=last_beat_at,
                            ended_at=now,
                            seconds=credit,
                            reason=Reason.CREDITED,
                        ).pk
                cursor.execute(
                    _SESSION_SAVE,
                    [seq, connection.ops.adapt_datetimefield_value(now), claimed + claim, credited + credit,
                     resource_room - credit, day_room - credit, open_interval_id, pk],
                )  # fmt: skip
                return Beat(
                    accepted=True,
                    credited=credit,
                    reason=Reason.CREDITED,
                    session_seconds=credited + credit,
                    room_seconds=resource_room - credit,
                    today_room_seconds=day_room - credit,
                )
    return _heartbeat_general(token=token, seq=seq, now=now, played=played)


def _heartbeat_general(*, token: str, seq: int, now: dt.datetime, played=None) -> Beat:
    """Every heartbeat the hot path does not take: ended or stale sessions, repeats and disorder, questions,
    gaps, caps, a new day, video. Runs in the caller's transaction, the session row already locked."""
    session = (
        StudySession.objects.select_for_update()
        .select_related("resource")
        .filter(token_hash=token_digest(token or ""))
        .first()
    )
    if session is None:
        return Beat(accepted=False, reason="unknown_session")
    if session.ended_at is not None or _expire_if_stale(session, now):
        return _answer(session, accepted=False, reason="ended", ended=session.end_reason)
    if seq == session.seq:  # the page's retry of the heartbeat just accepted: answered again, worth nothing
        return _answer(session, accepted=True, reason="duplicate")
    if seq != session.seq + 1:
        return _answer(session, accepted=False, reason="out_of_order")

    start = session.last_beat_at
    elapsed = (now - start).total_seconds()
    session.seq = seq
    session.last_beat_at = now
    fields = ["seq", "last_beat_at", "open_interval"]
    if session.check_deadline is not None:  # the clock stands still until the question is answered
        _extend_or_add(session, start=start, end=now, reason=Reason.AWAITING_CHECK, uncredited=int(elapsed))
        session.save(update_fields=fields)
        check = session.checks.filter(outcome="").first()
        return _answer(
            session, accepted=True, reason=Reason.AWAITING_CHECK, check=check and _check_body(check, now)
        )

    claim, idle = claim_for(
        elapsed=elapsed,
        beat=session.beat_seconds,
        grace=session.grace_seconds,
        age=(now - session.started_at).total_seconds(),
        claimed=session.claimed_seconds,
    )
    if session.resource.kind == Resource.Kind.VIDEO and _video_skipped(session, played):
        _extend_or_add(session, start=start, end=now, reason=Reason.SKIPPED, uncredited=claim + idle)
        session.open_interval = None
        session.claimed_seconds += claim
        session.save(update_fields=[*fields, "claimed_seconds"])
        return _answer(session, accepted=True, reason=Reason.SKIPPED)

    today = local_day(now)
    if today != session.day:  # past midnight: a new day's cap
        policy = policy_for(session.project)
        session.day = today
        session.day_room = max(
            0,
            policy.daily_cap_minutes * 60
            - day_credited(learner=session.learner, project=session.project, day=today),
        )
        session.open_interval = None
        fields += ["day", "day_room"]
    credit = min(claim, session.resource_room, session.day_room)
    held = claim - credit
    reason = Reason.CREDITED
    if idle:
        _ledger_row(
            session, start=start, end=start + dt.timedelta(seconds=idle), reason=Reason.IDLE, uncredited=idle
        )
        session.open_interval = None
        start = start + dt.timedelta(seconds=idle)
    if credit:
        _extend_or_add(session, start=start, end=now, reason=Reason.CREDITED, seconds=credit)
    if held:
        reason = Reason.RESOURCE_CAP if session.resource_room <= session.day_room else Reason.DAILY_CAP
        _ledger_row(session, start=start, end=now, reason=reason, uncredited=held)
        session.open_interval = None
    session.claimed_seconds += claim
    session.credited_seconds += credit
    session.resource_room -= credit
    session.day_room -= credit
    fields += ["claimed_seconds", "credited_seconds", "resource_room", "day_room"]
    check = None
    if session.next_check_at is not None and now >= session.next_check_at:
        check = _check_body(_issue_check(session, now), now)
        fields += ["check_deadline", "next_check_at"]
    session.save(update_fields=fields)
    return _answer(session, accepted=True, credited=credit, reason=reason, check=check)


# --- Presence checks ----------------------------------------------------------------------------------------


@dataclass
class CheckResult:
    correct: bool
    ended: str = ""
    attempts_left: int = 0


@transaction.atomic
def check_answer(*, token: str, check_id: int, answer: str, now: dt.datetime | None = None) -> CheckResult:
    now = now or timezone.now()
    session = StudySession.objects.select_for_update().filter(token_hash=token_digest(token or "")).first()
    if session is None:
        raise ValidationError(_("学习会话不存在。"), code="unknown_session")
    if session.ended_at is not None or _expire_if_stale(session, now):
        return CheckResult(correct=False, ended=session.end_reason)
    check = session.checks.filter(pk=check_id, outcome="").first()
    if check is None:
        raise ValidationError(_("这个问题已经回答过或已失效。"), code="no_check")
    given = "".join((answer or "").split()).lower()
    if given == check.answer.strip().lower():
        check.outcome = PresenceCheck.Outcome.ANSWERED
        check.answered_at = now
        check.attempts += 1
        check.save(update_fields=["outcome", "answered_at", "attempts"])
        if now > session.last_beat_at:
            _extend_or_add(
                session,
                start=session.last_beat_at,
                end=now,
                reason=Reason.AWAITING_CHECK,
                uncredited=int((now - session.last_beat_at).total_seconds()),
            )
        # The clock resumes from the answer: the time spent on the question is not study time.
        session.last_beat_at = now
        session.claimed_seconds = max(
            session.claimed_seconds, math.floor((now - session.started_at).total_seconds())
        )
        session.check_deadline = None
        session.open_interval = None
        policy = policy_for(session.project)
        session.next_check_at = _next_check(policy.check_min_minutes, policy.check_max_minutes, now)
        session.save(
            update_fields=[
                "last_beat_at",
                "claimed_seconds",
                "check_deadline",
                "open_interval",
                "next_check_at",
            ]
        )
        return CheckResult(correct=True)
    check.attempts += 1
    check.save(update_fields=["attempts"])
    if check.attempts >= MAX_CHECK_ATTEMPTS:
        _end(session, reason=EndReason.WRONG_ANSWERS, at=now, gap_reason=Reason.NO_ANSWER)
        return CheckResult(correct=False, ended=session.end_reason)
    return CheckResult(correct=False, attempts_left=MAX_CHECK_ATTEMPTS - check.attempts)


@transaction.atomic
def session_close(*, token: str, now: dt.datetime | None = None) -> None:
    """The page says goodbye (the learner left it): the session ends; what was not beaten is not credited."""
    now = now or timezone.now()
    session = StudySession.objects.select_for_update().filter(token_hash=token_digest(token or "")).first()
    if session is None or session.ended_at is not None or _expire_if_stale(session, now):
        return
    _end(session, reason=EndReason.CLOSED, at=now)


# --- Units --------------------------------------------------------------------------------------------------


def units(seconds: int, minutes_per_unit: int) -> float:
    """Credited seconds as 学时 by the project's rule (45 minutes = 1 学时), to one decimal, rounded down so a
    learner is never shown a 学时 they have not earned."""
    return math.floor(seconds * 10 / (minutes_per_unit * 60)) / 10
