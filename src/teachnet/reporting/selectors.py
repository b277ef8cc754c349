"""Reads of the reporting app."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import QuerySet

from teachnet.accounts.permissions import grants_for, visible
from teachnet.accounts.roles import Perm
from teachnet.orgs.models import Region
from teachnet.training.catalog import SubjectSpec
from teachnet.training.models import Project, Quota, Subject

from .models import Kind, ReportingWindow, Submission, SubmissionRow

LOOKUP_CHUNK = 5000


def subject_for(*, project: Project, spec: SubjectSpec | None) -> Subject | None:
    if spec is None:
        return None
    return Subject.objects.filter(project=project, stage=spec.stage, name=spec.name).first()


def quota_for(*, project: Project, region: Region, subject: Subject | None) -> int | None:
    if subject is None:
        return None
    return (
        Quota.objects.filter(project=project, region=region, subject=subject)
        .values_list("places", flat=True)
        .first()
    )


def taken_elsewhere_fn(
    *, project: Project, kind: str, exclude: Submission | None
) -> Callable[[list[str]], set[str]]:
    """Which ID hashes are already reported in another table of the same project and kind (REP-3)."""

    def taken(hashes: list[str]) -> set[str]:
        found: set[str] = set()
        rows = SubmissionRow.objects.filter(project=project, kind=kind)
        if exclude is not None and exclude.pk:
            rows = rows.exclude(submission=exclude)
        for start in range(0, len(hashes), LOOKUP_CHUNK):
            chunk = hashes[start : start + LOOKUP_CHUNK]
            found.update(rows.filter(id_card_hash__in=chunk).values_list("id_card_hash", flat=True))
        return found

    return taken


def roster_check_context(*, project_id: int, kind: str, scope: Region, subject: SubjectSpec | None):
    """(quota, taken_elsewhere) for checking a file outside the workflow (`teachnet roster check`)."""
    project = Project.objects.get(pk=project_id)
    subject_row = subject_for(project=project, spec=subject)
    existing = Submission.objects.filter(
        project=project, kind=kind, region=scope, subject=subject_row
    ).first()
    quota = quota_for(project=project, region=scope, subject=subject_row) if kind == Kind.TRAINEE else None
    return quota, taken_elsewhere_fn(project=project, kind=kind, exclude=existing)


def window_for(*, project: Project, kind: str) -> ReportingWindow | None:
    return ReportingWindow.objects.filter(project=project, kind=kind).first()


def submission_list_visible(*, actor, project: Project | None = None) -> QuerySet[Submission]:
    qs = visible(actor=actor, model=Submission, perm=Perm.REPORT_VIEW).select_related(
        "region", "subject", "project"
    )
    if project is not None:
        qs = qs.filter(project=project)
    return qs.order_by("kind", "region_id", "subject_id")


def reporting_projects(*, actor) -> list[Project]:
    """The projects whose reporting the actor may follow (REPORT_VIEW held for the project, or for every
    project), in the order a project switch lists them: those whose reporting window is open now first, then
    those with quotas to report against, newest first within each."""
    from django.db.models import Exists, OuterRef
    from django.utils import timezone

    now = timezone.now()
    open_window = ReportingWindow.objects.filter(project=OuterRef("pk"), opens_at__lte=now, closes_at__gt=now)
    projects = visible(actor=actor, model=Project, perm=Perm.PROJECT_VIEW).annotate(
        reporting_open=Exists(open_window), has_quotas=Exists(Quota.objects.filter(project=OuterRef("pk")))
    )
    held = {g.project_id for g in grants_for(actor) if Perm.REPORT_VIEW in g.perms and g.prefix is not None}
    return [
        p
        for p in projects.order_by("-reporting_open", "-has_quotas", "-year", "-created_at", "-pk")
        if actor.is_superuser or None in held or p.pk in held
    ]


def reporting_project(*, actor, project_id: str | int | None) -> tuple[Project, list[Project]]:
    """(the project asked for, or the one reporting is about now; every project the actor may switch to).
    404 alike for a project that does not exist, one not the actor's, and a malformed id."""
    from django.http import Http404

    projects = reporting_projects(actor=actor)
    if project_id in (None, ""):
        if not projects:
            raise Http404
        return projects[0], projects
    chosen = next((p for p in projects if str(p.pk) == str(project_id).strip()), None)
    if chosen is None:
        raise Http404
    return chosen, projects
