"""The project office sets the study rules and the presence-question bank (LRN-1, LRN-2); nobody else may."""

import pytest
from django.urls import reverse

from teachnet.core.models import AuditEvent
from teachnet.learning import services
from teachnet.learning.models import Question, StudyPolicy

from .factories import article, enroll_learner, open_course

pytestmark = pytest.mark.django_db

GOOD = {
    "required_units": 60,
    "minutes_per_unit": 40,
    "daily_cap_minutes": 300,
    "heartbeat_seconds": 20,
    "grace_seconds": 4,
    "idle_end_seconds": 90,
    "activity_seconds": 120,
    "check_min_minutes": 5,
    "check_max_minutes": 15,
    "check_answer_seconds": 90,
    "max_playback_rate": "1.25",
    "second_device": "refuse",
}


def test_the_office_sets_the_rules_and_new_sessions_run_by_them(
    client, project_office, project, orgs, provider_admin, learner
):
    client.force_login(project_office)
    url = reverse("learning:rules", args=[project.pk])
    page = client.get(url).content.decode()
    assert "默认值" in page and not StudyPolicy.objects.exists()  # looking writes nothing
    response = client.post(url, GOOD, follow=True)
    assert "已保存学时规则" in response.content.decode()
    policy = StudyPolicy.objects.get(project=project)
    assert (policy.heartbeat_seconds, policy.required_units, policy.second_device) == (20, 60, "refuse")
    assert AuditEvent.objects.filter(verb="learning.policy_saved", actor=project_office).exists()

    course = open_course(project, orgs, provider_admin, project_office)
    enroll_learner(course, learner)
    started = services.session_start(learner=learner, course=course, resource_id=article(course).pk)
    assert (started.session.beat_seconds, started.session.idle_seconds) == (20, 90)


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"idle_end_seconds": 20}, "idle_end_seconds", "应大于心跳间隔加宽限（24 秒）"),
        ({"grace_seconds": 30}, "grace_seconds", "应小于心跳间隔"),
        ({"check_max_minutes": 3}, "check_max_minutes", "不能小于最短间隔（5 分钟）"),
        ({"heartbeat_seconds": 1}, "heartbeat_seconds", "应在 5 到 300 之间"),
        ({"max_playback_rate": "8"}, "max_playback_rate", "应在 1.0 到 4.0 之间"),
        ({"minutes_per_unit": 0}, "minutes_per_unit", "应在 1 到 240 之间"),
        ({"check_min_minutes": 0}, "check_max_minutes", "最长间隔也应为 0"),
    ],
)
def test_figures_that_do_not_fit_together_are_refused_by_name(
    client, project_office, project, change, field, words
):
    client.force_login(project_office)
    url = reverse("learning:rules", args=[project.pk])
    client.post(url, GOOD)
    response = client.post(url, {**GOOD, **change})
    assert response.status_code == 400
    assert words in response.context["form"].errors[field][0]
    assert StudyPolicy.objects.get(project=project).heartbeat_seconds == 20  # what was saved stays


def test_the_question_bank(client, project_office, project):
    client.force_login(project_office)
    add = reverse("learning:question_add", args=[project.pk])
    client.post(add, {"prompt": "“国培计划”的全称是？", "answer": "中小学教师国家级培训计划"})
    response = client.post(add, {"prompt": "空答案", "answer": "  "})
    assert response.status_code == 400
    assert "请填写答案" in response.context["question_form"].errors["answer"][0]
    question = Question.objects.get(project=project)
    assert question.answer == "中小学教师国家级培训计划"
    page = client.get(reverse("learning:rules", args=[project.pk])).content.decode()
    assert "“国培计划”的全称是？" in page
    client.post(reverse("learning:question_remove", args=[project.pk, question.pk]))
    assert not Question.objects.exists()


def test_nobody_but_the_office_sees_or_changes_the_rules(
    client, project, learner, provider_admin, gz_city_lead, gd_province_lead, tutor
):
    question = Question.objects.create(project=project, prompt="1+1", answer="2")
    for person in (learner, provider_admin, gz_city_lead, gd_province_lead, tutor):
        client.force_login(person)
        assert client.get(reverse("learning:rules", args=[project.pk])).status_code == 404
        assert client.post(reverse("learning:rules", args=[project.pk]), GOOD).status_code == 404
        remove = reverse("learning:question_remove", args=[project.pk, question.pk])
        assert client.post(remove).status_code == 404
        assert client.get(f"/api/v1/projects/{project.pk}/study-policy/").status_code == 404
        assert (
            client.patch(
                f"/api/v1/projects/{project.pk}/study-policy/", {"heartbeat_seconds": 5}, "application/json"
            ).status_code
            == 404
        )
    assert not StudyPolicy.objects.exists() and Question.objects.filter(pk=question.pk).exists()


def test_the_api(client, project_office, project):
    client.force_login(project_office)
    base = f"/api/v1/projects/{project.pk}"
    assert client.get(f"{base}/study-policy/").json()["heartbeat_seconds"] == 30  # the defaults
    response = client.patch(f"{base}/study-policy/", {"heartbeat_seconds": 15}, "application/json")
    assert response.status_code == 200 and response.json()["heartbeat_seconds"] == 15
    response = client.patch(f"{base}/study-policy/", {"idle_end_seconds": 10}, "application/json")
    assert response.status_code == 422 and "idle_end_seconds" in response.json()
    created = client.post(f"{base}/study-questions/", {"prompt": "3×4=?", "answer": "12"}, "application/json")
    assert created.status_code == 201
    assert [q["prompt"] for q in client.get(f"{base}/study-questions/").json()] == ["3×4=?"]
    assert client.delete(f"{base}/study-questions/{created.json()['id']}/").status_code == 204


def test_every_mistake_is_named_in_one_round_with_the_range(client, project_office, project):
    client.force_login(project_office)
    url = reverse("learning:rules", args=[project.pk])
    page = client.get(url).content.decode()
    assert "范围：5–300" in page and "范围：1.0–4.0" in page
    bad = {**GOOD, "required_units": -1, "max_playback_rate": "10", "heartbeat_seconds": 999}
    errors = client.post(url, bad).context["form"].errors
    assert "应在 1 到 1000 之间" in errors["required_units"][0]
    assert errors["max_playback_rate"] == ["应在 1.0 到 4.0 之间。"]
    assert "应在 5 到 300 之间" in errors["heartbeat_seconds"][0]
    assert "idle_end_seconds" not in errors  # not blamed for the heartbeat's mistake
    assert not StudyPolicy.objects.exists()


def test_nothing_changed_is_not_recorded_as_a_change(client, project_office, project):
    client.force_login(project_office)
    base = f"/api/v1/projects/{project.pk}/study-policy/"
    client.patch(base, {"heartbeat_seconds": 15}, "application/json")
    client.patch(base, {"heartbeat_seconds": 15}, "application/json")
    assert AuditEvent.objects.filter(verb="learning.policy_saved").count() == 1
