"""Two at once, each in their own connection: the tutor and an expert hiding the same post (one hides it,
the other is told by whom and why, one record); a reply racing the tutor's lock (in before it, or refused
after it — never a reply in a locked thread after the lock was recorded)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from .. import selectors, services
from ..models import Moderation, Post, Thread

pytestmark = pytest.mark.django_db(transaction=True)


def _together(*calls):
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait(timeout=10)
            results[i] = call()
        except ValidationError as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


def test_two_moderators_hiding_at_once(world):
    board = selectors.board_of_class(training_class=world.gz_class)
    acc = selectors.access_for(actor=world.learner, board=board)
    post = services.thread_create(actor=world.learner, access=acc, title="题", body="广告").posts.get()

    def hide(user, reason):
        return lambda: services.post_hide(
            actor=user, access=selectors.access_for(actor=user, board=board), post=post, reason=reason
        )

    results = _together(hide(world.tutor, "广告"), hide(world.chief, "无关"))
    errors = [r for r in results if isinstance(r, ValidationError)]
    assert len(errors) == 1 and Moderation.objects.filter(action="hide").count() == 1
    hidden = Post.objects.select_related("hidden_by").get(pk=post.pk)
    message = " ".join(errors[0].messages)
    assert hidden.hidden_by.real_name in message and hidden.hidden_reason in message


def test_a_reply_racing_the_lock(world):
    board = selectors.board_of_class(training_class=world.gz_class)
    acc = selectors.access_for(actor=world.learner, board=board)
    thread = services.thread_create(actor=world.learner, access=acc, title="题", body="内容")
    tutor_acc = selectors.access_for(actor=world.tutor, board=board)
    mate_acc = selectors.access_for(actor=world.mates[0], board=board)
    results = _together(
        lambda: services.thread_lock(actor=world.tutor, access=tutor_acc, thread=thread, locked=True),
        lambda: services.post_reply(actor=world.mates[0], access=mate_acc, thread=thread, body="抢在锁定前"),
    )
    thread = Thread.objects.get(pk=thread.pk)
    locked_at = thread.locked_at
    assert locked_at is not None
    reply = results[1]
    if isinstance(reply, ValidationError):
        assert "锁定" in " ".join(reply.messages) and thread.posts.count() == 1
    else:
        assert reply.created_at <= locked_at and thread.posts.count() == 2
