"""Builders for the course tests: a provider's subject with a submitted team, courses filled to the
minimum, uploads of the real sample media kept in core's test data."""

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from teachnet.courses.models import Course, Module, Resource
from teachnet.training.tests.factories import assign, team_fill

DATA = Path(__file__).resolve().parents[2] / "core" / "tests" / "data"


def upload(name: str, as_name: str | None = None, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(as_name or name, (DATA / name).read_bytes(), content_type=content_type)


def provider_subject_ready(project, provider, label="初中数学"):
    """A provider's subject whose expert team is complete and submitted."""
    ps = assign(project, provider, label)
    team_fill(ps)
    ps.submitted_at = timezone.now()
    ps.save(update_fields=["submitted_at"])
    return ps


def course_of(ps) -> Course:
    course = Course.objects.create(provider_subject=ps, title=f"{ps.subject.label}课程")
    Module.objects.create(course=course, title="模块一", position=1)
    return course


def video_row(course, minutes: int, title: str = "", module=None) -> Resource:
    """A video straight into the table (an hour of real video is not a unit test's to upload)."""
    module = module or course.modules.first()
    n = course.resources.count() + 1
    return Resource.objects.create(
        course=course,
        module=module,
        kind=Resource.Kind.VIDEO,
        title=title or f"专题讲座{n}",
        position=n,
        credit_minutes=minutes,
        file=f"media/courses/00/fake{n}.mp4",
        mime="video/mp4",
        size=1000,
        sha256=f"{n:064d}",
        duration_seconds=minutes * 60,
    )


def article_row(course, minutes: int, title: str = "", module=None) -> Resource:
    module = module or course.modules.first()
    n = course.resources.count() + 1
    return Resource.objects.create(
        course=course,
        module=module,
        kind=Resource.Kind.ARTICLE,
        title=title or f"拓展阅读{n}",
        position=n,
        credit_minutes=minutes,
        body="<p>正文</p>",
    )


def fill_to_minimum(course, *, video_hours=25, other_hours=25) -> None:
    for _ in range(video_hours):
        video_row(course, 60)
    for _ in range(other_hours):
        article_row(course, 60)
