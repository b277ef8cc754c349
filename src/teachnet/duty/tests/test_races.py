"""Two experts claiming the same question at the same moment, each in their own connection: one gets it,
the other is told who did, and the question has one claim (the row lock in question_claim)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from .. import services
from ..models import Question, QuestionEvent

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_experts_claiming_at_once_one_wins_and_the_other_is_told(world):
    q = services.question_forward(
        actor=world.tutor, provider_subject=world.ps, title="同时认领", body="内容", asker=world.learner
    )
    barrier = threading.Barrier(2)
    results: dict[str, str] = {}

    def claim(expert):
        try:
            barrier.wait(timeout=10)
            services.question_claim(actor=expert, question=Question.objects.get(pk=q.pk))
            results[expert.username] = "claimed"
        except ValidationError as exc:
            results[expert.username] = " ".join(exc.messages)
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(e,)) for e in (world.expert2, world.expert3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results.values())[0] == "claimed", results
    q.refresh_from_db()
    loser = next(name for name, outcome in results.items() if outcome != "claimed")
    assert q.claimed_by.real_name in results[loser] and q.claimed_by.username != loser
    assert QuestionEvent.objects.filter(question=q, kind="claimed").count() == 1
