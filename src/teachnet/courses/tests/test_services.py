"""TRN-4 services: resources checked by content, the 50 h / 25 h rule, versions, the review and what a change
to an approved course does."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError

from teachnet.courses import selectors, services
from teachnet.courses.models import Course, Resource
from teachnet.training.models import Enrollment, Phase

from .factories import article_row, course_of, fill_to_minimum, provider_subject_ready, upload, video_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def ps(project, orgs):
    return provider_subject_ready(project, orgs["bnu"])


@pytest.fixture
def course(ps):
    return course_of(ps)


def _stored_files() -> list[Path]:
    root = Path(settings.PRIVATE_ROOT) / "media"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# --- Resources ----------------------------------------------------------------------------------------------


def test_a_video_is_probed_and_credits_at_most_its_length(course, provider_admin):
    module = course.modules.get()
    r = services.resource_add(
        actor=provider_admin, module=module, kind="video", upload=upload("lecture.mp4", "第一讲.mp4")
    )
    assert r.title == "第一讲"
    assert 2.5 < r.duration_seconds < 3.5
    assert r.credit_minutes == 1  # 3 s rounds up to one minute, never more
    assert r.mime == "video/mp4"
    assert (Path(settings.PRIVATE_ROOT) / r.file).is_file()
    with pytest.raises(ValidationError) as exc:
        services.resource_add(
            actor=provider_admin, module=module, kind="video", credit_minutes=2, upload=upload("clip.webm")
        )
    assert "credit_minutes" in exc.value.error_dict
    assert course.resources.count() == 1


@pytest.mark.parametrize(
    ("name", "as_name", "kind", "expect"),
    [
        ("pdf-renamed.mp4", "讲座.mp4", "video", "PDF"),
        ("corrupt.mp4", "讲座.mp4", "video", "ffprobe"),
        ("text-renamed.pdf", "讲义.pdf", "document", ""),
        ("lecture.mp4", "讲义.pdf", "document", ""),
    ],
)
def test_files_are_judged_by_content_and_refusals_store_nothing(
    course, provider_admin, name, as_name, kind, expect
):
    before = _stored_files()
    with pytest.raises(ValidationError) as exc:
        services.resource_add(
            actor=provider_admin, module=course.modules.get(), kind=kind, upload=upload(name, as_name)
        )
    message = " ".join(exc.value.message_dict["upload"])
    assert expect in message
    assert _stored_files() == before  # no temporary file, no stored file
    assert not course.resources.exists()


def test_documents_keep_their_file_and_name(course, provider_admin):
    r = services.resource_add(
        actor=provider_admin,
        module=course.modules.get(),
        kind="document",
        credit_minutes=30,
        upload=upload("handout.pdf", "学习手册.pdf"),
    )
    assert (r.mime, r.file_name, r.credit_minutes) == ("application/pdf", "学习手册.pdf", 30)
    docx = services.resource_add(
        actor=provider_admin,
        module=course.modules.get(),
        kind="document",
        credit_minutes=20,
        upload=upload("lesson-plan.docx"),
    )
    assert docx.file.endswith(".docx")
    with pytest.raises(ValidationError) as exc:
        services.resource_add(
            actor=provider_admin, module=course.modules.get(), kind="document", upload=upload("handout.pdf")
        )
    assert "credit_minutes" in exc.value.error_dict  # a document's length is the provider's to state


def test_articles_are_sanitized(course, provider_admin):
    r = services.resource_add(
        actor=provider_admin,
        module=course.modules.get(),
        kind="article",
        title="导读",
        credit_minutes=15,
        body='<p onclick="steal()">课程导读</p><script>alert(1)</script><img src="http://x/t.png">'
        '<a href="javascript:alert(1)">链接</a>',
    )
    assert "script" not in r.body and "onclick" not in r.body and "<img" not in r.body
    assert "javascript:" not in r.body
    assert "课程导读" in r.body
    plain = services.resource_add(
        actor=provider_admin,
        module=course.modules.get(),
        kind="article",
        title="纯文本",
        credit_minutes=5,
        body="第一段\n\n第二段：1<2 且 3>2",
    )
    assert plain.body.count("<p>") == 2 and "1&lt;2" in plain.body
    with pytest.raises(ValidationError) as exc:
        services.resource_add(
            actor=provider_admin,
            module=course.modules.get(),
            kind="article",
            title="空",
            credit_minutes=5,
            body="<script>x</script>",
        )
    assert "body" in exc.value.error_dict


def test_live_sessions_need_a_web_link_and_a_time(course, provider_admin):
    module = course.modules.get()
    with pytest.raises(ValidationError) as exc:
        services.resource_add(
            actor=provider_admin,
            module=module,
            kind="live",
            title="直播答疑",
            credit_minutes=90,
            url="javascript:alert(1)",
        )
    assert set(exc.value.error_dict) == {"url", "starts_at"}
    r = services.resource_add(
        actor=provider_admin,
        module=module,
        kind="live",
        title="直播答疑",
        credit_minutes=90,
        url="https://live.example.cn/room/1",
        starts_at=dt.datetime(2026, 3, 30, 19, 0, tzinfo=dt.UTC),
    )
    assert r.credit_minutes == 90
    with pytest.raises(ValidationError):
        services.resource_add(
            actor=provider_admin,
            module=module,
            kind="live",
            title="太长",
            credit_minutes=services.RESOURCE_MAX_MINUTES + 1,
            url="https://live.example.cn/room/2",
            starts_at=dt.datetime(2026, 3, 30, 19, 0, tzinfo=dt.UTC),
        )


# --- Submission ---------------------------------------------------------------------------------------------


def test_submission_needs_50_hours_25_of_them_video(course, provider_admin):
    fill_to_minimum(course, video_hours=24, other_hours=26)  # 50 h, but only 24 h video
    with pytest.raises(ValidationError) as exc:
        services.course_submit(actor=provider_admin, course=course)
    assert any("视频" in m and "24" in m for m in exc.value.messages)
    assert course.versions.count() == 0
    video_row(course, 60)  # 51 h, 25 h video
    version = services.course_submit(actor=provider_admin, course=course)
    assert (version.number, version.total_minutes, version.video_minutes) == (1, 51 * 60, 25 * 60)
    course.refresh_from_db()
    assert course.status == Course.Status.IN_REVIEW


def test_submission_under_50_hours_is_refused(course, provider_admin):
    fill_to_minimum(course, video_hours=30, other_hours=19)  # 49 h
    with pytest.raises(ValidationError) as exc:
        services.course_submit(actor=provider_admin, course=course)
    assert any("50" in m and "49" in m for m in exc.value.messages)


def test_submission_waits_for_the_expert_team(course, provider_admin):
    fill_to_minimum(course)
    course.provider_subject.submitted_at = None
    course.provider_subject.save()
    with pytest.raises(ValidationError) as exc:
        services.course_submit(actor=provider_admin, course=course)
    assert any("专家团队" in m for m in exc.value.messages)


def test_a_course_in_review_cannot_change(course, provider_admin):
    fill_to_minimum(course)
    services.course_submit(actor=provider_admin, course=course)
    with pytest.raises(ValidationError):
        services.module_add(actor=provider_admin, course=course, title="新模块")
    with pytest.raises(ValidationError):
        services.resource_remove(actor=provider_admin, resource=course.resources.first())
    with pytest.raises(ValidationError):
        services.resource_add(
            actor=provider_admin,
            module=course.modules.get(),
            kind="article",
            title="迟到的文章",
            credit_minutes=5,
            body="x",
        )


# --- Review -------------------------------------------------------------------------------------------------


def test_review_round_return_answer_resubmit_approve(course, provider_admin, chief_expert, project_office):
    fill_to_minimum(course)
    first = course.resources.order_by("pk").first()
    services.course_submit(actor=provider_admin, course=course)

    # Reviewers comment per resource; the provider answers, but does not open threads of its own.
    comment = services.comment_add(
        actor=project_office, course=course, resource=first, body="第3分钟画面模糊，请重新录制。"
    )
    assert comment.by_reviewer and comment.version == 1
    with pytest.raises(ValidationError):
        services.comment_add(actor=provider_admin, course=course, body="我们也有意见")
    answer = services.comment_add(actor=chief_expert, course=course, reply_to=comment, body="已重新录制。")
    assert answer.resource == first and not answer.by_reviewer

    # The provider cannot decide; the reviewer returns the course.
    with pytest.raises(PermissionDenied):
        services.course_approve(actor=provider_admin, course=course)
    services.course_return(actor=project_office, course=course, note="")  # the comment is the reason
    course.refresh_from_db()
    assert course.status == Course.Status.RETURNED

    # Changes, then version 2 lists them.
    dropped = course.resources.filter(kind="article").order_by("pk").last()
    services.resource_update(actor=chief_expert, resource=first, title="重录的讲座", credit_minutes=50)
    video_row(course, 60, title="补录视频")
    article_row(course, 10, title="新增案例")
    services.resource_remove(actor=provider_admin, resource=dropped)
    v2 = services.course_submit(actor=provider_admin, course=course)
    changes = {
        c.title: c
        for c in selectors.version_changes(before=course.versions.get(number=1).snapshot, after=v2.snapshot)
    }
    assert changes["重录的讲座"].kind == "changed"
    assert {"标题", "计学时长"} <= set(changes["重录的讲座"].details)
    assert changes["新增案例"].kind == "added"
    assert changes[dropped.title].kind == "removed"

    services.course_approve(actor=project_office, course=course, note="通过")
    course.refresh_from_db()
    assert course.status == Course.Status.APPROVED and course.approved_version == v2
    assert [v.decision for v in course.versions.order_by("number")] == ["returned", "approved"]


def test_returning_needs_a_reason(course, provider_admin, project_office):
    fill_to_minimum(course)
    services.course_submit(actor=provider_admin, course=course)
    with pytest.raises(ValidationError):
        services.course_return(actor=project_office, course=course, note=" ")
    services.course_return(actor=project_office, course=course, note="请补充案例")
    with pytest.raises(ValidationError):  # not in review any more
        services.course_approve(actor=project_office, course=course)


def test_a_change_to_an_approved_course_goes_back_to_review(course, provider_admin, project_office):
    fill_to_minimum(course)
    services.course_submit(actor=provider_admin, course=course)
    v1 = services.course_approve(actor=project_office, course=course)
    with pytest.raises(ValidationError):  # nothing to submit
        services.course_submit(actor=provider_admin, course=course)
    services.resource_update(
        actor=provider_admin, resource=course.resources.first(), title="改过的标题", credit_minutes=60
    )
    course.refresh_from_db()
    assert course.status == Course.Status.DRAFT
    assert course.approved_version == v1  # learners keep the approved version meanwhile
    v2 = services.course_submit(actor=provider_admin, course=course)
    course.refresh_from_db()
    assert course.status == Course.Status.IN_REVIEW and course.approved_version == v1
    assert v2.snapshot["modules"][0]["resources"][0]["title"] == "改过的标题"
    assert v1.snapshot["modules"][0]["resources"][0]["title"] != "改过的标题"


# --- Scope --------------------------------------------------------------------------------------------------


def test_who_may_build_and_review(course, provider_admin, project_office, gd_province_lead, sz_city_lead):
    from teachnet.training.tests.factories import other_provider, other_provider_admin

    swu_admin = other_provider_admin(
        course.provider_subject.project, other_provider(course.provider_subject.project)
    )
    visible_to = {
        u.username: selectors.course_list_visible(actor=u).filter(pk=course.pk).exists()
        for u in (provider_admin, project_office, gd_province_lead, sz_city_lead, swu_admin)
    }
    assert visible_to == {
        "provider_admin": True,
        "project_office": True,
        "gd_province_lead": True,
        "sz_city_lead": False,
        "swu_admin": False,
    }
    for outsider in (project_office, gd_province_lead, swu_admin):
        with pytest.raises(PermissionDenied):
            services.module_add(actor=outsider, course=course, title="x")
    fill_to_minimum(course)
    services.course_submit(actor=provider_admin, course=course)
    for not_reviewer in (provider_admin, gd_province_lead, swu_admin):
        with pytest.raises(PermissionDenied):
            services.course_approve(actor=not_reviewer, course=course)
    assert list(selectors.review_queue(actor=project_office)) == [course]
    assert list(selectors.review_queue(actor=gd_province_lead)) == []


def test_training_opens_only_after_approval_and_the_phase(course, provider_admin, project_office, learner):
    subject = course.provider_subject.subject
    Enrollment.objects.create(
        project=subject.project, subject=subject, user=learner, role="learner", region_id="440100"
    )
    today = dt.date.today()
    Phase.objects.create(
        project=subject.project,
        kind=Phase.Kind.REMOTE_TRAINING,
        starts_on=today - dt.timedelta(days=1),
        ends_on=today + dt.timedelta(days=30),
    )
    assert not selectors.learner_may_study(user=learner, course=course)
    assert "审核" in selectors.subject_opening(subject=subject, course=course).reason
    fill_to_minimum(course)
    services.course_submit(actor=provider_admin, course=course)
    assert not selectors.learner_may_study(user=learner, course=course)
    services.course_approve(actor=project_office, course=course)
    course.refresh_from_db()
    assert selectors.learner_may_study(user=learner, course=course)
    Phase.objects.filter(kind=Phase.Kind.REMOTE_TRAINING).update(starts_on=today + dt.timedelta(days=2))
    opening = selectors.subject_opening(subject=subject, course=course)
    assert not opening.open and str(today + dt.timedelta(days=2)) in opening.reason


def test_constraints_hold_whatever_writes_the_row(course):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Resource.objects.create(
            course=course, module=course.modules.get(), kind="video", title="无文件", credit_minutes=5
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        article_row(course, 0)
