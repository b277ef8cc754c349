"""Writes of the training app."""

from collections.abc import Iterable

from teachnet.core.bulk import bulk_insert

from .models import Enrollment, Project, Subject


def enrollments_add(
    *, project: Project, entries: Iterable[tuple[int, int, str, str]], source: str = ""
) -> int:
    """(user id, subject id, role, city code) each; a person already enrolled in the project keeps their
    enrollment (a re-approval never enrolls twice)."""
    rows = (
        {
            "project_id": project.pk,
            "user_id": u,
            "subject_id": s,
            "role": role,
            "region_id": region,
            "source": source,
        }
        for u, s, role, region in entries
    )
    before = Enrollment.objects.filter(project=project).count()
    bulk_insert(Enrollment, rows, ignore_conflicts=True)
    return Enrollment.objects.filter(project=project).count() - before


def subjects_ensure(*, project: Project, specs) -> list[Subject]:
    """The project's subjects (TRN-1) from the catalog; idempotent."""
    Subject.objects.bulk_create(
        [Subject(project=project, stage=s.stage, name=s.name) for s in specs], ignore_conflicts=True
    )
    return list(Subject.objects.filter(project=project))
