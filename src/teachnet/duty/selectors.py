"""Reads of expert duty (ACT-3): who may see and run a provider's duty, the roster by day against the
rule (每天不少于 3 名专家在线值班, GP 四.2(2)), the on-duty queue, response times per expert and per day, and
what to flag: questions waiting longer than DUTY_WAIT_WARN_HOURS and days below the minimum."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from teachnet.accounts.models import User
from teachnet.accounts.permissions import get_visible_or_404, visible
from teachnet.core.rules import Rule, Standing
from teachnet.orgs.models import Organization
from teachnet.training.models import ExpertTeamMember, Phase, Project, ProviderSubject

from .models import DutyShift, Question
from .permissions import DutyPerm

EXPERTS_PER_DAY = Rule(
    key="duty.experts_per_day",
    label=gettext_lazy("每天不少于 3 名专家在线值班"),
    minimum=3,
    source="GP 四.2(2)",
)
# Without a remote-training phase the roster shows the next two weeks.
DEFAULT_WINDOW_DAYS = 14


def wait_warn_hours() -> int:
    return int(getattr(settings, "DUTY_WAIT_WARN_HOURS", 24))


def lookahead_days() -> int:
    """How far ahead a day short of experts is flagged: the roster of a training that begins in two months
    is not yet late."""
    return int(getattr(settings, "DUTY_LOOKAHEAD_DAYS", 14))


# --- Who -------------------------------------------------------------------------------------------------


def roster_candidates(*, project: Project, provider: Organization) -> QuerySet[User]:
    """The people who can be on duty for the provider: members, with an account, of its subject teams."""
    return (
        User.objects.filter(
            expert_team_memberships__provider_subject__project=project,
            expert_team_memberships__provider_subject__provider=provider,
            is_active=True,
        )
        .distinct()
        .order_by("pk")
    )


def is_team_expert(*, user, provider_subject: ProviderSubject) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return ExpertTeamMember.objects.filter(provider_subject=provider_subject, user_id=user.pk).exists()


def on_duty(*, user, project_id: int, provider_id: int, day: dt.date) -> bool:
    return DutyShift.objects.filter(
        project_id=project_id, provider_id=provider_id, day=day, expert_id=user.pk
    ).exists()


def _provider_subjects(*, actor, perm: str) -> QuerySet[ProviderSubject]:
    return visible(actor=actor, model=ProviderSubject, perm=perm)


def may_view(*, actor, project: Project, provider: Organization) -> bool:
    if (
        _provider_subjects(actor=actor, perm=DutyPerm.VIEW)
        .filter(project=project, provider=provider)
        .exists()
    ):
        return True
    return roster_candidates(project=project, provider=provider).filter(pk=actor.pk).exists()


def may_manage_roster(*, actor, project: Project, provider: Organization) -> bool:
    if not getattr(actor, "is_authenticated", False):
        return False
    qs = _provider_subjects(actor=actor, perm=DutyPerm.ROSTER_MANAGE)
    return qs.filter(project=project, provider=provider).exists()


@dataclass(frozen=True)
class DutyUnit:
    """A provider's duty in one project: the unit the roster, queue and figures belong to."""

    project: Project
    provider: Organization

    @property
    def url(self) -> str:
        return reverse("duty:provider", args=[self.project.pk, self.provider.pk])

    @property
    def queue_url(self) -> str:
        return reverse("duty:queue", args=[self.project.pk, self.provider.pk])


def units_visible(*, actor) -> list[DutyUnit]:
    """Every (project, provider) whose duty the actor may see: as the provider, its expert, the office."""
    pairs = set(_provider_subjects(actor=actor, perm=DutyPerm.VIEW).values_list("project_id", "provider_id"))
    pairs |= set(
        ExpertTeamMember.objects.filter(user_id=actor.pk).values_list(
            "provider_subject__project_id", "provider_subject__provider_id"
        )
    )
    projects = Project.objects.in_bulk({p for p, _o in pairs})
    providers = Organization.objects.in_bulk({o for _p, o in pairs})
    units = [DutyUnit(projects[p], providers[o]) for p, o in pairs]
    return sorted(units, key=lambda u: (-u.project.year, u.project.pk, u.provider.name))


def unit_access(*, actor, project_id, provider_id) -> DutyUnit:
    """The provider's duty in the project, or 404 for one the actor may not see (or that is not there)."""
    try:
        project = Project.objects.get(pk=project_id)
        provider = Organization.objects.get(pk=provider_id)
    except (Project.DoesNotExist, Organization.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if not ProviderSubject.objects.filter(project=project, provider=provider).exists():
        raise Http404
    if not may_view(actor=actor, project=project, provider=provider):
        raise Http404
    return DutyUnit(project, provider)


def project_access(*, actor, project_id) -> Project:
    """A project whose every provider's duty the actor sees (the office's overview), or 404."""
    project = get_visible_or_404(actor=actor, model=Project, perm=DutyPerm.VIEW, pk=project_id)
    if not _provider_subjects(actor=actor, perm=DutyPerm.VIEW).filter(project=project).exists():
        raise Http404
    return project


# --- The roster by day -----------------------------------------------------------------------------------


def duty_window(*, project: Project) -> tuple[dt.date, dt.date]:
    """The days experts are on duty: the remote-training phase (GP 四.2), or the next two weeks."""
    phase = Phase.objects.filter(project=project, kind=Phase.Kind.REMOTE_TRAINING).first()
    if phase is not None:
        return phase.starts_on, phase.ends_on
    today = timezone.localdate()
    return today, today + dt.timedelta(days=DEFAULT_WINDOW_DAYS - 1)


@dataclass
class DayRow:
    day: dt.date
    experts: list[User]
    today: dt.date

    @property
    def count(self) -> int:
        return len(self.experts)

    @property
    def short(self) -> bool:
        return self.count < EXPERTS_PER_DAY.minimum

    @property
    def shortfall(self) -> int:
        return max(0, EXPERTS_PER_DAY.minimum - self.count)

    @property
    def is_today(self) -> bool:
        return self.day == self.today

    @property
    def past(self) -> bool:
        return self.day < self.today

    @property
    def expert_ids(self) -> list[int]:
        return [e.pk for e in self.experts]


def roster_days(
    *, project: Project, provider: Organization, start: dt.date | None = None, end: dt.date | None = None
) -> list[DayRow]:
    if start is None or end is None:
        start, end = duty_window(project=project)
    today = timezone.localdate()
    on: dict[dt.date, list[User]] = defaultdict(list)
    shifts = DutyShift.objects.filter(
        project=project, provider=provider, day__gte=start, day__lte=end
    ).select_related("expert")
    for shift in shifts.order_by("day", "expert_id"):
        on[shift.day].append(shift.expert)
    days = (end - start).days + 1
    return [
        DayRow(start + dt.timedelta(days=i), on.get(start + dt.timedelta(days=i), []), today)
        for i in range(days)
    ]


def weeks(rows: list[DayRow]) -> list[list[DayRow | None]]:
    """The days in weeks from Monday to Sunday, for the roster page; None for a day outside the window."""
    out: list[list[DayRow | None]] = []
    for row in rows:
        if not out or row.day.weekday() == 0:
            out.append([None] * row.day.weekday())
        out[-1].append(row)
    if out:
        out[-1] += [None] * (7 - len(out[-1]))
    return out


def experts_per_day_standings(project) -> list[Standing]:
    """The rule's standing for every provider of the project and every day of its duty window."""
    out = []
    for provider in providers_of(project=project):
        for row in roster_days(project=project, provider=provider):
            out.append(
                Standing(
                    rule=EXPERTS_PER_DAY,
                    unit=f"{provider.name} · {row.day.isoformat()}",
                    count=row.count,
                    note=_("还差 %(n)d 名") % {"n": row.shortfall} if row.short else "",
                    url=reverse("duty:provider", args=[project.pk, provider.pk]),
                )
            )
    return out


def providers_of(*, project: Project) -> QuerySet[Organization]:
    return Organization.objects.filter(provider_subjects__project=project).distinct().order_by("name", "pk")


# --- The queue -------------------------------------------------------------------------------------------


def questions_visible(*, actor) -> QuerySet[Question]:
    return visible(actor=actor, model=Question, perm=DutyPerm.VIEW).select_related(
        "provider_subject__subject",
        "provider_subject__provider",
        "asker",
        "forwarded_by",
        "claimed_by",
        "answered_by",
    )


def question_access(*, actor, pk) -> Question:
    return get_visible_or_404(
        actor=actor,
        model=Question,
        perm=DutyPerm.VIEW,
        pk=pk,
        queryset=Question.objects.select_related(
            "project", "provider_subject__subject", "provider_subject__provider", "asker", "forwarded_by",
            "claimed_by", "answered_by",
        ),
    )  # fmt: skip


@dataclass
class Queue:
    waiting: list[Question]
    mine: list[Question]  # claimed by the viewer, not yet answered
    claimed: list[Question]  # claimed by other experts
    answered: list[Question]  # the latest answered
    on_duty_today: list[User] = field(default_factory=list)
    viewer_on_duty: bool = False
    viewer_is_expert: bool = False


def queue(*, actor, unit: DutyUnit, answered_limit: int = 20) -> Queue:
    qs = questions_visible(actor=actor).filter(project=unit.project, provider_subject__provider=unit.provider)
    open_ = list(qs.exclude(state=Question.State.ANSWERED).order_by("forwarded_at", "pk"))
    today = timezone.localdate()
    return Queue(
        waiting=[q for q in open_ if q.state == Question.State.WAITING],
        mine=[q for q in open_ if q.state == Question.State.CLAIMED and q.claimed_by_id == actor.pk],
        claimed=[q for q in open_ if q.state == Question.State.CLAIMED and q.claimed_by_id != actor.pk],
        answered=list(
            qs.filter(state=Question.State.ANSWERED).order_by("-answered_at", "-pk")[:answered_limit]
        ),
        on_duty_today=[
            s.expert
            for s in DutyShift.objects.filter(project=unit.project, provider=unit.provider, day=today)
            .select_related("expert")
            .order_by("expert_id")
        ],
        viewer_on_duty=on_duty(
            user=actor, project_id=unit.project.pk, provider_id=unit.provider.pk, day=today
        ),
        viewer_is_expert=roster_candidates(project=unit.project, provider=unit.provider)
        .filter(pk=actor.pk)
        .exists(),
    )


def waiting_for(question: Question, now: dt.datetime | None = None) -> float:
    """Seconds since it was forwarded, for a question still unanswered."""
    return ((now or timezone.now()) - question.forwarded_at).total_seconds()


def is_overdue(question: Question, now: dt.datetime | None = None) -> bool:
    return question.state != Question.State.ANSWERED and waiting_for(question, now) > wait_warn_hours() * 3600


# --- Response times --------------------------------------------------------------------------------------


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


@dataclass
class ExpertTimes:
    """One expert's response times (forwarded → claimed → answered) over the questions they took."""

    expert: User
    claimed: int
    answered: int
    open: int
    on_duty_claims: int
    mean_to_claim: float | None  # seconds from forwarded to claimed
    mean_claim_to_answer: float | None
    mean_to_answer: float | None  # forwarded to answered


@dataclass
class DayTimes:
    """The questions forwarded on one day and how fast they were answered, beside the day's roster."""

    day: dt.date
    forwarded: int
    answered: int
    open: int
    mean_to_claim: float | None
    mean_to_answer: float | None
    on_duty: int

    @property
    def short(self) -> bool:
        return self.on_duty < EXPERTS_PER_DAY.minimum


def unit_questions(unit: DutyUnit) -> list[Question]:
    return list(
        Question.objects.filter(
            project=unit.project, provider_subject__provider=unit.provider
        ).select_related("claimed_by", "answered_by")
    )


def times_by_expert(*, unit: DutyUnit, questions: list[Question] | None = None) -> list[ExpertTimes]:
    questions = unit_questions(unit) if questions is None else questions
    taken: dict[int, list[Question]] = defaultdict(list)
    people: dict[int, User] = {}
    for q in questions:
        who = q.answered_by if q.state == Question.State.ANSWERED else q.claimed_by
        if who is None:
            continue
        taken[who.pk].append(q)
        people[who.pk] = who
    rows = []
    for pk, qs in taken.items():
        answered = [q for q in qs if q.state == Question.State.ANSWERED]
        rows.append(
            ExpertTimes(
                expert=people[pk],
                claimed=len(qs),
                answered=len(answered),
                open=len(qs) - len(answered),
                on_duty_claims=sum(1 for q in qs if q.claimed_on_duty),
                mean_to_claim=_mean([q.seconds_to_claim for q in qs if q.claimed_at]),
                mean_claim_to_answer=_mean(
                    [(q.answered_at - q.claimed_at).total_seconds() for q in answered if q.claimed_at]
                ),
                mean_to_answer=_mean([q.seconds_to_answer for q in answered]),
            )
        )
    return sorted(rows, key=lambda r: (-r.answered, r.expert.pk))


def times_by_day(
    *, unit: DutyUnit, questions: list[Question] | None = None, rows: list[DayRow] | None = None
) -> list[DayTimes]:
    """Every day on which questions were forwarded, newest first."""
    questions = unit_questions(unit) if questions is None else questions
    rows = roster_days(project=unit.project, provider=unit.provider) if rows is None else rows
    on_duty = {r.day: r.count for r in rows}
    by_day: dict[dt.date, list[Question]] = defaultdict(list)
    for q in questions:
        by_day[timezone.localdate(q.forwarded_at)].append(q)
    out = []
    for day in sorted(by_day, reverse=True):
        qs = by_day[day]
        answered = [q for q in qs if q.state == Question.State.ANSWERED]
        if day not in on_duty:
            on_duty[day] = DutyShift.objects.filter(
                project=unit.project, provider=unit.provider, day=day
            ).count()
        out.append(
            DayTimes(
                day=day,
                forwarded=len(qs),
                answered=len(answered),
                open=len(qs) - len(answered),
                mean_to_claim=_mean([q.seconds_to_claim for q in qs if q.claimed_at]),
                mean_to_answer=_mean([q.seconds_to_answer for q in answered]),
                on_duty=on_duty[day],
            )
        )
    return out


# --- Flags -----------------------------------------------------------------------------------------------


@dataclass
class Flags:
    """What the provider and the office must see at once."""

    unit: DutyUnit
    overdue: list[Question]  # unanswered for longer than the configured hours
    short_days: list[DayRow]  # today and the days ahead (lookahead_days) below the minimum
    past_short: int  # days gone by that were below the minimum
    today: DayRow | None
    waiting: int  # unanswered questions (waiting or claimed)
    hours: int
    lookahead: int

    @property
    def any(self) -> bool:
        return bool(self.overdue or self.short_days)


def flags(
    *, unit: DutyUnit, rows: list[DayRow] | None = None, questions: list[Question] | None = None
) -> Flags:
    rows = roster_days(project=unit.project, provider=unit.provider) if rows is None else rows
    questions = unit_questions(unit) if questions is None else questions
    now = timezone.now()
    today = timezone.localdate()
    horizon = today + dt.timedelta(days=lookahead_days() - 1)
    unanswered = [q for q in questions if q.state != Question.State.ANSWERED]
    return Flags(
        unit=unit,
        overdue=sorted((q for q in unanswered if is_overdue(q, now)), key=lambda q: q.forwarded_at),
        short_days=[r for r in rows if r.short and today <= r.day <= horizon],
        past_short=sum(1 for r in rows if r.short and r.day < today),
        today=next((r for r in rows if r.day == today), None),
        waiting=len(unanswered),
        hours=wait_warn_hours(),
        lookahead=lookahead_days(),
    )


def project_flags(*, actor, project: Project) -> list[Flags]:
    """Every provider of the project whose duty the actor sees: all of them for the project office."""
    seen = set(
        _provider_subjects(actor=actor, perm=DutyPerm.VIEW)
        .filter(project=project)
        .values_list("provider_id", flat=True)
    )
    return [flags(unit=DutyUnit(project, p)) for p in providers_of(project=project) if p.pk in seen]


def units_visible_in(*, actor, project: Project) -> bool:
    """Whether the actor sees the duty of some provider of the project."""
    return _provider_subjects(actor=actor, perm=DutyPerm.VIEW).filter(project=project).exists()
