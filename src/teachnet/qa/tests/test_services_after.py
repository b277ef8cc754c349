"""After the session: archived (ended, presence capped, the transcript read-only), unanswered questions moved
into the subject board through the registered hook; before it: learners told once that it is starting."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from teachnet.notifications.models import Notification
from teachnet.qa import board, services
from teachnet.qa.models import QaEvent, QaSession

pytestmark = pytest.mark.django_db


@pytest.fixture
def mover():
    moved = []

    def handler(*, question, actor):
        moved.append((question.pk, actor.pk))
        return f"/discussions/thread/{question.pk}/"

    board.register_mover(handler)
    return moved


def test_a_session_past_its_end_is_archived_by_the_periodic_step(make_session, enrolled):
    session = make_session(start_in=-dt.timedelta(hours=3))
    assert services.sessions_archive_due() == 1
    session.refresh_from_db()
    assert session.ended_at == session.ends_at and session.archived_at is not None
    assert services.sessions_archive_due() == 0  # idempotent
    assert QaEvent.objects.filter(session=session, verb="archived").count() == 1


def test_an_unanswered_question_moves_to_the_board_once_the_session_ended(
    live_session, enrolled, chief_expert, mover
):
    q = services.question_ask(actor=enrolled["learner"], session=live_session, body="没来得及回答的问题")
    with pytest.raises(ValidationError, match="答疑结束后"):
        services.question_move(actor=chief_expert, question=q)
    services.session_end(actor=chief_expert, session=live_session)
    with pytest.raises(ValidationError):  # a learner may not move it
        services.question_move(actor=enrolled["learner"], question=q)
    moved = services.question_move(actor=chief_expert, question=q)
    assert moved.moved_url == f"/discussions/thread/{q.pk}/"
    services.question_move(actor=chief_expert, question=q)  # twice: still one thread
    assert mover == [(q.pk, chief_expert.pk)]


def test_without_a_board_the_move_is_refused(live_session, enrolled, chief_expert):
    board.unregister_mover()
    q = services.question_ask(actor=enrolled["learner"], session=live_session, body="问题")
    services.session_end(actor=chief_expert, session=live_session)
    with pytest.raises(ValidationError, match="尚未开通"):
        services.question_move(actor=chief_expert, question=q)


def test_a_board_refusing_the_move_writes_nothing(live_session, enrolled, chief_expert):
    q = services.question_ask(actor=enrolled["learner"], session=live_session, body="问题")
    services.session_end(actor=chief_expert, session=live_session)

    def refuse(*, question, actor):
        raise ValidationError("讨论区已锁定")

    board.register_mover(refuse)
    with pytest.raises(ValidationError, match="已锁定"):
        services.question_move(actor=chief_expert, question=q)
    q.refresh_from_db()
    assert q.moved_at is None


def test_learners_of_the_subject_are_told_once_when_a_session_is_about_to_start(make_session, enrolled):
    soon = make_session(start_in=dt.timedelta(minutes=20))
    make_session(start_in=dt.timedelta(hours=5))  # too far ahead
    assert services.sessions_notify_starting(minutes=30) == {"sessions": 1, "people": 1}
    assert services.sessions_notify_starting(minutes=30) == {"sessions": 0, "people": 0}
    notice = Notification.objects.get()
    assert notice.recipient == enrolled["learner"] and notice.kind == "qa_starting"
    assert notice.url == f"/qa/{soon.pk}/" and "体育课堂教学设计" in notice.title
    # The other subject's learner and the tutor (not a learner) are not told.
    assert not Notification.objects.filter(recipient__in=[enrolled["sz_learner"], enrolled["tutor"]]).exists()


def test_the_command_tells_and_archives(make_session, enrolled):
    make_session(start_in=dt.timedelta(minutes=10))
    make_session(start_in=-dt.timedelta(hours=5))
    call_command("qa", "notify-starting", "--minutes", "30")
    call_command("qa", "archive-ended")
    assert Notification.objects.count() == 1
    assert QaSession.objects.filter(archived_at__isnull=False).count() == 1


def test_the_reminders_run_tells_and_archives(make_session, enrolled):
    from teachnet.notifications import periodic
    from teachnet.qa import tasks

    make_session(start_in=dt.timedelta(minutes=10))
    make_session(start_in=-dt.timedelta(hours=5))
    sent = periodic.run_due(names=["qa.notify_starting", "qa.archive_ended"])
    assert sent == {"qa.notify_starting": 1, "qa.archive_ended": 1}
    assert tasks.notify_starting.name == "qa.notify_starting"


def test_a_cancelled_session_tells_nobody(make_session, enrolled, chief_expert):
    soon = make_session(start_in=dt.timedelta(minutes=20))
    services.session_cancel(actor=chief_expert, session=soon, now=timezone.now())
    assert services.sessions_notify_starting(minutes=30)["people"] == 0
