"""The demo's courses: built through the services from real generated videos and a PDF, 2011's submitted for
review (the figures a visitor sees in the review queue), 2010's approved from the same files, and left alone
on a second run."""

import shutil

import pytest
from django.core.management import call_command
from django.test import override_settings

from teachnet.courses.models import Course

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="needs Debian's ffmpeg (make media-tools)"),
]


@override_settings(DEMO_COURSE_VIDEO_SECONDS=45 * 60)
def test_the_demo_course_is_real_and_submitted():
    call_command("demo", "--learners=0", stdout=None)
    course = Course.objects.get(provider_subject__project__year=2011)
    assert course.status == Course.Status.IN_REVIEW
    version = course.versions.get()
    assert version.video_minutes >= 25 * 60 and version.total_minutes >= 50 * 60
    videos = course.resources.filter(kind="video")
    assert videos.count() == 34 and {round(v.duration_seconds) for v in videos} == {2700}
    assert course.resources.filter(kind="document", mime="application/pdf").exists()
    assert course.provider_subject.submitted_at is not None
    assert course.provider_subject.members.filter(role="chief_expert", user__username="expert").exists()
    # 2010's is the same course, approved, of the same stored files
    approved = Course.objects.get(provider_subject__project__year=2010)
    assert approved.status == Course.Status.APPROVED and approved.approved_version.video_minutes >= 25 * 60
    assert set(approved.resources.values_list("file", flat=True)) == set(
        course.resources.values_list("file", flat=True)
    )
    call_command("demo", "--learners=0", stdout=None)
    assert [c.versions.count() for c in Course.objects.order_by("pk")] == [1, 1]
