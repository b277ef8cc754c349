"""The homework of the 2010 demo class: every role has work waiting (issue 11)."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from teachnet.accounts.models import User
from teachnet.demo.tests.test_demo import full_length_videos, needs_ffmpeg, run_demo
from teachnet.homework.demo import A1_TITLE, A2_TITLE
from teachnet.homework.models import Assignment, SimilarityPair, SpotCheck, Submission

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@needs_ffmpeg
@full_length_videos
def test_every_role_has_homework_waiting_in_the_demo_and_a_second_run_adds_nothing():
    output = run_demo(learners=300)
    assert "status created" in output
    tutor, expert, learner = (User.objects.get(username=u) for u in ("tutor", "expert", "learner"))
    a1, a2 = Assignment.objects.get(title=A1_TITLE), Assignment.objects.get(title=A2_TITLE)
    subs = Submission.objects.filter(assignment=a1)
    assert a1.deadline < timezone.now() < a2.deadline
    assert subs.exclude(state="draft").count() >= 30
    assert subs.filter(late=True).count() == 3 and subs.filter(state="draft").count() == 2
    assert subs.filter(recommended=True).count() == 2
    revised = subs.get(versions__isnull=False)
    assert revised.revision == 2 and revised.state == "submitted"
    assert SimilarityPair.objects.filter(assignment=a1).count() == 1

    # The tutor: ungraded work on the grading page, the copy flagged.
    klass = subs.first().training_class
    page = _client(tutor).get(reverse("homework:grade", args=[a1.pk, klass.pk]))
    assert page.status_code == 200 and page.context["waiting"] >= 10
    assert 'data-testid="flag"' in page.content.decode()
    # The expert: a spot-check sample waiting.
    assert SpotCheck.objects.filter(assignment=a1, scored_at__isnull=True).count() == 3
    assert "待评分" in _client(expert).get(reverse("homework:assignment", args=[a1.pk])).content.decode()
    # The learner: a draft saved of an assignment due in a few days; the first one graded.
    mine = Submission.objects.get(assignment=a2, learner=learner)
    assert mine.state == "draft" and mine.body_text
    assert Submission.objects.get(assignment=a1, learner=learner).state == "graded"
    index = _client(learner).get(reverse("homework:index")).content.decode()
    assert A2_TITLE in index and "草稿" in index

    before = {m: m.objects.count() for m in (Assignment, Submission, SpotCheck, SimilarityPair)}
    run_demo(learners=300)
    assert {m: m.objects.count() for m in before} == before
