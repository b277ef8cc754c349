"""TRN-4 pages: the course workspace, uploads through the page, the reviewer's queue and decision, files
served with ranges to those who may see them and to nobody else."""

import datetime as dt

import pytest
from django.urls import reverse

from teachnet.courses import services
from teachnet.courses.models import Course, Resource
from teachnet.training.models import Enrollment, Phase

from .factories import course_of, fill_to_minimum, provider_subject_ready, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def ps(project, orgs):
    return provider_subject_ready(project, orgs["bnu"])


@pytest.fixture
def course(ps):
    return course_of(ps)


def _client(client, user):
    client.force_login(user)
    return client


def test_a_provider_starts_its_course_from_the_subject(client, ps, provider_admin):
    c = _client(client, provider_admin)
    url = reverse("courses:for_provider_subject", args=[ps.pk])
    assert "开始建设课程" in c.get(url).content.decode()
    response = c.post(url)
    course = Course.objects.get(provider_subject=ps)
    assert response.url == reverse("courses:course", args=[course.pk])
    page = c.get(response.url).content.decode()
    assert "模块一" in page and "添加资源" in page


def test_uploading_through_the_page(client, course, provider_admin):
    c = _client(client, provider_admin)
    module = course.modules.get()
    url = reverse("courses:resource_add", args=[course.pk])
    response = c.post(
        url, {"module": module.pk, "kind": "video", "upload": upload("lecture.mp4", "案例.mp4")}
    )
    assert response.status_code == 302
    video = course.resources.get()
    assert (video.title, video.credit_minutes) == ("案例", 1)

    # A PDF posing as a video: the page says so on the upload field and keeps what was typed.
    response = c.post(
        url,
        {
            "module": module.pk,
            "kind": "video",
            "title": "第二讲",
            "upload": upload("pdf-renamed.mp4", "第二讲.mp4"),
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "PDF" in page and 'value="第二讲"' in page
    assert course.resources.count() == 1

    # A module of another course is not a place to add to.
    other = course_of(
        provider_subject_ready(course.provider_subject.project, course.provider_subject.provider, "小学语文")
    )
    response = c.post(
        url,
        {"module": other.modules.get().pk, "kind": "article", "title": "x", "body": "y", "credit_minutes": 5},
    )
    assert response.status_code == 400
    assert not other.resources.exists()


def test_video_is_served_with_ranges_to_its_builders_only(
    client, course, provider_admin, sz_city_lead, learner
):
    video = services.resource_add(
        actor=provider_admin, module=course.modules.get(), kind="video", upload=upload("lecture.mp4")
    )
    url = reverse("courses:resource_file", args=[video.pk])
    c = _client(client, provider_admin)
    whole = c.get(url)
    assert whole.status_code == 200 and whole["Accept-Ranges"] == "bytes"
    size = int(whole["Content-Length"])
    part = c.get(url, HTTP_RANGE="bytes=100-199")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 100-199/{size}"
    assert b"".join(part.streaming_content) == b"".join(c.get(url).streaming_content)[100:200]
    for outsider in (sz_city_lead, learner):
        assert _client(client, outsider).get(url).status_code == 404


def test_the_review_round_through_the_pages(client, course, provider_admin, project_office):
    fill_to_minimum(course)
    c = _client(client, provider_admin)
    assert c.post(reverse("courses:submit", args=[course.pk])).status_code == 302
    course.refresh_from_db()
    assert course.status == Course.Status.IN_REVIEW

    r = _client(client, project_office)
    queue = r.get(reverse("courses:review_queue")).content.decode()
    assert course.provider_subject.subject.label in queue
    first = course.resources.order_by("pk").first()
    r.post(reverse("courses:comment_add", args=[course.pk]), {"resource": first.pk, "body": "请补充字幕"})
    response = r.post(reverse("courses:decide", args=[course.pk, "return"]), {"note": ""})
    assert response.status_code == 302
    course.refresh_from_db()
    assert course.status == Course.Status.RETURNED

    c = _client(client, provider_admin)
    page = c.get(reverse("courses:course", args=[course.pk])).content.decode()
    assert "请补充字幕" in page and "退回修改" in page
    comment = first.comments.get()
    c.post(reverse("courses:comment_add", args=[course.pk]), {"reply_to": comment.pk, "body": "已补充"})
    assert comment.replies.get().body == "已补充"
    c.post(reverse("courses:submit", args=[course.pk]))

    r = _client(client, project_office)
    r.post(reverse("courses:decide", args=[course.pk, "approve"]), {"note": "同意"})
    course.refresh_from_db()
    assert course.status == Course.Status.APPROVED and course.approved_version.number == 2
    versions = r.get(reverse("courses:course", args=[course.pk])).content.decode()
    assert "第 2 版" in versions and "第 1 版" in versions


def test_the_provider_cannot_decide_and_outsiders_see_nothing(client, course, provider_admin, sz_city_lead):
    fill_to_minimum(course)
    services.course_submit(actor=provider_admin, course=course)
    c = _client(client, provider_admin)
    assert c.post(reverse("courses:decide", args=[course.pk, "approve"])).status_code == 404
    assert c.get(reverse("courses:review_queue")).status_code == 404
    o = _client(client, sz_city_lead)
    for name in ("courses:course", "courses:study"):
        assert o.get(reverse(name, args=[course.pk])).status_code == 404


def test_a_learner_studies_the_approved_version_only(client, course, provider_admin, project_office, learner):
    subject = course.provider_subject.subject
    Enrollment.objects.create(
        project=subject.project, subject=subject, user=learner, role="learner", region_id="440100"
    )
    Phase.objects.create(
        project=subject.project,
        kind=Phase.Kind.REMOTE_TRAINING,
        starts_on=dt.date.today(),
        ends_on=dt.date.today() + dt.timedelta(days=30),
    )
    video = services.resource_add(
        actor=provider_admin, module=course.modules.get(), kind="video", upload=upload("lecture.mp4")
    )
    fill_to_minimum(course)
    c = _client(client, learner)
    assert "尚未通过" in c.get(reverse("courses:learn"), follow=True).content.decode()
    assert c.get(reverse("courses:study", args=[course.pk])).status_code == 404
    services.course_submit(actor=provider_admin, course=course)
    v1_file = reverse("courses:version_file", args=[course.pk, 1, video.pk])
    assert c.get(v1_file).status_code == 404  # submitted, not approved
    services.course_approve(actor=project_office, course=course)
    assert c.get(reverse("courses:study", args=[course.pk])).status_code == 200
    assert c.get(v1_file, HTTP_RANGE="bytes=0-9").status_code == 206
    # The draft's own file URL stays closed to learners.
    assert c.get(reverse("courses:resource_file", args=[video.pk])).status_code == 404
    # A new version under review is not what learners get.
    services.resource_update(actor=provider_admin, resource=video, title="新标题", credit_minutes=1)
    services.course_submit(actor=provider_admin, course=course)
    assert c.get(reverse("courses:version_file", args=[course.pk, 2, video.pk])).status_code == 404
    assert c.get(v1_file).status_code == 200


def test_resource_page_edits_and_replaces_the_file(client, course, provider_admin):
    doc = services.resource_add(
        actor=provider_admin,
        module=course.modules.get(),
        kind="document",
        credit_minutes=20,
        upload=upload("handout.pdf"),
    )
    c = _client(client, provider_admin)
    url = reverse("courses:resource", args=[doc.pk])
    assert "pdf-viewer" in c.get(url).content.decode()
    response = c.post(
        url,
        {
            "module": course.modules.get().pk,
            "title": "教案",
            "credit_minutes": 25,
            "upload": upload("lesson-plan.docx"),
        },
    )
    assert response.status_code == 302
    doc.refresh_from_db()
    assert (doc.title, doc.credit_minutes) == ("教案", 25) and doc.file.endswith(".docx")
    assert doc.kind == Resource.Kind.DOCUMENT
