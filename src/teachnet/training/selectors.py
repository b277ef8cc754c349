"""Reads of the training app: a project's overview for the project office and the leads (TRN-1), the
providers' subjects and expert teams each actor may see (TRN-2, TRN-3)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from teachnet.accounts.permissions import visible
from teachnet.accounts.roles import Perm

from .models import Enrollment, ExpertTeamMember, Phase, Project, ProviderSubject, Subject
from .services import team_problems

# Hours the plan requires of a phase (GP 三、四): shown beside its dates.
PHASE_HOURS = {Phase.Kind.TRAINER_TRAINING: 30, Phase.Kind.REMOTE_TRAINING: 50}


@dataclass
class PhaseRow:
    kind: str
    label: str
    phase: Phase | None
    state: str | None
    state_label: str
    hours: int | None


@dataclass
class TeamStatus:
    size: int
    chiefs: int
    frontline: int
    problems: list[str]
    submitted_at: dt.datetime | None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def has_chief(self) -> bool:
        return self.chiefs == 1

    @property
    def frontline_percent(self) -> int:
        return round(self.frontline * 100 / self.size) if self.size else 0


@dataclass
class SubjectRow:
    subject: Subject
    quota: int
    enrolled: int
    teams: list[tuple[ProviderSubject, TeamStatus]] = field(default_factory=list)


def phase_rows(*, project: Project, today: dt.date | None = None) -> list[PhaseRow]:
    """The six phases in the plan's order, each with its state on today's date (unset ones included)."""
    today = today or timezone.localdate()
    phases = {p.kind: p for p in project.phases.all()}
    rows = []
    for kind in Phase.Kind:
        phase = phases.get(kind.value)
        state = phase.state_on(today) if phase else None
        rows.append(
            PhaseRow(
                kind=kind.value,
                label=kind.label,
                phase=phase,
                state=state,
                state_label=Phase.State(state).label if state else "",
                hours=PHASE_HOURS.get(kind.value),
            )
        )
    return rows


def team_statuses(*, provider_subjects) -> dict[int, TeamStatus]:
    """Each team's composition and problems, in one query for all of them."""
    ids = [ps.pk for ps in provider_subjects]
    roles: dict[int, list[str]] = {i: [] for i in ids}
    for ps_id, role in ExpertTeamMember.objects.filter(provider_subject_id__in=ids).values_list(
        "provider_subject_id", "role"
    ):
        roles[ps_id].append(role)
    submitted = {ps.pk: ps.submitted_at for ps in provider_subjects}
    return {
        i: TeamStatus(
            size=len(r),
            chiefs=r.count(ExpertTeamMember.Role.CHIEF_EXPERT),
            frontline=sum(1 for x in r if x in ExpertTeamMember.FRONTLINE_ROLES),
            problems=team_problems(roles=r),
            submitted_at=submitted[i],
        )
        for i, r in roles.items()
    }


def team_status(*, provider_subject: ProviderSubject) -> TeamStatus:
    return team_statuses(provider_subjects=[provider_subject])[provider_subject.pk]


def subject_rows(*, project: Project) -> list[SubjectRow]:
    """Per subject: its providers with their team status, its quota total and its enrolled learners."""
    subjects = project.subjects.annotate(
        quota_total=Sum("quotas__places", filter=Q(quotas__project=project)),
    )
    enrolled = dict(
        Enrollment.objects.filter(project=project, role=Enrollment.Role.LEARNER)
        .values("subject_id")
        .annotate(n=Count("id"))
        .values_list("subject_id", "n")
    )
    assignments = list(
        ProviderSubject.objects.filter(project=project).select_related("provider").order_by("provider__name")
    )
    statuses = team_statuses(provider_subjects=assignments)
    rows = {
        s.pk: SubjectRow(subject=s, quota=s.quota_total or 0, enrolled=enrolled.get(s.pk, 0))
        for s in subjects
    }
    for ps in assignments:
        rows[ps.subject_id].teams.append((ps, statuses[ps.pk]))
    return list(rows.values())


def project_list_overview(*, actor) -> QuerySet[Project]:
    return visible(actor=actor, model=Project, perm=Perm.PROJECT_OVERVIEW).order_by("-year", "name")


def provider_subject_list_visible(*, actor, project: Project | None = None) -> QuerySet[ProviderSubject]:
    qs = visible(
        actor=actor,
        model=ProviderSubject,
        perm=Perm.TEAM_VIEW,
        queryset=ProviderSubject.objects.select_related("project", "provider", "subject"),
    )
    if project is not None:
        qs = qs.filter(project=project)
    return qs.order_by("project_id", "provider__name", "subject_id")


def team_member_list(*, provider_subject: ProviderSubject) -> QuerySet[ExpertTeamMember]:
    """The team, chief expert first (the caller has already been let through to the provider subject)."""
    return provider_subject.members.select_related("user").order_by("role", "id")


def provider_subject_access(*, actor, pk, perm: Perm) -> ProviderSubject:
    """One provider's subject, fetched and authorized in one call (404 for missing and not-yours alike)."""
    from teachnet.accounts.permissions import get_visible_or_404

    return get_visible_or_404(
        actor=actor,
        model=ProviderSubject,
        perm=perm,
        pk=pk,
        queryset=ProviderSubject.objects.select_related("project", "provider", "subject"),
    )
