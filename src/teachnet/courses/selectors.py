"""Reads of the courses app (TRN-4): a course's outline and totals, the review queue, what changed between
versions, and whether a subject's training may open."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from teachnet.accounts.permissions import get_visible_or_404, visible
from teachnet.accounts.roles import Perm
from teachnet.training.models import Enrollment, Phase, ProviderSubject, Subject

from .models import Course, CourseVersion, Module, Resource, ReviewComment


def course_access(*, actor, pk, perm: Perm = Perm.COURSE_VIEW) -> Course:
    """One course, fetched and authorized in one call (404 for missing and not-yours alike)."""
    return get_visible_or_404(
        actor=actor,
        model=Course,
        perm=perm,
        pk=pk,
        queryset=Course.objects.select_related(
            "provider_subject__project", "provider_subject__provider", "provider_subject__subject"
        ),
    )


def course_list_visible(*, actor, perm: Perm = Perm.COURSE_VIEW) -> QuerySet[Course]:
    return visible(actor=actor, perm=perm, model=Course).select_related(
        "provider_subject__project", "provider_subject__provider", "provider_subject__subject"
    )


def review_queue(*, actor) -> QuerySet[Course]:
    """Courses waiting for the actor's review, the longest-waiting first."""
    return (
        course_list_visible(actor=actor, perm=Perm.COURSE_REVIEW)
        .filter(status=Course.Status.IN_REVIEW)
        .order_by("updated_at", "pk")
    )


def recently_decided(*, actor, limit: int = 20) -> QuerySet[CourseVersion]:
    courses = visible(actor=actor, perm=Perm.COURSE_REVIEW, model=Course)
    return (
        CourseVersion.objects.filter(course__in=courses)
        .exclude(decision="")
        .select_related(
            "course__provider_subject__provider", "course__provider_subject__subject", "decided_by"
        )
        .order_by("-decided_at")[:limit]
    )


def course_outline(*, course: Course) -> list[Module]:
    """The modules, each with its resources (and their review comments) prefetched."""
    comments = ReviewComment.objects.select_related("author").order_by("created_at", "id")
    return list(
        course.modules.order_by("position", "id").prefetch_related(
            Prefetch(
                "resources",
                queryset=Resource.objects.order_by("position", "id").prefetch_related(
                    Prefetch("comments", queryset=comments)
                ),
            )
        )
    )


def course_comments_general(*, course: Course) -> list[ReviewComment]:
    """Comments on the course as a whole (and those on resources since removed)."""
    return list(
        course.comments.filter(resource__isnull=True).select_related("author").order_by("created_at", "id")
    )


def provider_subject_course(*, provider_subject: ProviderSubject) -> Course | None:
    return Course.objects.filter(provider_subject=provider_subject).first()


# --- Versions -----------------------------------------------------------------------------------------------


@dataclass
class Change:
    kind: str  # added / removed / changed
    title: str
    details: list[str] = field(default_factory=list)


_COMPARED = {
    "title": gettext_lazy("标题"),
    "credit_minutes": gettext_lazy("计学时长"),
    "sha256": gettext_lazy("文件"),
    "body": gettext_lazy("正文"),
    "url": gettext_lazy("直播链接"),
    "starts_at": gettext_lazy("开始时间"),
}


def _resources(snapshot: dict) -> dict[int, dict]:
    out = {}
    for module in snapshot.get("modules", []):
        for r in module.get("resources", []):
            out[r["id"]] = {**r, "module": module["title"]}
    return out


def version_changes(*, before: dict | None, after: dict) -> list[Change]:
    """What changed between two snapshots, resource by resource: what a reviewer reads first on a
    resubmitted course."""
    if before is None:
        return []
    old, new = _resources(before), _resources(after)
    changes = []
    for rid, r in new.items():
        if rid not in old:
            changes.append(Change("added", r["title"]))
            continue
        details = [str(label) for key, label in _COMPARED.items() if old[rid].get(key) != r.get(key)]
        if old[rid]["module"] != r["module"]:
            details.append(_("所属模块"))
        if details:
            changes.append(Change("changed", r["title"], details))
    changes += [Change("removed", r["title"]) for rid, r in old.items() if rid not in new]
    return changes


def versions_with_changes(*, course: Course) -> list[tuple[CourseVersion, list[Change]]]:
    versions = list(course.versions.select_related("submitted_by", "decided_by").order_by("number"))
    out = []
    previous = None
    for v in versions:
        out.append((v, version_changes(before=previous, after=v.snapshot)))
        previous = v.snapshot
    return list(reversed(out))


def snapshot_resource(*, version: CourseVersion, resource_id: int) -> dict | None:
    return _resources(version.snapshot).get(resource_id)


# --- Opening the training (TRN-4: training cannot open before approval) -------------------------------------


def subject_course_states(*, subjects) -> dict[int, list[Course]]:
    """Each subject's courses (one per provider taking it), for the project overview."""
    out: dict[int, list[Course]] = {}
    for course in Course.objects.filter(provider_subject__subject__in=subjects).select_related(
        "provider_subject__provider"
    ):
        out.setdefault(course.provider_subject.subject_id, []).append(course)
    return out


@dataclass(frozen=True)
class Opening:
    open: bool
    reason: str = ""


def subject_opening(*, subject: Subject, course: Course | None, today: dt.date | None = None) -> Opening:
    """A subject's remote training opens to learners once its course is approved and the remote-training
    phase has begun; the reason says what it waits for."""
    if course is None or course.approved_version_id is None:
        return _opening(course=course, remote_starts=None, today=today)
    phase = Phase.objects.filter(project_id=subject.project_id, kind=Phase.Kind.REMOTE_TRAINING).first()
    return _opening(course=course, remote_starts=phase.starts_on if phase else None, today=today)


def _opening(*, course: Course | None, remote_starts: dt.date | None, today: dt.date | None) -> Opening:
    today = today or dt.date.today()
    if course is None or course.approved_version_id is None:
        return Opening(False, _("课程资源尚未通过项目办审核，培训暂未开放。"))
    if remote_starts is not None and today < remote_starts:
        return Opening(False, _("远程培训将于 %(date)s 开始。") % {"date": remote_starts.isoformat()})
    return Opening(True)


def learner_courses(*, user) -> list[tuple[Enrollment, Course | None, Opening]]:
    """The courses of the subjects a learner takes part in, with whether each is open.

    Three queries however many subjects, as this feeds the learner's workspace, the page every learner
    opens (bench/pages.py). A subject's course is its first approved one, in the order of providers."""
    enrollments = list(
        Enrollment.objects.filter(
            user=user, role=Enrollment.Role.LEARNER, withdrawn_at__isnull=True
        ).select_related("project", "subject")
    )
    if not enrollments:
        return []
    remote_starts = dict(
        Phase.objects.filter(
            project_id__in={e.project_id for e in enrollments}, kind=Phase.Kind.REMOTE_TRAINING
        ).values_list("project_id", "starts_on")
    )
    courses: dict[int, Course] = {}
    for course in (
        Course.objects.filter(
            provider_subject__subject_id__in={e.subject_id for e in enrollments},
            approved_version__isnull=False,
        )
        .select_related("provider_subject")
        .order_by("provider_subject_id")
    ):
        courses.setdefault(course.provider_subject.subject_id, course)
    rows = []
    for e in enrollments:
        course = courses.get(e.subject_id)
        rows.append(
            (e, course, _opening(course=course, remote_starts=remote_starts.get(e.project_id), today=None))
        )
    return rows


def learner_may_study(*, user, course: Course) -> bool:
    if course.approved_version_id is None:
        return False
    subject = course.provider_subject.subject
    enrolled = Enrollment.objects.filter(
        user=user, subject=subject, role=Enrollment.Role.LEARNER, withdrawn_at__isnull=True
    ).exists()
    return enrolled and subject_opening(subject=subject, course=course).open
