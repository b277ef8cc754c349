"""The demo's Q&A (qa.demo): in 2010's 初中体育, two sessions held that count, a short one that does not, and
the next starting within the hour with its room open; a second run writes nothing."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from teachnet.accounts.tests.factories import UserFactory, persona
from teachnet.core import rules as core_rules
from teachnet.learning.records import activity
from teachnet.qa import rules, selectors
from teachnet.qa.demo import NEXT_TITLE, demo_qa_ensure
from teachnet.qa.models import QaAttendance, QaEvent, QaMessage, QaPresence, QaSession, QaVote
from teachnet.training.models import ClassMembership, Enrollment, TrainingClass

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_class(project, ps, orgs, regions):
    expert = persona(
        "expert", "chief_expert", organization=orgs["bnu"], project=project, home_org=orgs["bnu"]
    )
    expert.real_name = "孙明远"
    expert.save()
    persona("provider", "provider_admin", organization=orgs["bnu"], project=project, home_org=orgs["bnu"])
    learner = persona("learner", "learner", organization=orgs["gz_school"], project=project)
    klass = TrainingClass.objects.create(
        project=project, subject=ps.subject, province=regions["440000"], name="广州一班"
    )
    for user in [learner, *(UserFactory(real_name=f"学员{i}") for i in range(8))]:
        e = Enrollment.objects.create(
            project=project, subject=ps.subject, user=user, role="learner", region=regions["440100"]
        )
        ClassMembership.objects.create(training_class=klass, enrollment=e)
    return klass


def _counts():
    return [m.objects.count() for m in (QaSession, QaMessage, QaVote, QaAttendance, QaPresence, QaEvent)]


def test_the_demo_builds_held_sessions_and_the_next_one_and_a_second_run_writes_nothing(project, demo_class):
    done = demo_qa_ensure(project=project, training_class=demo_class)
    assert done["held"] == 3 and done["status"] == "created"
    standing = next(
        s for s in core_rules.standings(project, keys=[rules.RULE.key]) if s.unit.startswith("初中体育")
    )
    assert (standing.count, standing.note) == (2, "1 次不足 2 小时；1 次待举行")
    nxt = QaSession.objects.get(title=NEXT_TITLE)
    now = timezone.now()
    assert now < nxt.starts_at <= now + dt.timedelta(hours=1)
    assert selectors.state(nxt) == "open" and nxt.video_url
    held = QaSession.objects.exclude(pk=nxt.pk)
    assert all(s.archived_at for s in held)
    first = held.get(title__startswith="第一次")
    assert first.messages.filter(kind="answer", author__username="expert").count() == 4
    assert first.messages.filter(kind="question", answered_at__isnull=True).count() == 1
    assert first.messages.filter(votes__gt=0).exists()
    # The demo learner was at the two that count: their record says so.
    learner = Enrollment.objects.get(user__username="learner")
    section = next(s for s in activity(learner) if s.key == "qa")
    assert section.figures["sessions_attended"] == 2 and section.figures["seconds"] > 3600
    # The learner enters the next session's room and may ask.
    c = Client()
    c.force_login(learner.user)
    page = c.get(reverse("qa:session", args=[nxt.pk])).content.decode()
    assert 'data-testid="qa-ask-form"' in page
    # A second run writes nothing.
    before = _counts()
    again = demo_qa_ensure(project=project, training_class=demo_class)
    assert again["held"] == 0 and again["status"] == "already starting within the hour"
    assert _counts() == before


def test_a_later_run_sets_the_next_session_within_the_hour_again(project, demo_class):
    demo_qa_ensure(project=project, training_class=demo_class)
    nxt = QaSession.objects.get(title=NEXT_TITLE)
    QaSession.objects.filter(pk=nxt.pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=5), ends_at=timezone.now() - dt.timedelta(hours=3)
    )
    before = QaSession.objects.count()
    assert (
        demo_qa_ensure(project=project, training_class=demo_class)["status"]
        == "set again to start within the hour"
    )
    nxt.refresh_from_db()
    assert QaSession.objects.count() == before and selectors.state(nxt) == "open"
