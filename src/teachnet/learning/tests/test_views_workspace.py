"""The learner's workspace is the page every learner opens (bench/pages.py): its queries are a fixed number,
whatever the number of resources, plan items, picks and credited resources."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from teachnet.courses import services as course_services
from teachnet.learning import services_plans
from teachnet.learning.models import CreditInterval, StudyPolicy
from teachnet.learning.services import session_start
from teachnet.training.models import TrainingClass
from teachnet.training.services_classes import classes_build
from teachnet.training.tests.factories_classes import enroll

from .factories import article, enroll_learner, open_course

pytestmark = pytest.mark.django_db

# Session and user (the middleware), enrollments, phases, courses, the approved version's snapshot (read once
# per process and version), policies, plan items, picks; the menu's grants, tutor and learner checks; the
# learner's credited totals (learning.progress, also when the rest of the page is kept: core.pagecache); the
# menu's discussions check (one query, kept with the menu).
WORKSPACE_QUERIES = 14
# Kept in the cache: session, user and the credited totals.
KEPT_QUERIES = 3


def _grow(course, provider_admin, project_office, *, modules: int, per_module: int) -> None:
    """More modules of articles in a new approved version of the course."""
    for m in range(modules):
        module = course_services.module_add(actor=provider_admin, course=course, title=f"新增模块{m}")
        for n in range(per_module):
            course_services.resource_add(
                actor=provider_admin,
                module=module,
                kind="article",
                title=f"新增阅读{m}-{n}",
                body="<p>正文</p>",
                credit_minutes=30,
            )
    course_services.course_submit(actor=provider_admin, course=course)
    course_services.course_approve(actor=project_office, course=course)


def test_the_workspace_reads_a_fixed_number_of_queries(
    client,
    learner,
    project,
    orgs,
    provider_admin,
    project_office,
    gd_province_lead,
    regions,
    django_assert_max_num_queries,
):
    # Given a learner of an open course, nothing studied, in no class, nothing picked.
    course = open_course(project, orgs, provider_admin, project_office)
    enroll_learner(course, learner)
    client.force_login(learner)
    url = reverse("learning:workspace")
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    assert len(small) <= WORKSPACE_QUERIES, [q["sql"] for q in small]
    assert not StudyPolicy.objects.exists()  # a page view writes nothing

    # When the course grows by 60 resources in a new version, the learner is placed in a class whose tutor
    # plans a dozen of them, picks resources of another subject's course and has studied twenty.
    _grow(course, provider_admin, project_office, modules=3, per_module=20)
    subject = course.provider_subject.subject
    enroll(project, subject, "440100", 1, role="trainer")
    classes_build(
        actor=gd_province_lead, project=project, subject=subject, province=regions["440000"], size=100
    )
    klass = TrainingClass.objects.get(subject=subject, tutor__isnull=False)
    plan = services_plans.plan_create(actor=klass.tutor, training_class=klass, title="第一周")
    course.refresh_from_db()
    entries = [r for m in course.approved_version.snapshot["modules"] for r in m["resources"]]
    for n, entry in enumerate(entries[-12:]):
        services_plans.plan_item_add(
            actor=klass.tutor, plan=plan, resource=entry["id"], due_on=dt.date(2026, 12, 1 + n)
        )
    other = open_course(project, orgs, provider_admin, project_office, label="初中语文")
    for resource in other.resources.all()[:3]:
        services_plans.self_pick(learner=learner, course=other, resource_id=resource.pk)
    session = session_start(learner=learner, course=course, resource_id=article(course).pk).session
    for entry in entries[:20]:
        CreditInterval.objects.create(
            learner=learner,
            project=project,
            resource_id=entry["id"],
            session=session,
            day=dt.date(2026, 11, 23),
            started_at=dt.datetime(2026, 11, 23, 1, tzinfo=dt.UTC),
            ended_at=dt.datetime(2026, 11, 23, 1, 10, tzinfo=dt.UTC),
            seconds=600,
            reason="credited",
        )

    # Then the page costs no more queries than before, and shows all of it.
    with django_assert_max_num_queries(len(small)):
        response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert (
        "新增阅读2-19" in page
        and "2026-12-12" in page
        and page.count('data-testid="study-link"') == len(entries)
    )
    assert other.resources.first().title in page  # a pick


# --- The page kept in the cache (core.pagecache) ----------------------------------------------------------


@pytest.fixture
def studying(client, learner, project, orgs, provider_admin, project_office):
    """The learner of an open course, logged in: (the course, the workspace's URL)."""
    course = open_course(project, orgs, provider_admin, project_office)
    enroll_learner(course, learner)
    client.force_login(learner)
    return course, reverse("learning:workspace")


def _credit(learner, course, resource_id, seconds, day=dt.date(2026, 11, 23)):
    session = session_start(learner=learner, course=course, resource_id=resource_id).session
    CreditInterval.objects.create(
        learner=learner,
        project=course.provider_subject.project,
        resource_id=resource_id,
        session=session,
        day=day,
        started_at=dt.datetime(2026, 11, 23, 1, tzinfo=dt.UTC),
        ended_at=dt.datetime(2026, 11, 23, 1, 10, tzinfo=dt.UTC),
        seconds=seconds,
        reason="credited",
    )


def test_an_unchanged_workspace_is_served_from_the_cache_with_the_persons_own_csrf_token(
    client, studying, django_assert_max_num_queries
):
    course, url = studying
    first = client.get(url)
    assert first["X-Page-Cache"] == "miss"
    with django_assert_max_num_queries(KEPT_QUERIES):
        second = client.get(url)
    assert second.status_code == 200 and second["X-Page-Cache"] == "hit"
    page = second.content.decode()
    assert course.title in page and "placeholder" not in page
    assert "csrfmiddlewaretoken" in page
    # The token in the kept page works: the logout form it carries is accepted (CSRF checks on).
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    client.handler.enforce_csrf_checks = True
    assert client.post(reverse("accounts:logout"), {"csrfmiddlewaretoken": token}).status_code == 302
    assert client.get(url).status_code == 302  # logged out: to the login page, never the kept page


def test_the_kept_workspace_follows_credited_time_plans_and_roles(
    client, studying, learner, project, gd_province_lead, regions
):
    course, url = studying
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"

    # Credited time (the database's totals, no model signal) shows at once, on the page kept before.
    _credit(learner, course, article(course).pk, 600)
    response = client.get(url)
    # The kept page, with the learner's progress written in: 10 of 20 minutes.
    assert response["X-Page-Cache"] == "hit" and "10 分 0 秒 / 20 分钟" in response.content.decode()

    # A plan item the tutor adds (another person's write) shows at once.
    subject = course.provider_subject.subject
    enroll(project, subject, "440100", 1, role="trainer")
    classes_build(
        actor=gd_province_lead, project=project, subject=subject, province=regions["440000"], size=100
    )
    assert client.get(url)["X-Page-Cache"] == "miss"
    klass = TrainingClass.objects.get(subject=subject, tutor__isnull=False)
    plan = services_plans.plan_create(actor=klass.tutor, training_class=klass, title="第一周")
    client.get(url)
    services_plans.plan_item_add(
        actor=klass.tutor, plan=plan, resource=article(course).pk, due_on=dt.date(2031, 5, 4)
    )
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss" and "2031-05-04" in response.content.decode()

    # The learner withdrawn: the course is no longer on the page.
    learner_enrollment = learner.enrollments.get()
    learner_enrollment.withdrawn_at = dt.datetime(2026, 11, 23, tzinfo=dt.UTC)
    learner_enrollment.save()
    assert course.title not in client.get(url).content.decode()


def test_each_person_gets_only_their_own_kept_page(client, studying, sz_learner):
    course, url = studying
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    client.force_login(sz_learner)
    page = client.get(url).content.decode()
    assert course.title not in page and (sz_learner.real_name or sz_learner.username) in page


def test_a_waiting_message_is_shown_on_a_fresh_page_not_a_kept_one(
    client, studying, project, orgs, provider_admin, project_office
):
    _course, url = studying
    other = open_course(project, orgs, provider_admin, project_office, label="初中语文")
    client.get(url)
    client.get(url)
    resource = other.resources.first()
    client.post(reverse("learning:pick", args=[other.pk, resource.pk]))  # "已加入自选学习。" waits
    response = client.get(url)
    assert "X-Page-Cache" not in response and "已加入自选学习" in response.content.decode()
    assert resource.title in response.content.decode()
    assert "已加入自选学习" not in client.get(url).content.decode()  # shown once


def test_text_written_into_the_page_cannot_pass_for_a_progress_slot(
    client, studying, learner, provider_admin
):
    """A provider's course title with the page's slot separator in it (from the API, bypassing forms): the
    learner's page still answers, and the title does not print someone's figures."""
    from teachnet.courses.models import Course

    course, url = studying
    forged = "课程\x1ee:1:45\x1e\x1ez:\x1e"
    Course.objects.filter(pk=course.pk).update(title=forged)  # as if stored before titles were cleaned
    for _ in range(2):  # built, then kept
        response = client.get(url)
        assert response.status_code == 200
        assert "\x1ee:1:45\x1e" in response.content.decode()  # left as it was written
    # And through the service, the separator never gets stored.
    course_services.course_update(actor=provider_admin, course=Course.objects.get(pk=course.pk), title=forged)
    assert "\x1e" not in Course.objects.get(pk=course.pk).title
