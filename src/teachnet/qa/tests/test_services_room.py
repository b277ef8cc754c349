"""The live room: questions, one upvote per person, answers by hosts, marks; every change takes the next
room revision so the feed sees each once; bad input refused with the field named and nothing lost."""

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError

from teachnet.qa import live, services
from teachnet.qa.models import QaMessage, QaVote

pytestmark = pytest.mark.django_db


def _feed(session, since=0):
    status, body = live.feed_answer(session.pk, since)
    assert status == 200
    return json.loads(body)


def test_a_learner_asks_a_host_answers_and_everyone_reads_it_in_the_feed(
    live_session, enrolled, chief_expert
):
    q = services.question_ask(actor=enrolled["learner"], session=live_session, body="跳远助跑怎么教？")
    a = services.answer_post(actor=chief_expert, question=q, body="先练节奏，再练踏板。")
    feed = _feed(live_session)
    assert feed["state"] == "live"
    by_id = {m["id"]: m for m in feed["messages"]}
    assert by_id[q.pk]["answered"] is True and by_id[q.pk]["author"] == "learner"
    assert by_id[a.pk]["question"] == q.pk and by_id[a.pk]["host"] is True
    assert feed["rev"] == 3  # the question, the answer, the mark
    assert _feed(live_session, since=3)["messages"] == []


def test_the_feed_gives_what_changed_since_a_revision(live_session, enrolled, tutor):
    q1 = services.question_ask(actor=enrolled["learner"], session=live_session, body="问题一")
    rev = _feed(live_session)["rev"]
    services.vote_set(actor=tutor, question=q1, on=True)
    changed = _feed(live_session, since=rev)["messages"]
    assert [(m["id"], m["votes"]) for m in changed] == [(q1.pk, 1)]


def test_one_vote_per_person_however_often_they_click(live_session, enrolled, tutor):
    q = services.question_ask(actor=enrolled["learner"], session=live_session, body="问题")
    for _ in range(3):
        services.vote_set(actor=tutor, question=q, on=True)
    services.vote_set(actor=enrolled["learner"], question=q, on=True)
    q.refresh_from_db()
    assert q.votes == 2 and QaVote.objects.filter(message=q).count() == 2
    services.vote_set(actor=tutor, question=q, on=False)
    services.vote_set(actor=tutor, question=q, on=False)
    q.refresh_from_db()
    assert q.votes == 1


def test_only_participants_ask_and_vote_and_only_hosts_answer(live_session, enrolled, chief_expert, team):
    q = services.question_ask(actor=enrolled["learner"], session=live_session, body="问题")
    with pytest.raises(ValidationError):  # studies another subject
        services.question_ask(actor=enrolled["sz_learner"], session=live_session, body="我也问")
    with pytest.raises(ValidationError):
        services.vote_set(actor=enrolled["sz_learner"], question=q)
    with pytest.raises(ValidationError):  # a learner cannot answer
        services.answer_post(actor=enrolled["learner"], question=q, body="我来答")
    with pytest.raises(ValidationError):  # nor mark answered
        services.question_mark_answered(actor=enrolled["learner"], question=q)


def test_a_host_not_on_this_session_cannot_answer(make_session, team, enrolled, expert2):
    session = make_session(start_in=-dt.timedelta(minutes=5), hosts=[team["chief"]])
    q = services.question_ask(actor=enrolled["learner"], session=session, body="问题")
    with pytest.raises(ValidationError, match="主持专家"):
        services.answer_post(actor=expert2, question=q, body="答")


def test_bad_input_in_the_room(live_session, enrolled):
    learner = enrolled["learner"]
    with pytest.raises(ValidationError) as exc:
        services.question_ask(actor=learner, session=live_session, body="   ")
    assert "body" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.question_ask(actor=learner, session=live_session, body="长" * 2001)
    assert "最多 2000 字，现有 2001 字" in exc.value.message_dict["body"][0]
    # Script is kept as the text it is: the feed is JSON and the page puts it in as text, never as HTML.
    q = services.question_ask(actor=learner, session=live_session, body='<script>alert("x")</script>𠀀𪚥')
    q.refresh_from_db()
    assert q.body == '<script>alert("x")</script>𠀀𪚥'
    assert _feed(live_session)["messages"][0]["body"] == '<script>alert("x")</script>𠀀𪚥'
    with pytest.raises(ValidationError, match="5 秒"):  # a flood: one question every 5 seconds
        services.question_ask(actor=learner, session=live_session, body="再问一个")


def test_questions_wait_for_the_room_to_open_and_stop_when_it_ends(make_session, enrolled, chief_expert):
    later = make_session(start_in=dt.timedelta(hours=3))
    with pytest.raises(ValidationError, match="尚未开放"):
        services.question_ask(actor=enrolled["learner"], session=later, body="问题")
    soon = make_session(start_in=dt.timedelta(minutes=30))  # the room opens an hour before
    q = services.question_ask(actor=enrolled["learner"], session=soon, body="提前提问")
    assert _feed(soon)["state"] == "open"
    ended = make_session(start_in=-dt.timedelta(minutes=20))
    services.session_end(actor=chief_expert, session=ended)
    with pytest.raises(ValidationError, match="已结束"):
        services.question_ask(actor=enrolled["learner"], session=ended, body="问题")
    assert _feed(ended)["state"] == "ended"
    assert QaMessage.objects.filter(pk=q.pk).exists()


def test_two_hosts_marking_the_same_question_leave_one_mark(live_session, enrolled, chief_expert, expert2):
    q = services.question_ask(actor=enrolled["learner"], session=live_session, body="问题")
    services.answer_post(actor=chief_expert, question=q, body="答一")
    services.answer_post(actor=expert2, question=q, body="答二")  # both answers kept
    services.question_mark_answered(actor=expert2, question=q)
    q.refresh_from_db()
    assert q.answered_by == chief_expert
    assert q.answers.count() == 2


def test_revisions_are_unique_and_increasing(live_session, enrolled, chief_expert, tutor):
    q = services.question_ask(actor=enrolled["learner"], session=live_session, body="问题")
    services.vote_set(actor=tutor, question=q)
    services.answer_post(actor=chief_expert, question=q, body="答", mark_answered=False)
    services.question_mark_answered(actor=chief_expert, question=q)
    live_session.refresh_from_db()
    revs = sorted(QaMessage.objects.values_list("rev", flat=True))
    assert revs == sorted(set(revs)) and max(revs) == live_session.seq == 4


def test_a_change_made_by_another_process_reaches_the_feed_within_the_refresh_interval(
    live_session, enrolled, settings
):
    import time

    from django.db.models import F

    from teachnet.qa.models import QaSession

    settings.QA_FEED_REFRESH_SECONDS = 0.2
    q = services.question_ask(actor=enrolled["learner"], session=live_session, body="问题")
    assert _feed(live_session)["rev"] == 1
    # Another worker process answers: rows change, this process's copy is not told.
    QaSession.objects.filter(pk=live_session.pk).update(seq=F("seq") + 1)
    QaMessage.objects.filter(pk=q.pk).update(votes=7, rev=2)
    assert _feed(live_session, since=1)["messages"] == []  # still the copy
    time.sleep(0.25)
    assert [m["votes"] for m in _feed(live_session, since=1)["messages"]] == [7]
