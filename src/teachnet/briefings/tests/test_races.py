"""Two writers at the same moment: two drafts published at once in one scope take 第 1 期 and 第 2 期, never
the same number; the same draft published twice at once is published once."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from .. import services
from ..models import Briefing
from .factories import expert_scope, written

pytestmark = pytest.mark.django_db(transaction=True)


def _at_once(*calls):
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, fn):
        try:
            barrier.wait()
            results[i] = fn()
        except Exception as exc:  # kept for the assertions
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_two_drafts_published_at_once_get_two_numbers(world, chief_expert):
    scope = expert_scope(world["pe"])
    a, b = written(chief_expert, scope), written(chief_expert, scope)
    results = _at_once(
        lambda: services.briefing_publish(actor=chief_expert, briefing=a).number,
        lambda: services.briefing_publish(actor=chief_expert, briefing=b).number,
    )
    assert sorted(results) == [1, 2], results


def test_one_draft_published_twice_at_once_is_published_once(world, chief_expert):
    draft = written(chief_expert, expert_scope(world["pe"]))
    results = _at_once(
        lambda: services.briefing_publish(actor=chief_expert, briefing=draft).number,
        lambda: services.briefing_publish(actor=chief_expert, briefing=draft).number,
    )
    refused = [r for r in results if not isinstance(r, int)]
    assert len(refused) == 1 and isinstance(refused[0], ValidationError)
    assert "已发布" in str(refused[0])
    assert list(Briefing.objects.exclude(number=None).values_list("number", flat=True)) == [1]
