"""Reads for training classes (TRN-6) and adjustments (TRN-7): what each actor may see, through the permission
layer (a tutor their own class, a city lead the classes and members of their city, a provincial lead their
province)."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from teachnet.accounts.permissions import get_visible_or_404, visible
from teachnet.accounts.roles import Perm

from .models import Adjustment, ClassMembership, Enrollment, Project, Subject, TrainingClass


def class_list_visible(
    *, actor, project: Project | None = None, subject: Subject | None = None, province=None
) -> QuerySet[TrainingClass]:
    qs = visible(actor=actor, model=TrainingClass, perm=Perm.CLASS_VIEW)
    if project is not None:
        qs = qs.filter(project=project)
    if subject is not None:
        qs = qs.filter(subject=subject)
    if province is not None:
        qs = qs.filter(province=province)
    return (
        qs.select_related("project", "subject", "province", "tutor")
        .prefetch_related("cities")
        .annotate(size=Count("memberships"))
        .order_by("project_id", "subject_id", "province_id", "id")
    )


def class_access(*, actor, class_id, need: Perm = Perm.CLASS_VIEW) -> TrainingClass:
    """One class, fetched and authorized together: missing and not yours are the same 404."""
    return get_visible_or_404(
        actor=actor,
        model=TrainingClass,
        perm=need,
        pk=class_id,
        queryset=TrainingClass.objects.select_related("project", "subject", "province", "tutor"),
    )


def class_members_visible(*, actor, training_class: TrainingClass) -> QuerySet[ClassMembership]:
    """The members the actor may see: all for the tutor and the province, a city's own for its lead."""
    return (
        visible(actor=actor, model=ClassMembership, perm=Perm.CLASS_VIEW)
        .filter(training_class=training_class)
        .select_related("enrollment__user", "enrollment__region", "enrollment__user__organization")
        .order_by("enrollment__region_id", "id")
    )


def learners_adjustable(*, actor, project: Project, subject: Subject) -> QuerySet[Enrollment]:
    """The active learners of the subject the actor may replace or withdraw (their city, their province)."""
    return (
        visible(actor=actor, model=Enrollment, perm=Perm.LEARNER_ADJUST)
        .filter(project=project, subject=subject, role=Enrollment.Role.LEARNER, withdrawn_at__isnull=True)
        .select_related("user", "region", "user__organization")
        .order_by("region_id", "id")
    )


def class_of(*, enrollments) -> dict[int, TrainingClass]:
    return {
        m.enrollment_id: m.training_class
        for m in ClassMembership.objects.filter(enrollment__in=enrollments).select_related("training_class")
    }


def adjustments_visible(*, actor, project: Project, subject: Subject) -> QuerySet[Adjustment]:
    """The adjustments of the learners the actor may adjust (the old enrollment, withdrawn by then)."""
    reachable = visible(actor=actor, model=Enrollment, perm=Perm.LEARNER_ADJUST).filter(
        project=project, subject=subject
    )
    return Adjustment.objects.filter(
        project=project, old_enrollment__in=reachable.values("pk")
    ).select_related("old_enrollment__user", "new_enrollment__user", "actor")
