"""The study-time protocol (LRN-1, LRN-2): what a heartbeat is worth, and what cheating earns (nothing)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils import timezone

from teachnet.learning import services
from teachnet.learning.models import CreditInterval, EndReason, Reason, StudyPolicy, StudySession, StudyTotal

from .factories import article, enroll_learner, first_video, open_course

pytestmark = pytest.mark.django_db

T0 = timezone.make_aware(dt.datetime(2026, 11, 23, 9, 0, 0))


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


@pytest.fixture
def course(project, orgs, provider_admin, project_office, learner):
    course = open_course(project, orgs, provider_admin, project_office)
    enroll_learner(course, learner)
    # No presence checks unless a test asks for them.
    StudyPolicy.objects.update_or_create(project=project, defaults={"check_min_minutes": 0})
    return course


def start(learner, course, resource, t=0.0):
    return services.session_start(learner=learner, course=course, resource_id=resource.pk, now=at(t))


def beats(token, times, first_seq=1):
    return [services.heartbeat(token=token, seq=first_seq + i, now=at(t)) for i, t in enumerate(times)]


def ledger_total(learner) -> int:
    return CreditInterval.objects.filter(learner=learner).aggregate(s=Sum("seconds"))["s"] or 0


def totals(learner) -> int:
    return StudyTotal.objects.filter(learner=learner).aggregate(s=Sum("seconds"))["s"] or 0


def test_steady_heartbeats_credit_the_interval_each_in_one_ledger_row(course, learner):
    started = start(learner, course, article(course))
    # The page times each heartbeat from the answer to the previous one, so they come a little late.
    answers = beats(started.token, [30.2, 60.7, 90.8, 121.5])
    assert [a.credited for a in answers] == [30, 30, 30, 30]
    assert CreditInterval.objects.filter(learner=learner, reason=Reason.CREDITED).count() == 1
    assert ledger_total(learner) == totals(learner) == 120
    # One early (within the grace) is credited only up to the session's age: 150 s at most in 149.5 s.
    assert services.heartbeat(token=started.token, seq=5, now=at(149.5)).credited == 29


def test_replayed_reordered_and_forged_heartbeats_credit_nothing(course, learner):
    started = start(learner, course, article(course))
    beats(started.token, [30, 60])
    replay = services.heartbeat(token=started.token, seq=1, now=at(90))
    skipped = services.heartbeat(token=started.token, seq=5, now=at(90))
    forged = services.heartbeat(token="not-a-token", seq=3, now=at(90))
    retry = services.heartbeat(token=started.token, seq=2, now=at(61))  # the page's retry of seq 2
    assert (replay.accepted, replay.reason) == (False, "out_of_order")
    assert (skipped.accepted, forged.accepted) == (False, False)
    assert (retry.accepted, retry.credited, retry.reason) == (True, 0, "duplicate")
    assert ledger_total(learner) == 60


def test_heartbeats_faster_than_the_clock_earn_only_the_time_that_passed(course, learner):
    started = start(learner, course, article(course))
    # A script beating every second with honest sequence numbers, for two minutes.
    answers = beats(started.token, [float(t) for t in range(1, 121)])
    assert sum(a.credited for a in answers) == 120  # wall-clock, not 120 × 30
    # Every 29 s, within the grace: each beat may claim 30, the session never more than its age.
    other = start(learner, course, article(course), t=1000)
    answers = beats(other.token, [1000 + 29 * i for i in range(1, 11)])
    assert sum(a.credited for a in answers) <= 290


def test_a_gap_is_idle_and_a_long_one_ends_the_session(course, learner):
    started = start(learner, course, article(course))
    beats(started.token, [30])
    back = services.heartbeat(token=started.token, seq=2, now=at(30 + 100))  # away 70 s, within 120 s
    assert back.credited == 30
    idle = CreditInterval.objects.get(learner=learner, reason=Reason.IDLE)
    assert idle.uncredited_seconds == 70
    late = services.heartbeat(token=started.token, seq=3, now=at(130 + 500))
    assert (late.accepted, late.ended) == (False, EndReason.IDLE)
    assert ledger_total(learner) == 60


def test_one_place_counts_a_second_tab_takes_over(course, learner):
    video = first_video(course)
    first = start(learner, course, video)
    beats(first.token, [30])
    second = start(learner, course, article(course), t=40)
    assert second.taken_over
    old = services.heartbeat(token=first.token, seq=2, now=at(60))
    assert (old.accepted, old.ended) == (False, EndReason.TAKEOVER)
    assert services.heartbeat(token=second.token, seq=1, now=at(70)).credited == 30
    assert ledger_total(learner) == 60
    assert CreditInterval.objects.filter(reason=Reason.TAKEOVER).exists()
    # The database holds it too: two active sessions for one learner cannot be written.
    with pytest.raises(IntegrityError), transaction.atomic():
        StudySession.objects.filter(pk=first.session.pk).update(ended_at=None)


def test_the_project_may_refuse_the_second_place_instead(course, learner, project):
    StudyPolicy.objects.filter(project=project).update(second_device=StudyPolicy.SecondDevice.REFUSE)
    first = start(learner, course, article(course))
    with pytest.raises(ValidationError):
        start(learner, course, article(course), t=10)
    beats(first.token, [30])
    # Once the first goes silent long enough, a new place may start.
    start(learner, course, article(course), t=30 + 200)


def test_caps_resource_length_and_daily(course, learner, project):
    doc = article(course)  # 20 minutes creditable
    started = start(learner, course, doc)
    answers = beats(started.token, [30 * i for i in range(1, 45)])  # 22 minutes of beats
    assert sum(a.credited for a in answers) == 20 * 60
    assert CreditInterval.objects.filter(reason=Reason.RESOURCE_CAP).exists()
    assert answers[-1].room_seconds == 0

    StudyPolicy.objects.filter(project=project).update(daily_cap_minutes=21)
    video = first_video(course)
    again = start(learner, course, video, t=2000)
    answers = beats(again.token, [2000 + 30 * i for i in range(1, 6)])
    assert sum(a.credited for a in answers) == 60  # 20 min already today, cap 21
    assert CreditInterval.objects.filter(reason=Reason.DAILY_CAP).exists()
    # The next day has its own cap.
    nextday = start(learner, course, video, t=86400)
    assert services.heartbeat(token=nextday.token, seq=1, now=at(86430)).credited == 30
    assert totals(learner) == ledger_total(learner) == 20 * 60 + 60 + 30


def test_a_presence_check_stops_the_clock_until_answered(course, learner, project):
    StudyPolicy.objects.filter(project=project).update(check_min_minutes=1, check_max_minutes=1)
    started = start(learner, course, article(course))
    answers = beats(started.token, [30, 60])
    check = answers[1].check
    assert check and "=" in check["prompt"]
    paused = services.heartbeat(token=started.token, seq=3, now=at(90))
    assert (paused.credited, paused.reason) == (0, Reason.AWAITING_CHECK)
    assert paused.check["id"] == check["id"]
    wrong = services.check_answer(token=started.token, check_id=check["id"], answer="-1", now=at(95))
    assert not wrong.correct and wrong.attempts_left == 2
    expected = started.session.checks.get().answer
    assert services.check_answer(
        token=started.token, check_id=check["id"], answer=f" {expected} ", now=at(100)
    ).correct
    resumed = services.heartbeat(token=started.token, seq=4, now=at(130))
    assert resumed.credited == 30
    assert ledger_total(learner) == 90  # 30 + 30 before, 30 after; the 40 s of the question not counted


def test_an_unanswered_check_ends_the_session(course, learner, project):
    StudyPolicy.objects.filter(project=project).update(
        check_min_minutes=1, check_max_minutes=1, check_answer_seconds=60
    )
    started = start(learner, course, article(course))
    answers = beats(started.token, [30, 60, 90])
    assert answers[1].check
    # A script that keeps beating without answering: nothing credited, then the session ends.
    ended = services.heartbeat(token=started.token, seq=4, now=at(125))
    assert (ended.accepted, ended.ended) == (False, EndReason.NO_ANSWER)
    assert ledger_total(learner) == 60
    assert CreditInterval.objects.filter(reason=Reason.NO_ANSWER).exists()


def test_three_wrong_answers_end_the_session(course, learner, project):
    StudyPolicy.objects.filter(project=project).update(check_min_minutes=1, check_max_minutes=1)
    started = start(learner, course, article(course))
    check = beats(started.token, [30, 60])[1].check
    results = [
        services.check_answer(token=started.token, check_id=check["id"], answer="x", now=at(61))
        for _ in range(3)
    ]
    assert results[-1].ended == EndReason.WRONG_ANSWERS


def test_seeking_ahead_in_a_video_credits_nothing(course, learner):
    video = first_video(course)
    started = start(learner, course, video)
    ok = services.heartbeat(token=started.token, seq=1, now=at(30), played=[[0, 30]])
    jump = services.heartbeat(token=started.token, seq=2, now=at(60), played=[[1800, 1830]])
    assert ok.credited == 30 and (jump.credited, jump.reason) == (0, Reason.SKIPPED)
    progress = video.__class__.objects.get(pk=video.pk)  # noqa: F841 (the resource still exists)
    from teachnet.learning.models import VideoProgress

    p = VideoProgress.objects.get(learner=learner, resource=video)
    assert p.segments == [[0, 30]] and p.furthest_seconds == 30


def test_only_the_approved_version_and_enrolled_learners(course, learner, sz_learner, provider_admin):
    with pytest.raises(ValidationError):
        services.session_start(learner=sz_learner, course=course, resource_id=article(course).pk)
    with pytest.raises(ValidationError):
        services.session_start(learner=learner, course=course, resource_id=999999)


def test_totals_follow_the_ledger_in_the_database(course, learner):
    started = start(learner, course, article(course))
    beats(started.token, [30, 60])
    row = CreditInterval.objects.get(learner=learner, reason=Reason.CREDITED)
    # Whatever writes the ledger, the totals follow it.
    CreditInterval.objects.filter(pk=row.pk).update(seconds=45)
    assert totals(learner) == 45
    # A ledger row crediting time under another reason is refused by the database.
    with pytest.raises(IntegrityError), transaction.atomic():
        CreditInterval.objects.filter(pk=row.pk).update(reason=Reason.IDLE, seconds=10)
    CreditInterval.objects.filter(pk=row.pk).delete()
    assert totals(learner) == 0
    if connection.vendor == "postgresql":  # and the totals accept no write of their own
        with pytest.raises(Exception, match="kept from the ledger"), transaction.atomic():
            StudyTotal.objects.update(seconds=999)


def test_units_round_down():
    assert services.units(45 * 60, 45) == 1.0
    assert services.units(45 * 60 - 1, 45) == 0.9
    assert services.units(0, 45) == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the SQL hot path exists on PostgreSQL only")
@pytest.mark.parametrize("seed", range(12))
def test_the_sql_hot_path_and_the_python_path_credit_alike(course, learner, sz_learner, seed, monkeypatch):
    """The same heartbeats (steady, early, late, repeated, out of order, gaps, a cap) through
    learning_heartbeat() and through Python only: the same answers, the same ledger."""
    import random

    enroll_learner(course, sz_learner, region="440300")
    rng = random.Random(seed)
    script, t, seq = [], 0.0, 0
    for _ in range(40):
        t += rng.choice([30, 30, 30, 30.4, 29.2, 12.7, 0.3, 45, 80, 200])
        seq += rng.choice([1, 1, 1, 1, 1, 0, 2])
        script.append((max(seq, 1), t))
    results = {}
    for user, python_only in ((learner, False), (sz_learner, True)):
        if python_only:
            monkeypatch.setattr(services, "_heartbeat_pg", lambda **kw: None)
        started = start(user, course, article(course))
        answers = [services.heartbeat(token=started.token, seq=s, now=at(when)) for s, when in script]
        rows = list(
            CreditInterval.objects.filter(learner=user)
            .order_by("started_at", "id")
            .values_list("seconds", "uncredited_seconds", "reason", "started_at", "ended_at")
        )
        results[python_only] = (
            [(a.accepted, a.credited, a.reason, a.ended) for a in answers],
            rows,
            totals(user),
        )
    assert results[False] == results[True]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the SQL hot path exists on PostgreSQL only")
def test_a_late_heartbeat_is_taken_by_the_sql_hot_path(course, learner, monkeypatch):
    """A gap (the learner away, or answers slow under load) costs one call, not the general way: a server
    that falls behind must not get slower for it (bench/heartbeats.py)."""

    def general(**kwargs):
        raise AssertionError("the general way was taken")

    started = start(learner, course, article(course))
    monkeypatch.setattr(services, "_heartbeat_general", general)
    answers = beats(started.token, [30, 110, 140])  # 80 s after the first: 50 s away
    assert [a.credited for a in answers] == [30, 30, 30]
    rows = list(
        CreditInterval.objects.filter(learner=learner)
        .order_by("started_at")
        .values_list("reason", "seconds", "uncredited_seconds", "started_at", "ended_at")
    )
    assert rows == [
        (Reason.CREDITED, 30, 0, at(0), at(30)),
        (Reason.IDLE, 0, 50, at(30), at(80)),
        (Reason.CREDITED, 60, 0, at(80), at(140)),
    ]
