"""The learner's workspace and player, the protocol over HTTP, and the records (LRN-3), journal (LRN-5), plans
and catalog (LRN-4): each grant with its denial."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from teachnet.learning.models import CreditInterval, JournalEntry
from teachnet.training.models import TrainingClass
from teachnet.training.services_classes import classes_build
from teachnet.training.tests.factories_classes import enroll

from .factories import article, enroll_learner, first_video, open_course

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def course(project, orgs, provider_admin, project_office, learner):
    course = open_course(project, orgs, provider_admin, project_office)
    enroll_learner(course, learner, region="440100")
    return course


def test_the_workspace_shows_required_earned_and_the_course(course, learner):
    page = client_for(learner).get(reverse("learning:workspace")).content.decode()
    assert "应修 50 学时" in page and "还差 50" in page
    assert "第一讲" in page and reverse("learning:player", args=[course.pk, first_video(course).pk]) in page


def test_the_player_and_its_file_only_for_those_who_may_study(course, learner, sz_learner, provider_admin):
    video = first_video(course)
    url = reverse("learning:player", args=[course.pk, video.pk])
    assert client_for(learner).get(url).status_code == 200
    assert client_for(sz_learner).get(url).status_code == 404
    assert client_for(provider_admin).get(url).status_code == 404
    assert client_for(learner).get(reverse("learning:player", args=[course.pk, 999999])).status_code == 404


def test_the_protocol_over_http(course, learner):
    api = APIClient()
    api.force_authenticate(learner)
    started = api.post(
        "/api/v1/study/sessions/", {"course": course.pk, "resource": article(course).pk}, format="json"
    )
    assert started.status_code == 201, started.content
    token = started.json()["token"]
    anonymous = APIClient()  # heartbeats carry the token, not a login
    beat = anonymous.post("/api/v1/study/heartbeat/", {"token": token, "seq": 1}, format="json").json()
    assert beat["accepted"] and beat["credited"] == 0  # a heartbeat right after the start earns ~0 s
    replay = anonymous.post("/api/v1/study/heartbeat/", {"token": token, "seq": 5}, format="json").json()
    assert replay == {**replay, "accepted": False, "reason": "out_of_order"}
    forged = anonymous.post("/api/v1/study/heartbeat/", {"token": "x" * 30, "seq": 2}, format="json").json()
    assert forged["accepted"] is False
    bad = anonymous.post("/api/v1/study/heartbeat/", {"token": token, "seq": "one"}, format="json")
    assert bad.status_code == 400 and "seq" in bad.json()
    assert anonymous.post("/api/v1/study/close/", {"token": token}, format="json").status_code == 204
    ended = anonymous.post("/api/v1/study/heartbeat/", {"token": token, "seq": 2}, format="json").json()
    assert ended["ended"] == "closed"
    # Starting needs a login; someone else's course is refused.
    assert APIClient().post(
        "/api/v1/study/sessions/", {"course": course.pk, "resource": 1}, format="json"
    ).status_code in (
        401,
        403,
    )


@pytest.fixture
def with_class(course, project, learner, gd_province_lead, regions):
    """The learner in a Guangzhou class with a tutor (the approved trainer)."""
    subject = course.provider_subject.subject
    trainers = enroll(project, subject, "440100", 1, role="trainer")
    classes_build(
        actor=gd_province_lead, project=project, subject=subject, province=regions["440000"], size=100
    )
    k = TrainingClass.objects.get(subject=subject, tutor__isnull=False)
    return k, trainers[0].user


def test_records_for_the_learner_their_tutor_and_admins_above_only(
    course, learner, with_class, gz_city_lead, sz_city_lead, gd_province_lead, sz_learner, provider_admin
):
    k, tutor = with_class
    CreditInterval.objects.create(
        learner=learner,
        project=course.provider_subject.project,
        resource=article(course),
        session_id=_session(course, learner).pk,
        day="2026-11-23",
        started_at="2026-11-23T01:00:00Z",
        ended_at="2026-11-23T01:10:00Z",
        seconds=600,
        reason="credited",
    )
    url = reverse("learning:record", args=[learner.pk])
    for allowed in (learner, tutor, gz_city_lead, gd_province_lead):
        page = client_for(allowed).get(url)
        assert page.status_code == 200, allowed.username
        assert "上网学时 10 分 0 秒" in page.content.decode()
    for denied in (sz_city_lead, sz_learner, provider_admin):
        assert client_for(denied).get(url).status_code == 404, denied.username
    api = APIClient()
    api.force_authenticate(tutor)
    body = api.get(f"/api/v1/study/records/{learner.pk}/").json()
    assert body[0]["credited_seconds"] == 600 and body[0]["intervals"][0]["seconds"] == 600
    api.force_authenticate(sz_city_lead)
    assert api.get(f"/api/v1/study/records/{learner.pk}/").status_code == 404
    # The tutor's class page lists the learner with their hours.
    class_page = client_for(tutor).get(reverse("learning:class", args=[k.pk])).content.decode()
    assert learner.real_name in class_page


def _session(course, learner):
    from teachnet.learning.services import session_start

    return session_start(learner=learner, course=course, resource_id=article(course).pk).session


def test_journal_written_by_the_learner_read_by_the_tutor(course, learner, with_class, sz_learner):
    _k, tutor = with_class
    c = client_for(learner)
    response = c.post(
        reverse("learning:journal"),
        {
            "project": course.provider_subject.project.pk,
            "title": "第一讲的收获",
            "body": "课程标准的四个维度……" * 3,
        },
    )
    assert response.status_code == 302
    short = c.post(
        reverse("learning:journal"),
        {"project": course.provider_subject.project.pk, "title": "x", "body": "短"},
    )
    assert short.status_code == 200 and "至少 10 个字" in short.content.decode()
    assert JournalEntry.objects.count() == 1
    assert (
        "第一讲的收获"
        in client_for(tutor).get(reverse("learning:record", args=[learner.pk])).content.decode()
    )
    assert client_for(sz_learner).get(reverse("learning:journal")).status_code == 404  # not in any project


def test_a_tutor_plans_and_the_learner_sees_what_is_due(course, learner, with_class, gz_city_lead):
    k, tutor = with_class
    t = client_for(tutor)
    t.post(reverse("learning:plan_create", args=[k.pk]), {"title": "第一周"})
    plan = k.plans.get()
    response = t.post(
        reverse("learning:plan_item_add", args=[k.pk, plan.pk]),
        {"resource": first_video(course).pk, "due_on": "2026-12-01"},
    )
    assert response.status_code == 302 and plan.items.count() == 1
    page = client_for(learner).get(reverse("learning:workspace")).content.decode()
    assert "2026-12-01" in page and "计划中待完成" in page
    # A city lead sees the class but plans nothing.
    assert (
        client_for(gz_city_lead)
        .post(reverse("learning:plan_create", args=[k.pk]), {"title": "x"})
        .status_code
        == 404
    )


def test_self_directed_learning_from_the_catalog(
    course, learner, project, orgs, provider_admin, project_office, sz_learner
):
    other = open_course(project, orgs, provider_admin, project_office, label="初中语文")
    c = client_for(learner)
    assert other.title in c.get(reverse("learning:catalog")).content.decode()
    target = article(other)
    assert c.get(reverse("learning:player", args=[other.pk, target.pk])).status_code == 404  # not picked yet
    assert c.post(reverse("learning:pick", args=[other.pk, target.pk])).status_code == 302
    assert c.get(reverse("learning:player", args=[other.pk, target.pk])).status_code == 200
    # Someone outside the project cannot pick.
    assert (
        client_for(sz_learner).post(reverse("learning:pick", args=[other.pk, target.pk])).status_code == 302
    )
    assert (
        client_for(sz_learner).get(reverse("learning:player", args=[other.pk, target.pk])).status_code == 404
    )
