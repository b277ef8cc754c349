"""/api/v1/courses/ (TRN-4): building through the API with real files, the review round, and each denial
beside its grant."""

import pytest
from rest_framework.test import APIClient

from teachnet.courses.models import Course

from .factories import course_of, fill_to_minimum, provider_subject_ready, upload

pytestmark = pytest.mark.django_db

COURSES = "/api/v1/courses/"


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def ps(project, orgs):
    return provider_subject_ready(project, orgs["bnu"])


def test_build_a_course_through_the_api(ps, provider_admin):
    api = client_for(provider_admin)
    created = api.post(COURSES, {"provider_subject": ps.pk}, format="json")
    assert created.status_code == 201
    course = created.json()
    assert api.post(COURSES, {"provider_subject": ps.pk}, format="json").status_code == 200
    module_id = course["modules"][0]["id"]
    assert any("50" in p for p in course["problems"])

    video = api.post(
        f"{COURSES}{course['id']}/resources/",
        {"module": module_id, "kind": "video", "upload": upload("clip.webm", "片段.webm")},
        format="multipart",
    )
    assert video.status_code == 201, video.content
    body = video.json()
    assert (body["title"], body["mime"], body["credit_minutes"]) == ("片段", "video/webm", 1)
    assert body["file_url"] == f"/api/v1/course-resources/{body['id']}/file/"
    assert api.get(body["file_url"], HTTP_RANGE="bytes=0-3").status_code == 206

    corrupt = api.post(
        f"{COURSES}{course['id']}/resources/",
        {"module": module_id, "kind": "video", "upload": upload("corrupt.mp4")},
        format="multipart",
    )
    assert corrupt.status_code == 422 and "upload" in corrupt.json()

    article = api.post(
        f"{COURSES}{course['id']}/resources/",
        {"module": module_id, "kind": "article", "title": "导读", "credit_minutes": 20, "body": "<p>hi</p>"},
        format="json",
    )
    assert article.status_code == 201
    changed = api.patch(
        f"/api/v1/course-resources/{article.json()['id']}/", {"credit_minutes": 25}, format="json"
    )
    assert changed.status_code == 200 and changed.json()["credit_minutes"] == 25

    detail = api.get(f"{COURSES}{course['id']}/").json()
    assert detail["total_minutes"] == 26 and detail["video_minutes"] == 1
    refused = api.post(f"{COURSES}{course['id']}/submit/")
    assert refused.status_code == 422
    assert len(refused.json()["non_field_errors"]) == 2


def test_review_round_through_the_api(ps, provider_admin, project_office, gd_province_lead):
    course = course_of(ps)
    fill_to_minimum(course)
    builder, reviewer = client_for(provider_admin), client_for(project_office)
    assert builder.post(f"{COURSES}{course.pk}/submit/").json()["number"] == 1
    assert [c["id"] for c in reviewer.get(f"{COURSES}review-queue/").json()["results"]] == [course.pk]

    resource = course.resources.first()
    comment = reviewer.post(
        f"{COURSES}{course.pk}/comments/", {"resource": resource.pk, "body": "音量太小"}, format="json"
    )
    assert comment.status_code == 201
    assert builder.post(f"{COURSES}{course.pk}/approve/").status_code == 403
    assert client_for(gd_province_lead).post(f"{COURSES}{course.pk}/approve/").status_code == 403
    assert reviewer.post(f"{COURSES}{course.pk}/return/", {}, format="json").status_code == 200
    reply = builder.post(
        f"{COURSES}{course.pk}/comments/", {"reply_to": comment.json()["id"], "body": "已调整"}, format="json"
    )
    assert reply.status_code == 201 and reply.json()["resource"] == resource.pk

    builder.patch(f"/api/v1/course-resources/{resource.pk}/", {"title": "音量已调整"}, format="json")
    builder.post(f"{COURSES}{course.pk}/submit/")
    approved = reviewer.post(f"{COURSES}{course.pk}/approve/", {"note": "通过"}, format="json")
    assert approved.json()["decision"] == "approved"
    versions = builder.get(f"{COURSES}{course.pk}/versions/").json()
    assert [v["number"] for v in versions] == [2, 1]
    assert versions[0]["changes"] == [{"kind": "changed", "title": "音量已调整", "details": ["标题"]}]
    snapshot = builder.get(f"{COURSES}{course.pk}/versions/1/").json()["snapshot"]
    assert snapshot["modules"][0]["resources"][0]["title"] == resource.title
    assert Course.objects.get(pk=course.pk).status == Course.Status.APPROVED


def test_outsiders_get_404(ps, sz_city_lead, learner, provider_admin):
    course = course_of(ps)
    resource = fill_to_minimum(course) or course.resources.first()
    for outsider in (sz_city_lead, learner):
        api = client_for(outsider)
        assert api.get(f"{COURSES}{course.pk}/").status_code == 404
        assert api.get(COURSES).json()["results"] == []
        assert (
            api.patch(f"/api/v1/course-resources/{resource.pk}/", {"title": "x"}, format="json").status_code
            == 404
        )
        assert api.post(COURSES, {"provider_subject": ps.pk}, format="json").status_code == 404
