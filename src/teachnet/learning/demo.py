"""The learning part of `teachnet demo`: 国培计划(2010)'s class of 初中体育 as a week into its remote training
(LRN-1 … LRN-5), so that the demo learner can study at once and the tutor has records to read.

- the project's study rules (StudyPolicy: a heartbeat every 30 s, a presence question every 10–20 minutes)
  and a small question bank;
- the tutor's plan for the class: a few resources with deadlines, one already overdue, one due soon;
- a week of past study for the class's learners, written as the protocol writes it: ended sessions and their
  ledger rows (credited stretches, time spent on questions, idle endings, an unanswered question now and
  then). The daily totals are the database's to keep from the ledger (the trigger of migration 0002), so
  none is written here;
- a few journal entries.

The study is made by a seeded random generator, so each run and each machine makes the same week; a learner
with any session is left as they are, so a second run writes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from teachnet.accounts.models import User
from teachnet.courses.models import Course, Resource
from teachnet.training.models import ClassMembership, Phase, TrainingClass

from .models import (
    CreditInterval,
    EndReason,
    JournalEntry,
    Plan,
    PresenceCheck,
    Question,
    Reason,
    StudyPolicy,
    StudySession,
    VideoProgress,
)
from .services import local_day, token_digest
from .services_plans import journal_write, plan_create, plan_item_add

SEED = 2010
HISTORY_DAYS = 7
STUDIED_KINDS = ("article", "video", "document")  # a live session is attended elsewhere, not in the player

POLICY = {
    "heartbeat_seconds": 30,
    "grace_seconds": 5,
    "idle_end_seconds": 120,
    "activity_seconds": 120,
    "daily_cap_minutes": 360,
    "minutes_per_unit": 45,
    "required_units": 50,
    "check_min_minutes": 10,
    "check_max_minutes": 20,
    "check_answer_seconds": 120,
    "max_playback_rate": 1.5,
    "second_device": StudyPolicy.SecondDevice.TAKEOVER,
}
QUESTIONS = (
    ("一小时有多少分钟？（填数字）", "60"),
    ("请用阿拉伯数字写出“二十五”", "25"),
    ("足球比赛每队上场几人？（填数字）", "11"),
    ("篮球比赛每队上场几人？（填数字）", "5"),
    ("7 + 8 = ?", "15"),
    ("“体育”的第一个字是？", "体"),
)
# (resource title, due in days from today): done, overdue, due soon, later.
PLAN_TITLE = "第一阶段学习计划：导学与专题讲座"
PLAN_ITEMS = (
    ("课程导学：如何参加本次远程培训", -4),
    ("课程学习手册", -2),
    ("专题讲座 5", 2),
    ("专题讲座 10", 9),
)
# The demo learner's minutes of study on each of the last days (oldest first; 0: a day off): about 7 学时
# of the 50, in the order of the course, stopping within 专题讲座 5 (due soon) and short of the handbook
# (overdue).
LEARNER_MINUTES = (95, 0, 70, 110, 60)
DEVICES = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Safari/605.1.15",
    "Mozilla/5.0 (Linux; Android 13) Chrome/119.0 Mobile Safari/537.36 MicroMessenger/8.0",
    "Mozilla/5.0 (iPad; CPU OS 17_1 like Mac OS X) Safari/604.1",
)
JOURNAL = (
    (
        "专题讲座学习体会：从课程标准到教学设计",
        "听完专题讲座，我重新梳理了水平四的学习目标，准备在下周的篮球单元里把技能练习和比赛结合起来，"
        "并用学练赛评价学生的进步。",
    ),
    (
        "课堂常规的反思",
        "对照课程中的课堂常规要点，我发现自己在准备活动和分组保护上做得不够，计划先从场地器材检查做起。",
    ),
    (
        "大课间活动设计",
        "结合本校场地，我设计了分年级轮换的大课间方案，兼顾运动负荷与趣味性，准备请同组老师提意见。",
    ),
)


@dataclass
class _Study:
    """What one learner's history adds: sessions, each with its ledger rows and questions."""

    sessions: list[StudySession] = field(default_factory=list)
    intervals: list[CreditInterval] = field(default_factory=list)
    checks: list[PresenceCheck] = field(default_factory=list)
    watched: dict[int, int] = field(default_factory=dict)  # the learner's videos: seconds watched
    progress: list[VideoProgress] = field(default_factory=list)


def _policy_ensure(project) -> StudyPolicy:
    policy, _created = StudyPolicy.objects.get_or_create(project=project, defaults=POLICY)
    if not Question.objects.filter(project=project).exists():
        Question.objects.bulk_create(Question(project=project, prompt=p, answer=a) for p, a in QUESTIONS)
    return policy


def _resources(course: Course) -> list[dict]:
    """The approved version's resources a learner studies in the player, in the course's order."""
    return [
        r
        for m in course.approved_version.snapshot["modules"]
        for r in m["resources"]
        if r["kind"] in STUDIED_KINDS
    ]


def _plan_ensure(*, training_class: TrainingClass, tutor, resources: list[dict], today: dt.date) -> int:
    if Plan.objects.filter(training_class=training_class).exists():
        return 0
    by_title = {r["title"]: r["id"] for r in resources}
    plan = plan_create(actor=tutor, training_class=training_class, title=PLAN_TITLE)
    added = 0
    for title, days in PLAN_ITEMS:
        if title in by_title:
            plan_item_add(
                actor=tutor, plan=plan, resource=by_title[title], due_on=today + dt.timedelta(days=days)
            )
            added += 1
    return added


def _session(
    study: _Study,
    rng: random.Random,
    *,
    learner_id: int,
    course: Course,
    policy: StudyPolicy,
    resource: dict,
    start: dt.datetime,
    seconds: int,
    room: int,
    day_room: int,
    ending: str,
) -> dt.datetime:
    """One ended session crediting `seconds` of `resource` from `start`, as the protocol records it: credited
    stretches between presence questions (answered after a few seconds, the clock stopped meanwhile), and an
    ending (closed by the learner, gone idle, or a question left unanswered). Returns when it ended."""
    session = StudySession(
        learner_id=learner_id,
        project_id=course.provider_subject.project_id,
        course=course,
        resource_id=resource["id"],
        token_hash=token_digest(secrets.token_urlsafe(24)),
        started_at=start,
        beat_seconds=policy.heartbeat_seconds,
        grace_seconds=policy.grace_seconds,
        idle_seconds=policy.idle_end_seconds,
        resource_room=room - seconds,
        day=local_day(start),
        day_room=day_room - seconds,
        credited_seconds=seconds,
        claimed_seconds=seconds,
        device=rng.choice(DEVICES),
    )

    def row(begin: dt.datetime, length: int, reason: str) -> dt.datetime:
        end = begin + dt.timedelta(seconds=length)
        credited = reason == Reason.CREDITED
        study.intervals.append(
            CreditInterval(
                learner_id=learner_id,
                project_id=session.project_id,
                resource_id=session.resource_id,
                session=session,
                day=session.day,
                started_at=begin,
                ended_at=end,
                seconds=length if credited else 0,
                uncredited_seconds=0 if credited else length,
                reason=reason,
            )
        )
        return end

    def question(at: dt.datetime, answered_after: int | None) -> None:
        prompt, answer = rng.choice(QUESTIONS)
        study.checks.append(
            PresenceCheck(
                session=session,
                prompt=prompt,
                answer=answer,
                issued_at=at,
                deadline=at + dt.timedelta(seconds=policy.check_answer_seconds),
                answered_at=None if answered_after is None else at + dt.timedelta(seconds=answered_after),
                attempts=0 if answered_after is None else 1,
                outcome=PresenceCheck.Outcome.EXPIRED
                if answered_after is None
                else PresenceCheck.Outcome.ANSWERED,
            )
        )

    def next_check() -> int:
        return rng.randint(policy.check_min_minutes * 60, policy.check_max_minutes * 60)

    now, left, until_check = start, seconds, next_check()
    while left > 0:
        stretch = min(left, until_check)
        now = row(now, stretch, Reason.CREDITED)
        left -= stretch
        if left > 0:
            wait = rng.randint(5, 40)
            question(now, wait)
            now = row(now, wait, Reason.AWAITING_CHECK)
            until_check = next_check()
    session.last_beat_at = now
    session.seq = -(-int((now - start).total_seconds()) // policy.heartbeat_seconds)
    if ending == EndReason.IDLE:  # the page went silent: the wait until the session ended is not credited
        now = row(now, policy.idle_end_seconds, Reason.IDLE)
    elif ending == EndReason.NO_ANSWER:
        question(now, None)
        now = row(now, policy.check_answer_seconds, Reason.NO_ANSWER)
    else:
        now += dt.timedelta(seconds=rng.randint(1, 20))
    session.ended_at, session.end_reason = now, ending
    study.sessions.append(session)
    if resource["kind"] == "video":
        study.watched[resource["id"]] = study.watched.get(resource["id"], 0) + seconds
    return now


def _learner_history(
    study: _Study,
    rng: random.Random,
    *,
    learner_id: int,
    course: Course,
    policy: StudyPolicy,
    resources: list[dict],
    days: list[tuple[dt.date, int]],
    endings: tuple[float, float],
) -> None:
    """A learner's study on `days` (date, minutes), resource after resource in the course's order, in
    sessions of 25–50 minutes in the evening (or at noon), never over the daily cap."""
    tz = timezone.get_current_timezone()
    credited: dict[int, int] = {}
    position = 0
    for day, minutes in days:
        if minutes <= 0:
            continue
        evening = rng.random() < 0.8
        clock = dt.time(19, rng.randint(0, 50)) if evening else dt.time(12, rng.randint(10, 30))
        now = dt.datetime.combine(day, clock, tzinfo=tz)
        today_left = min(minutes, policy.daily_cap_minutes) * 60
        day_room = policy.daily_cap_minutes * 60
        while today_left > 0 and position < len(resources):
            resource = resources[position]
            room = resource["credit_minutes"] * 60 - credited.get(resource["id"], 0)
            if room <= 0:
                position += 1
                continue
            # Done well before midnight (the questions and an idle ending add a few minutes): a session
            # belongs to one day.
            before_late = int((dt.datetime.combine(day, dt.time(23, 30), tzinfo=tz) - now).total_seconds())
            if min(today_left, before_late) < 5 * 60:
                break
            seconds = min(room, today_left, rng.randint(25, 50) * 60, before_late)
            draw = rng.random()
            ending = (
                EndReason.IDLE
                if draw < endings[0]
                else EndReason.NO_ANSWER
                if draw < endings[0] + endings[1]
                else EndReason.CLOSED
            )
            end = _session(
                study,
                rng,
                learner_id=learner_id,
                course=course,
                policy=policy,
                resource=resource,
                start=now,
                seconds=seconds,
                room=room,
                day_room=day_room,
                ending=ending,
            )
            credited[resource["id"]] = credited.get(resource["id"], 0) + seconds
            today_left -= seconds
            day_room -= seconds
            now = end + dt.timedelta(minutes=rng.randint(1, 8))


def _profile_days(rng: random.Random, days: list[dt.date]) -> list[tuple[dt.date, int]]:
    """How much a learner of the class studied each day: some not yet at all, most on some evenings."""
    chance, low, high = rng.choices(
        [(0.0, 0, 0), (0.4, 30, 90), (0.7, 60, 150), (0.9, 120, 240)], weights=[15, 35, 35, 15]
    )[0]
    return [(day, rng.randint(low, high) if rng.random() < chance else 0) for day in days]


def _history_ensure(
    *, course: Course, training_class: TrainingClass, learner, policy: StudyPolicy, today: dt.date
) -> tuple[int, int]:
    """Past study for the class's learners who have none yet. Returns (learners, sessions) written."""
    project_id = training_class.project_id
    remote_starts = (
        Phase.objects.filter(project_id=project_id, kind=Phase.Kind.REMOTE_TRAINING)
        .values_list("starts_on", flat=True)
        .first()
    )
    days = [today - dt.timedelta(days=n) for n in range(HISTORY_DAYS, 0, -1)]
    days = [d for d in days if remote_starts is None or d >= remote_starts]
    members = list(
        ClassMembership.objects.filter(training_class=training_class)
        .order_by("enrollment__user_id")
        .values_list("enrollment__user_id", flat=True)
    )
    started = set(
        StudySession.objects.filter(project_id=project_id, learner_id__in=members).values_list(
            "learner_id", flat=True
        )
    )
    resources = _resources(course)
    durations = {r["id"]: r.get("duration_seconds") or 0 for r in resources}
    planned = {title: n for n, (title, _days) in enumerate(sorted(PLAN_ITEMS, key=lambda item: item[1]))}
    plan_first = sorted(resources, key=lambda r: planned.get(r["title"], len(planned)))
    study = _Study()
    written = 0
    for index, user_id in enumerate(members):
        rng = random.Random(SEED * 1000 + index)
        if user_id in started:
            continue
        if user_id == learner.pk:
            # Plenty left to earn: about 7 of 50 学时, on the last days, with one idle ending to see.
            schedule = list(zip(days[-len(LEARNER_MINUTES) :], LEARNER_MINUTES[-len(days) :], strict=False))
            endings = (0.15, 0.0)
        else:
            schedule = _profile_days(rng, days)
            endings = (0.12, 0.04)
        # Most classmates follow the tutor's plan (its items first, by their dates), so that the class's
        # page tells those behind the plan from those on time; the rest go through the course in order.
        order = resources if user_id == learner.pk or rng.random() < 0.35 else plan_first
        before = len(study.sessions)
        _learner_history(
            study,
            rng,
            learner_id=user_id,
            course=course,
            policy=policy,
            resources=order,
            days=schedule,
            endings=endings,
        )
        written += len(study.sessions) > before
        for resource_id, seconds in study.watched.items():
            duration = durations.get(resource_id) or seconds
            watched = float(min(seconds, duration))
            study.progress.append(
                VideoProgress(
                    learner_id=user_id,
                    resource_id=resource_id,
                    segments=[[0.0, round(watched, 1)]],
                    watched_seconds=round(watched, 1),
                    furthest_seconds=round(watched, 1),
                    completed=watched >= duration - 2,
                )
            )
        study.watched = {}
    # Sessions first (their ids are the ledger's and the questions'), then the ledger, whose rows the
    # database adds up into the daily totals as they go in.
    StudySession.objects.bulk_create(study.sessions, batch_size=500)
    CreditInterval.objects.bulk_create(study.intervals, batch_size=500)
    PresenceCheck.objects.bulk_create(study.checks, batch_size=500)
    VideoProgress.objects.bulk_create(study.progress, batch_size=500, ignore_conflicts=True)
    return written, len(study.sessions)


def _journal_ensure(*, project, training_class: TrainingClass, learner, resources: list[dict]) -> int:
    members = ClassMembership.objects.filter(training_class=training_class).values("enrollment__user_id")
    if JournalEntry.objects.filter(project=project, learner_id__in=members).exists():
        return 0
    by_title = {r["title"]: r["id"] for r in resources}
    # The demo learner's, and those of a few classmates who have studied.
    writers = [learner.pk] + [
        pk
        for pk in StudySession.objects.filter(project=project, learner_id__in=members)
        .exclude(learner=learner)
        .order_by("learner_id")
        .values_list("learner_id", flat=True)
        .distinct()[: len(JOURNAL) - 1]
    ]
    users = User.objects.in_bulk(writers)
    about = Resource.objects.filter(pk=by_title.get("专题讲座 3")).first()
    for pk, (title, body) in zip(writers, JOURNAL, strict=False):
        journal_write(
            learner=users[pk],
            project=project,
            title=title,
            body=body,
            resource=about if pk == learner.pk else None,
        )
    return min(len(writers), len(JOURNAL))


@transaction.atomic
def demo_learning_ensure(
    *, course: Course, training_class: TrainingClass, learner, tutor, today: dt.date | None = None
) -> dict[str, int]:
    """The study rules, the tutor's plan, a week of study and a few journal entries for a class studying
    an approved course (国培计划(2010) · 初中体育 in the demo)."""
    project = training_class.project
    today = today or local_day(timezone.now())
    policy = _policy_ensure(project)
    resources = _resources(course)
    plan_items = _plan_ensure(training_class=training_class, tutor=tutor, resources=resources, today=today)
    learners, sessions = _history_ensure(
        course=course, training_class=training_class, learner=learner, policy=policy, today=today
    )
    journal = _journal_ensure(
        project=project, training_class=training_class, learner=learner, resources=resources
    )
    return {"plan_items": plan_items, "learners": learners, "sessions": sessions, "journal": journal}
