"""Attendance: presence pings merged into stretches, capped to the session, totalled per person; written into
the study record (not into study hours)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from teachnet.learning.models import StudyTotal
from teachnet.learning.records import activity
from teachnet.qa import services
from teachnet.qa.models import QaAttendance, QaPresence
from teachnet.training.models import Enrollment

pytestmark = pytest.mark.django_db


def test_pings_close_together_make_one_stretch_and_a_long_gap_starts_another(live_session, enrolled):
    learner, t0 = enrolled["learner"], live_session.starts_at
    for seconds in (0, 30, 60, 90):  # 90 s present
        services.presence_ping(actor=learner, session=live_session, now=t0 + dt.timedelta(seconds=seconds))
    for seconds in (600, 630):  # away for 8 minutes, then 30 s more
        services.presence_ping(actor=learner, session=live_session, now=t0 + dt.timedelta(seconds=seconds))
    att = QaAttendance.objects.get(session=live_session, user=learner)
    assert att.seconds == 120
    assert QaPresence.objects.filter(attendance=att).count() == 2


def test_two_tabs_pinging_count_once(live_session, enrolled):
    learner, t0 = enrolled["learner"], live_session.starts_at
    for seconds in (0, 1, 30, 31, 60, 61):
        services.presence_ping(actor=learner, session=live_session, now=t0 + dt.timedelta(seconds=seconds))
    assert QaAttendance.objects.get(session=live_session, user=learner).seconds == 61


def test_time_before_the_start_counts_nothing_and_the_end_caps_it(make_session, enrolled, chief_expert):
    session = make_session(start_in=dt.timedelta(minutes=30), hours=2)
    learner, t0 = enrolled["learner"], session.starts_at
    for minutes in range(-20, 1):  # in the open room before the start: taken, counts nothing yet
        services.presence_ping(actor=learner, session=session, now=t0 + dt.timedelta(minutes=minutes))
    assert QaAttendance.objects.get(session=session, user=learner).seconds == 0
    services.presence_ping(actor=learner, session=session, now=t0 + dt.timedelta(seconds=60))
    assert QaAttendance.objects.get(session=session, user=learner).seconds == 60
    services.session_end(actor=chief_expert, session=session, now=t0 + dt.timedelta(seconds=45))
    assert QaAttendance.objects.get(session=session, user=learner).seconds == 45
    with pytest.raises(ValidationError):
        services.presence_ping(actor=learner, session=session, now=t0 + dt.timedelta(seconds=50))


def test_someone_outside_the_subject_cannot_ping(live_session, enrolled):
    with pytest.raises(ValidationError):
        services.presence_ping(actor=enrolled["sz_learner"], session=live_session)


@override_settings(QA_PRESENCE_GAP_SECONDS=90)
def test_attendance_shows_in_the_study_record_and_not_in_study_hours(live_session, enrolled, make_session):
    learner, t0 = enrolled["learner"], live_session.starts_at
    for seconds in range(0, 3601, 30):
        services.presence_ping(actor=learner, session=live_session, now=t0 + dt.timedelta(seconds=seconds))
    make_session(start_in=-dt.timedelta(days=1), title="第一次答疑")  # held, not attended
    enrollment = Enrollment.objects.get(user=learner)
    section = next(s for s in activity(enrollment) if s.key == "qa")
    assert section.figures == {"sessions_held": 2, "sessions_attended": 1, "seconds": 3600}
    assert section.summary == "参加 1 / 2 场专家答疑，在线共 1 小时 0 分（不计入学时）。"
    assert [r.detail for r in section.rows] == ["未参加", "在线 1 小时 0 分"]
    assert not StudyTotal.objects.filter(learner=learner).exists()
