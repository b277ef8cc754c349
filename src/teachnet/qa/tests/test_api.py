"""The Q&A API: the same scope as the pages (another subject's learner and another provider find nothing),
the room by revision, bad input answered 400 with the field, malformed ids 404."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from teachnet.qa import services

pytestmark = pytest.mark.django_db


def _api(user) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c


def test_sessions_are_listed_to_whom_they_belong(
    live_session, enrolled, swu_admin, project_office, provider_admin
):
    for user in (enrolled["learner"], enrolled["tutor"], project_office, provider_admin):
        rows = _api(user).get("/api/v1/qa/sessions/").json()["results"]
        assert [r["id"] for r in rows] == [live_session.pk], user
    for user in (enrolled["sz_learner"], swu_admin):
        assert _api(user).get("/api/v1/qa/sessions/").json()["results"] == []
        assert _api(user).get(f"/api/v1/qa/sessions/{live_session.pk}/").status_code == 404
    row = _api(enrolled["learner"]).get(f"/api/v1/qa/sessions/{live_session.pk}/").json()
    assert row["state"] == "live" and row["verdict"] == "pending" and row["may"] == {
        "ask": True, "host": False, "manage": False,
    }  # fmt: skip
    assert _api(enrolled["learner"]).get("/api/v1/qa/sessions/abc/").status_code == 404
    assert APIClient().get("/api/v1/qa/sessions/").status_code in (401, 403)


def test_schedule_ask_vote_answer_and_read_since_a_revision(ps, team, chief_expert, enrolled):
    start = dt.datetime(2099, 3, 1, 6, 0, tzinfo=dt.UTC)
    created = _api(chief_expert).post(
        "/api/v1/qa/sessions/",
        {
            "provider_subject": ps.pk, "title": "API 安排的答疑", "starts_at": start.isoformat(),
            "ends_at": (start + dt.timedelta(hours=1)).isoformat(), "hosts": [team["chief"].pk],
        },
        format="json",
    )  # fmt: skip
    assert created.status_code == 201, created.json()
    assert created.json()["reasons"] == ["short"]
    session_id = created.json()["id"]
    bad = _api(chief_expert).patch(
        f"/api/v1/qa/sessions/{session_id}/",
        {
            "title": "x",
            "starts_at": start.isoformat(),
            "ends_at": start.isoformat(),
            "hosts": [team["chief"].pk],
        },
        format="json",
    )
    assert bad.status_code == 422 and "ends_at" in bad.json()
    assert _api(enrolled["learner"]).post(f"/api/v1/qa/sessions/{session_id}/cancel/").status_code == 404


def test_the_room_through_the_api(live_session, enrolled, chief_expert):
    learner = _api(enrolled["learner"])
    q = learner.post(f"/api/v1/qa/sessions/{live_session.pk}/questions/", {"body": "问题 𠀀"}, format="json")
    assert q.status_code == 201 and q.json()["body"] == "问题 𠀀"
    qid = q.json()["id"]
    assert (
        learner.post(
            f"/api/v1/qa/sessions/{live_session.pk}/questions/", {"body": ""}, format="json"
        ).status_code
        == 400
    )
    assert (
        _api(enrolled["tutor"])
        .post(f"/api/v1/qa/messages/{qid}/vote/", {"on": True}, format="json")
        .json()["votes"]
        == 1
    )
    assert (
        learner.post(f"/api/v1/qa/messages/{qid}/answers/", {"body": "我答"}, format="json").status_code
        == 404
    )
    a = _api(chief_expert).post(f"/api/v1/qa/messages/{qid}/answers/", {"body": "专家解答"}, format="json")
    assert a.status_code == 201
    since = learner.get(f"/api/v1/qa/sessions/{live_session.pk}/messages/?since=2").json()["results"]
    assert {m["id"] for m in since} == {qid, a.json()["id"]}  # the answer and the question's mark
    assert learner.post(f"/api/v1/qa/sessions/{live_session.pk}/presence/").json()["seconds"] >= 0
    assert learner.get(f"/api/v1/qa/sessions/{live_session.pk}/attendance/").status_code == 404
    assert _api(chief_expert).get(f"/api/v1/qa/sessions/{live_session.pk}/attendance/").json()["count"] == 1
    assert _api(enrolled["sz_learner"]).post(f"/api/v1/qa/messages/{qid}/vote/").status_code == 404
    assert learner.post(f"/api/v1/qa/messages/{qid}/move/").status_code == 404
    ended = _api(chief_expert).post(f"/api/v1/qa/sessions/{live_session.pk}/end/")
    assert ended.json()["state"] == "ended"


def test_standings_for_a_project(project, make_session, enrolled, swu_admin):
    make_session(start_in=-dt.timedelta(hours=3))
    rows = _api(enrolled["learner"]).get(f"/api/v1/qa/standings/?project={project.pk}").json()
    assert [(r["unit"], r["count"], r["met"]) for r in rows] == [("初中体育 · 北京师范大学", 1, False)]
    assert _api(swu_admin).get(f"/api/v1/qa/standings/?project={project.pk}").status_code == 404
    assert _api(enrolled["learner"]).get("/api/v1/qa/standings/?project=x").status_code == 400  # not an id
    services.sessions_archive_due()
