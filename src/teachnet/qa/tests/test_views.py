"""The pages: who sees which sessions, the room for the subject's learners and hosts, the transcript after;
every denial is the same 404 (another subject's learner, another provider, a learner trying a host's or a
manager's action), anonymous people go to the login."""

import datetime as dt
import json
import re
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse

from teachnet.qa import board, live, services
from teachnet.qa.models import QaMessage

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_index_shows_the_subjects_standing_and_why_a_session_does_not_count(
    make_session, team, enrolled, provider_admin
):
    make_session(start_in=-dt.timedelta(days=1), hours=1.5, title="短的一次")
    make_session(start_in=dt.timedelta(days=2), title="下一次")
    page = _client(enrolled["learner"]).get(reverse("qa:index")).content.decode()
    assert "已计入 0 / 3 次：1 次不足 2 小时；1 次待举行" in page
    assert "不计入：不足 2 小时" in page and "下一次" in page
    assert 'data-testid="qa-schedule"' not in page  # a learner schedules nothing
    admin_page = _client(provider_admin).get(reverse("qa:index")).content.decode()
    assert 'data-testid="qa-schedule"' in admin_page


def test_another_subjects_learner_and_another_provider_see_nothing(live_session, enrolled, swu_admin):
    for user in (enrolled["sz_learner"], swu_admin):
        c = _client(user)
        assert "体育课堂教学设计" not in c.get(reverse("qa:index")).content.decode()
        assert c.get(reverse("qa:session", args=[live_session.pk])).status_code == 404
        assert c.post(reverse("qa:ask", args=[live_session.pk]), {"body": "x"}).status_code == 404


def test_anonymous_people_are_sent_to_the_login(live_session):
    response = Client().get(reverse("qa:session", args=[live_session.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_learner_enters_the_live_room_and_asks(live_session, enrolled):
    c = _client(enrolled["learner"])
    page = c.get(reverse("qa:session", args=[live_session.pk])).content.decode()
    assert 'data-testid="qa-ask-form"' in page and "答疑进行中" in page
    config = json.loads(
        re.search(r'id="qa-room-config" type="application/json">(.*?)</script>', page).group(1)
    )
    assert config["can_ask"] and not config["is_host"]
    answer = c.post(
        reverse("qa:ask", args=[live_session.pk]),
        json.dumps({"body": "篮球单元怎么分层？"}),
        content_type="application/json",
    )
    assert answer.status_code == 200 and answer.json()["ok"]
    feed = c.get(config["feed"] + "?since=0", HTTP_X_QA_PASS=config["pass"]).json()
    assert feed["messages"][0]["body"] == "篮球单元怎么分层？"


def test_an_empty_or_huge_question_is_refused_with_the_field_named(live_session, enrolled):
    c = _client(enrolled["learner"])
    for body in ("", "字" * 2500):
        answer = c.post(reverse("qa:ask", args=[live_session.pk]), {"body": body})
        assert answer.status_code == 400 and "body" in answer.json()["errors"]
    assert not QaMessage.objects.exists()


def test_a_learner_cannot_answer_mark_end_edit_or_see_attendance(live_session, enrolled):
    q = services.question_ask(actor=enrolled["learner"], session=live_session, body="问题")
    c = _client(enrolled["learner"])
    assert c.post(reverse("qa:answer", args=[q.pk]), {"body": "答"}).status_code == 404
    assert c.post(reverse("qa:mark", args=[q.pk])).status_code == 404
    assert c.post(reverse("qa:end", args=[live_session.pk])).status_code == 404
    assert c.get(reverse("qa:edit", args=[live_session.pk])).status_code == 404
    assert c.post(reverse("qa:cancel", args=[live_session.pk])).status_code == 404
    assert c.get(reverse("qa:attendance", args=[live_session.pk])).status_code == 404


def test_a_host_answers_and_ends_and_the_transcript_stays(live_session, enrolled, chief_expert):
    q = services.question_ask(actor=enrolled["learner"], session=live_session, body="跳远怎么教？")
    host = _client(chief_expert)
    page = host.get(reverse("qa:session", args=[live_session.pk])).content.decode()
    assert 'data-testid="qa-end"' in page
    assert host.post(reverse("qa:answer", args=[q.pk]), {"body": "先练助跑节奏。"}).json()["ok"]
    assert host.post(reverse("qa:end", args=[live_session.pk])).status_code == 302
    transcript = (
        _client(enrolled["learner"]).get(reverse("qa:session", args=[live_session.pk])).content.decode()
    )
    assert "答疑记录" in transcript and "跳远怎么教？" in transcript and "先练助跑节奏。" in transcript
    assert "共 1 个问题，1 个已解答" in transcript
    assert 'data-testid="qa-move"' not in transcript


def test_the_move_button_shows_only_when_a_board_is_connected(live_session, enrolled, chief_expert):
    q = services.question_ask(actor=enrolled["learner"], session=live_session, body="没答的问题")
    services.session_end(actor=chief_expert, session=live_session)
    host = _client(chief_expert)
    url = reverse("qa:session", args=[live_session.pk])
    board.unregister_mover()
    assert 'data-testid="qa-move"' not in host.get(url).content.decode()
    assert host.post(reverse("qa:move", args=[q.pk])).status_code == 404
    board.register_mover(lambda *, question, actor: "/discussions/t/1/")
    assert 'data-testid="qa-move"' in host.get(url).content.decode()
    assert 'data-testid="qa-move"' not in _client(enrolled["learner"]).get(url).content.decode()
    assert host.post(reverse("qa:move", args=[q.pk])).status_code == 302
    assert "到讨论区查看" in host.get(url).content.decode()


def test_a_moved_question_becomes_a_thread_of_the_subject_board_for_its_learners(
    live_session, enrolled, chief_expert
):
    """The mover discussions connects at start: the thread is in the asker's name, says where it came from,
    and shows what was typed in the room as text."""
    assert board.mover() is not None
    q = services.question_ask(
        actor=enrolled["learner"], session=live_session, body="<b>立定跳远</b>怎么评分？"
    )
    services.session_end(actor=chief_expert, session=live_session)
    host = _client(chief_expert)
    assert host.post(reverse("qa:move", args=[q.pk])).status_code == 302
    q.refresh_from_db()
    assert q.moved_url.startswith("/discussions/")
    page = _client(enrolled["learner"]).get(q.moved_url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "&lt;b&gt;立定跳远&lt;/b&gt;怎么评分？" in text and "<b>立定跳远" not in text
    assert f"来自在线答疑「{live_session.title}」" in text
    # Another subject's learner may not read the subject board.
    assert _client(enrolled["sz_learner"]).get(q.moved_url).status_code == 404
    assert host.post(reverse("qa:move", args=[q.pk])).status_code == 302  # twice: still one thread
    q2 = type(q).objects.get(pk=q.pk)
    assert q2.moved_url == q.moved_url


def test_a_script_in_a_question_is_shown_as_text_in_the_transcript(live_session, enrolled, chief_expert):
    services.question_ask(
        actor=enrolled["learner"], session=live_session, body="<script>alert(1)</script> 𪚥"
    )
    services.session_end(actor=chief_expert, session=live_session)
    page = _client(enrolled["learner"]).get(reverse("qa:session", args=[live_session.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; 𪚥" in page


def test_the_schedule_form_takes_a_session_and_the_chief_expert_sees_its_attendance(
    ps, team, provider_admin, chief_expert, enrolled
):
    c = _client(provider_admin)
    form = c.get(reverse("qa:schedule", args=[ps.pk])).content.decode()
    assert "孙明远（首席专家）" in form
    response = c.post(
        reverse("qa:schedule", args=[ps.pk]),
        {
            "title": "第二次答疑", "starts_at": "2099-05-01T14:00", "ends_at": "2099-05-01T16:00",
            "hosts": [team["chief"].pk], "video_url": "https://live.example.edu.cn/pe",
        },
    )  # fmt: skip
    assert response.status_code == 302
    session_url = response["Location"]
    page = _client(chief_expert).get(session_url).content.decode()
    assert "待举行" in page and "答疑室将于" in page
    session_id = int(session_url.strip("/").split("/")[-1])
    assert _client(chief_expert).get(reverse("qa:attendance", args=[session_id])).status_code == 200
    bad = c.post(
        reverse("qa:schedule", args=[ps.pk]),
        {
            "title": "x",
            "starts_at": "2099-05-01T14:00",
            "ends_at": "2099-05-01T13:00",
            "hosts": [team["chief"].pk],
        },
    )
    assert "结束时间应晚于开始时间" in bad.content.decode()


def test_another_provider_cannot_open_the_schedule_form(ps, team, swu_admin, enrolled):
    assert _client(swu_admin).get(reverse("qa:schedule", args=[ps.pk])).status_code == 404
    assert _client(enrolled["learner"]).get(reverse("qa:schedule", args=[ps.pk])).status_code == 404


def test_the_study_record_page_shows_qa_attendance(live_session, enrolled):
    services.presence_ping(actor=enrolled["learner"], session=live_session)
    for reader in (enrolled["learner"], enrolled["tutor"]):  # the learner, and the tutor of the class
        url = reverse("learning:record", args=[enrolled["learner"].pk])
        page = _client(reader).get(url).content.decode()
        assert 'data-testid="activity-qa"' in page and "专家答疑出勤" in page


# --- The lean feed route ------------------------------------------------------------------------------------


def _wsgi(path, *, query="", room_pass=None, host="127.0.0.1"):
    from teachnet.wsgi import application

    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query, "HTTP_HOST": host,
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80", "wsgi.input": BytesIO(), "wsgi.url_scheme": "http",
    }  # fmt: skip
    if room_pass is not None:
        environ["HTTP_X_QA_PASS"] = room_pass
    seen = {}

    def start_response(status, headers):
        seen["status"] = int(status.split()[0])

    body = b"".join(application(environ, start_response))
    return seen["status"], body


def test_the_lean_route_serves_the_feed_to_a_pass_and_nothing_without_one(live_session, enrolled):
    services.question_ask(actor=enrolled["learner"], session=live_session, body="问题")
    path = reverse("qa:live", args=[live_session.pk])
    good = live.pass_issue(session_id=live_session.pk, user_id=enrolled["learner"].pk)
    status, body = _wsgi(path, query="since=0", room_pass=good)
    assert status == 200 and json.loads(body)["messages"][0]["body"] == "问题"
    other_room = live.pass_issue(session_id=live_session.pk + 1, user_id=enrolled["learner"].pk)
    assert _wsgi(path, query="since=0", room_pass=other_room)[0] == 403
    assert _wsgi(path, query="since=0", room_pass=good[:-2] + "xx")[0] == 403
    assert _wsgi(path, query="since=abc", room_pass=good)[0] == 404
    assert _wsgi(path, query="since=0", room_pass=good, host="evil.example.com")[0] == 400
    missing = reverse("qa:live", args=[live_session.pk + 1000])
    assert _wsgi(missing, room_pass=live.pass_issue(session_id=live_session.pk + 1000, user_id=1))[0] == 404


def test_the_django_route_without_a_pass_checks_the_login(live_session, enrolled, monkeypatch):
    from teachnet import wsgi

    path = reverse("qa:live", args=[live_session.pk])
    monkeypatch.setattr(wsgi, "django_application", lambda environ, start_response: [b"django"])
    assert wsgi.application({"PATH_INFO": path, "REQUEST_METHOD": "GET"}, None) == [b"django"]
    assert _client(enrolled["learner"]).get(path).status_code == 200
    assert _client(enrolled["sz_learner"]).get(path).status_code == 404


def test_presence_through_the_lean_route_with_the_pass(live_session, enrolled):
    path = reverse("qa:live_presence", args=[live_session.pk])
    good = live.pass_issue(session_id=live_session.pk, user_id=enrolled["learner"].pk)
    status, body = _wsgi_post(path, room_pass=good)
    assert status == 200 and json.loads(body)["ok"]
    assert _wsgi(path, room_pass=good)[0] == 405  # a GET
    stranger = live.pass_issue(session_id=live_session.pk, user_id=enrolled["sz_learner"].pk)
    assert _wsgi_post(path, room_pass=stranger)[0] == 400  # a pass, but not of the subject: nothing counted
    assert _wsgi_post(path, room_pass="forged")[0] == 403
    assert Client().post(path, HTTP_X_QA_PASS=good).status_code == 200  # Django's route answers alike
    assert Client().post(path).status_code == 404


def _wsgi_post(path, *, room_pass):
    from teachnet.wsgi import application

    environ = {
        "REQUEST_METHOD": "POST", "PATH_INFO": path, "QUERY_STRING": "", "HTTP_HOST": "127.0.0.1",
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80", "wsgi.input": BytesIO(), "wsgi.url_scheme": "http",
        "HTTP_X_QA_PASS": room_pass,
    }  # fmt: skip
    seen = {}
    body = b"".join(application(environ, lambda status, headers: seen.setdefault("status", int(status[:3]))))
    return seen["status"], body
