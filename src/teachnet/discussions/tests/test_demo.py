"""`teachnet demo`'s discussions and duty (ACT-1 … ACT-3): the 2010 class board talking, a question waiting
for the expert on duty today, one answered and posted back, a seminar, the subject board, and 北京师范大学's
roster with one short day next week — every role with something waiting."""

import datetime as dt
import shutil
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from teachnet.accounts.models import User
from teachnet.duty.demo import short_day
from teachnet.duty.models import DutyShift, Question
from teachnet.notifications.models import Notification

from ..models import Board, Moderation, Post, Seminar, Thread

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="needs Debian's ffmpeg (make media-tools)"),
]


def client_for(username) -> Client:
    c = Client()
    c.force_login(User.objects.get(username=username))
    return c


@override_settings(DEMO_COURSE_VIDEO_SECONDS=45 * 60)
def test_the_demo_class_talks_and_the_expert_on_duty_has_a_question_waiting():
    output = StringIO()
    call_command("demo", "--learners=120", stdout=output)
    assert "roster made" in output.getvalue()

    board = Board.objects.get(kind="class", training_class__tutor__username="tutor")
    threads = Thread.objects.filter(board=board)
    assert threads.count() >= 4
    pinned = threads.get(pinned_at__isnull=False)
    assert pinned.author.username == "tutor"
    replies = Post.objects.filter(thread__board=board, opening=False)
    assert replies.exclude(author__username__in=["tutor", "learner", "expert"]).count() >= 4  # classmates
    assert replies.filter(quote__isnull=False, expert_answer=False).exists()
    assert Post.objects.filter(thread__board=board, images__isnull=False).exists()
    assert Moderation.objects.filter(board=board, action="hide").exists()

    # A question waiting for the expert on duty today, and one answered and posted back
    waiting = Question.objects.get(state="waiting")
    assert (
        waiting.forwarded_by.username == "tutor" and waiting.provider_subject.provider.name == "北京师范大学"
    )
    answered = Question.objects.get(state="answered")
    assert answered.answered_by.username == "expert" and answered.asker.username == "learner"
    assert answered.forward.answer_post.expert_answer
    assert Notification.objects.filter(recipient__username="learner", kind="question_answered").exists()

    # The roster: three today with the demo expert among them, two on one day of next week
    today = timezone.localdate()
    on_today = DutyShift.objects.filter(day=today, provider__name="北京师范大学")
    assert on_today.count() == 3 and on_today.filter(expert__username="expert").exists()
    thin = short_day(today)
    next_monday = today + dt.timedelta(days=7 - today.weekday())
    assert next_monday <= thin < next_monday + dt.timedelta(days=7)  # in next week
    assert DutyShift.objects.filter(day=thin).count() == 2

    # Every role sees it: the expert's queue, the provider's and the office's warnings, the learner's record
    queue = client_for("expert").get(reverse("duty:index"), follow=True).content.decode()
    assert "专家值班" in queue
    provider = User.objects.get(username="provider").organization
    project = board.project
    page = client_for("expert").get(reverse("duty:queue", args=[project.pk, provider.pk])).content.decode()
    assert waiting.title in page and "您今天值班" in page
    warned = client_for("provider").get(reverse("training:provider")).content.decode()
    assert 'data-testid="brief-short"' in warned and thin.strftime("%m-%d") in warned
    office = client_for("office").get(reverse("training:project", args=[project.pk])).content.decode()
    assert 'data-testid="duty-brief"' in office and thin.strftime("%m-%d") in office
    record = client_for("learner").get(reverse("learning:my_record"), follow=True).content.decode()
    assert 'data-testid="activity-posts"' in record and 'data-testid="activity-seminars"' in record

    # The seminar and the subject board
    seminar = Seminar.objects.get(training_class=board.training_class)
    assert seminar.minutes and seminar.attendance.count() >= 10 and seminar.photos.count() == 2
    assert seminar.held_on < today
    assert Thread.objects.filter(board__kind="subject", board__subject=board.subject).count() >= 2

    # A second run writes nothing of it
    counts = [
        m.objects.count() for m in (Thread, Post, Question, DutyShift, Seminar, Moderation, Notification)
    ]
    call_command("demo", "--learners=120", stdout=StringIO())
    assert [
        m.objects.count() for m in (Thread, Post, Question, DutyShift, Seminar, Moderation, Notification)
    ] == counts
