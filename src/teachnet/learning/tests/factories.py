"""Builders for the learning tests: an approved course the learner may study, in an open remote phase."""

import datetime as dt

from teachnet.courses import services as course_services
from teachnet.courses.models import Course
from teachnet.courses.tests.factories import (
    article_row,
    course_of,
    fill_to_minimum,
    provider_subject_ready,
    video_row,
)
from teachnet.training.models import Enrollment, Phase


def open_course(project, orgs, provider_admin, project_office, *, label="初中数学") -> Course:
    """An approved course (a 60-minute video first, the rest up to 50 h) whose remote training is on."""
    ps = provider_subject_ready(project, orgs["bnu"], label)
    course = course_of(ps)
    video_row(course, 60, title="第一讲")
    article_row(course, 20, title="导读")
    fill_to_minimum(course)
    course_services.course_submit(actor=provider_admin, course=course)
    course_services.course_approve(actor=project_office, course=course)
    today = dt.date.today()
    Phase.objects.update_or_create(
        project=project,
        kind=Phase.Kind.REMOTE_TRAINING,
        defaults={"starts_on": today - dt.timedelta(days=10), "ends_on": today + dt.timedelta(days=30)},
    )
    course.refresh_from_db()
    return course


def enroll_learner(course: Course, user, region="440100") -> Enrollment:
    subject = course.provider_subject.subject
    return Enrollment.objects.create(
        project=subject.project, subject=subject, user=user, role=Enrollment.Role.LEARNER, region_id=region
    )


def first_video(course: Course):
    return course.resources.get(title="第一讲")


def article(course: Course):
    return course.resources.get(title="导读")
