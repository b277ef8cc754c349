"""Reads of the briefings app: who writes for which scope, which briefings a person may read, the counters
against the minimums (GP 四.2(3), 七.1) and the warning before the remote training ends."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from teachnet.accounts.permissions import grants_for, has_any, regions_in_scope, visible
from teachnet.accounts.roles import Role
from teachnet.core import rules
from teachnet.orgs.models import Region
from teachnet.training.models import (
    Enrollment,
    ExpertTeamMember,
    Phase,
    Project,
    ProviderSubject,
    TrainingClass,
)

from . import figures
from .models import Briefing, Kind
from .permissions import BriefingPerm
from .rules import RULE_OF

_RELATED = (
    "project",
    "provider_subject__subject",
    "provider_subject__provider",
    "training_class",
    "province",
)


# --- Scopes and their writers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScopeRef:
    """A scope briefings are written for: a provider's subject, a class, or a province within a project."""

    kind: str
    project: Project
    provider_subject: ProviderSubject | None = None
    training_class: TrainingClass | None = None
    province: Region | None = None

    @property
    def label(self) -> str:
        if self.kind == Kind.EXPERT:
            return f"{self.provider_subject.subject.label}（{self.provider_subject.provider.name}）"
        if self.kind == Kind.CLASS:
            return self.training_class.name
        return self.province.name

    @property
    def kind_label(self) -> str:
        return Kind(self.kind).label

    @property
    def url(self) -> str:
        if self.kind == Kind.EXPERT:
            return reverse("briefings:subject", args=[self.provider_subject.pk])
        if self.kind == Kind.CLASS:
            return reverse("briefings:class", args=[self.training_class.pk])
        return reverse("briefings:province", args=[self.project.pk, self.province.code])

    def figures_scope(self) -> figures.Scope:
        return figures.Scope(
            kind=self.kind,
            project=self.project,
            provider_subject=self.provider_subject,
            training_class=self.training_class,
            province=self.province,
        )

    def briefings(self) -> QuerySet[Briefing]:
        qs = Briefing.objects.filter(kind=self.kind).select_related(*_RELATED)
        if self.kind == Kind.EXPERT:
            return qs.filter(provider_subject=self.provider_subject)
        if self.kind == Kind.CLASS:
            return qs.filter(training_class=self.training_class)
        return qs.filter(project=self.project, province=self.province)


def scope_of(briefing: Briefing) -> ScopeRef:
    return ScopeRef(
        kind=briefing.kind,
        project=briefing.project,
        provider_subject=briefing.provider_subject,
        training_class=briefing.training_class,
        province=briefing.province,
    )


def _leads_province(actor, project: Project, province: Region) -> bool:
    """A province's work briefings are its lead's: a role held over that province (for that project or
    for all)."""
    if not actor.is_authenticated or not actor.is_active:
        return False
    return any(
        BriefingPerm.WRITE_PROVINCIAL in g.perms
        and g.prefix is not None
        and g.home_level == Region.Level.PROVINCE
        and g.home_code == province.code
        and g.project_id in (None, project.pk)
        for g in grants_for(actor)
    )


def may_write(*, actor, scope: ScopeRef) -> bool:
    """Writers: the subject's expert team (ExpertTeamMember with the person's account), the class's tutor,
    the province's lead."""
    if not actor.is_authenticated or not actor.is_active:
        return False
    if scope.kind == Kind.EXPERT:
        return ExpertTeamMember.objects.filter(provider_subject=scope.provider_subject, user=actor).exists()
    if scope.kind == Kind.CLASS:
        return scope.training_class.tutor_id == actor.pk
    return _leads_province(actor, scope.project, scope.province)


def writable_scopes(*, actor, project: Project | None = None) -> list[ScopeRef]:
    """Every scope the actor writes briefings for (in one project, or in all)."""
    if not actor.is_authenticated:
        return []
    out: list[ScopeRef] = []
    teams = ProviderSubject.objects.filter(members__user=actor).select_related(
        "project", "subject", "provider"
    )
    classes = TrainingClass.objects.filter(tutor=actor).select_related("project", "subject")
    if project is not None:
        teams, classes = teams.filter(project=project), classes.filter(project=project)
    out += [ScopeRef(Kind.EXPERT, ps.project, provider_subject=ps) for ps in teams.distinct()]
    out += [ScopeRef(Kind.CLASS, k.project, training_class=k) for k in classes]
    for g in grants_for(actor):
        if BriefingPerm.WRITE_PROVINCIAL not in g.perms or g.home_level != Region.Level.PROVINCE:
            continue
        if g.prefix is None:
            continue
        projects = Project.objects.filter(provinces__code=g.home_code)
        if g.project_id is not None:
            projects = projects.filter(pk=g.project_id)
        if project is not None:
            projects = projects.filter(pk=project.pk)
        province = Region.objects.get(code=g.home_code)
        for p in projects:
            ref = ScopeRef(Kind.PROVINCIAL, p, province=province)
            if ref not in out:
                out.append(ref)
    return out


def scope_access(*, actor, scope: ScopeRef) -> None:
    """The scope's page is for its writers and for those who follow its counters (the office, a province's
    and a city's leads, a provider: scope_unit_visible). 404 otherwise."""
    if not (may_write(actor=actor, scope=scope) or scope_unit_visible(actor=actor, scope=scope)):
        raise Http404


def subject_scope(*, pk) -> ScopeRef:
    try:
        ps = ProviderSubject.objects.select_related("project", "subject", "provider").get(pk=pk)
    except (ProviderSubject.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    return ScopeRef(Kind.EXPERT, ps.project, provider_subject=ps)


def class_scope(*, pk) -> ScopeRef:
    try:
        k = TrainingClass.objects.select_related("project", "subject").get(pk=pk)
    except (TrainingClass.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    return ScopeRef(Kind.CLASS, k.project, training_class=k)


def province_scope(*, project_id, code) -> ScopeRef:
    try:
        project = Project.objects.get(pk=project_id)
        province = project.provinces.get(code=code, level=Region.Level.PROVINCE)
    except (Project.DoesNotExist, Region.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    return ScopeRef(Kind.PROVINCIAL, project, province=province)


# --- Reading ------------------------------------------------------------------------------------------------


def briefings_visible(*, actor) -> QuerySet[Briefing]:
    """What the actor may open: the published briefings of their audience (permissions.py) and every
    briefing, drafts included, of the scopes they write for."""
    readable = visible(actor=actor, model=Briefing, perm=BriefingPerm.VIEW).values("pk")
    condition = Q(pk__in=readable)
    for scope in writable_scopes(actor=actor):
        condition |= Q(pk__in=scope.briefings().values("pk"))
    return Briefing.objects.filter(condition).select_related(*_RELATED)


def briefing_access(*, actor, pk, write: bool = False) -> Briefing:
    """One briefing the actor may read (or, with write, write): 404 for missing and not theirs alike."""
    try:
        briefing = Briefing.objects.select_related(*_RELATED, "author", "published_by").get(pk=pk)
    except (Briefing.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    writer = may_write(actor=actor, scope=scope_of(briefing))
    if write and not writer:
        raise Http404
    if writer:
        return briefing
    if (
        briefing.is_draft
        or not visible(actor=actor, model=Briefing, perm=BriefingPerm.VIEW).filter(pk=briefing.pk).exists()
    ):
        raise Http404
    return briefing


def projects_for(*, actor) -> list[Project]:
    """The projects whose briefings the person writes, reads or follows, the one in its remote training
    first, then the newest."""
    ids = {s.project.pk for s in writable_scopes(actor=actor)}
    ids |= set(briefings_visible(actor=actor).values_list("project_id", flat=True))
    if has_any(actor=actor, perm=BriefingPerm.STANDINGS):
        ids |= set(
            visible(actor=actor, model=Project, perm=BriefingPerm.STANDINGS).values_list("pk", flat=True)
        )
    ids |= set(
        Enrollment.objects.filter(user_id=actor.pk, withdrawn_at__isnull=True).values_list(
            "project_id", flat=True
        )
    )
    today = timezone.localdate()
    running = set(
        Phase.objects.filter(
            project_id__in=ids, kind=Phase.Kind.REMOTE_TRAINING, starts_on__lte=today, ends_on__gte=today
        ).values_list("project_id", flat=True)
    )
    projects = list(Project.objects.filter(pk__in=ids))
    return sorted(projects, key=lambda p: (p.pk not in running, -p.year, p.pk))


# --- Counters and the warning -------------------------------------------------------------------------------


@dataclass
class Standing:
    """One scope against its rule: the published count, the drafts under way, and the warning when the
    remote training ends soon (or has ended) short of the minimum."""

    scope: ScopeRef
    rule: rules.Rule
    count: int
    drafts: int = 0
    warning: str = ""
    ends_on: dt.date | None = None
    days_left: int | None = None
    numbers: list[int] = field(default_factory=list)

    @property
    def met(self) -> bool:
        return self.count >= self.rule.minimum

    @property
    def shortfall(self) -> int:
        return max(0, self.rule.minimum - self.count)

    @property
    def note(self) -> str:
        parts = []
        if self.shortfall:
            parts.append(_("还差 %(n)d 期") % {"n": self.shortfall})
        if self.drafts:
            parts.append(_("草稿 %(n)d 篇") % {"n": self.drafts})
        return "；".join(parts)

    def as_rule_standing(self) -> rules.Standing:
        note = "；".join(p for p in (self.note, self.warning) if p)
        return rules.Standing(self.rule, self.scope.label, self.count, note=note, url=self.scope.url)


def remote_phase(project: Project) -> Phase | None:
    return Phase.objects.filter(project=project, kind=Phase.Kind.REMOTE_TRAINING).first()


def warning_for(
    *, rule: rules.Rule, count: int, phase: Phase | None, today: dt.date | None = None
) -> tuple[str, int | None]:
    """The warning for a scope short of its minimum: from BRIEFING_WARN_DAYS days before the remote
    training ends, and after it ended. Returns (warning or "", days left or None)."""
    if phase is None:
        return "", None
    today = today or timezone.localdate()
    left = (phase.ends_on - today).days
    short = rule.minimum - count
    if short <= 0:
        return "", left
    if left < 0:
        return (
            _("远程培训已于 %(date)s 结束，仍差 %(n)d 期（应不少于 %(min)d 期）。")
            % {"date": phase.ends_on.isoformat(), "n": short, "min": rule.minimum},
            left,
        )
    if left <= settings.BRIEFING_WARN_DAYS:
        return (
            _("远程培训将于 %(date)s 结束（还有 %(days)d 天），还差 %(n)d 期（应不少于 %(min)d 期）。")
            % {"date": phase.ends_on.isoformat(), "days": left, "n": short, "min": rule.minimum},
            left,
        )
    return "", left


def standings_for(scopes: list[ScopeRef], *, today: dt.date | None = None) -> list[Standing]:
    """Each scope's standing: one query for the counts of all scopes of a kind, one per project for its
    phase."""
    out: list[Standing] = []
    phases: dict[int, Phase | None] = {}
    counts = _counts(scopes)
    for scope in scopes:
        if scope.project.pk not in phases:
            phases[scope.project.pk] = remote_phase(scope.project)
        phase = phases[scope.project.pk]
        rule = RULE_OF[scope.kind]
        published, drafts, numbers = counts.get(_key(scope), (0, 0, []))
        warning, left = warning_for(rule=rule, count=published, phase=phase, today=today)
        out.append(
            Standing(
                scope=scope,
                rule=rule,
                count=published,
                drafts=drafts,
                warning=warning,
                ends_on=phase.ends_on if phase else None,
                days_left=left,
                numbers=numbers,
            )
        )
    return out


def _key(scope: ScopeRef) -> tuple:
    if scope.kind == Kind.EXPERT:
        return (Kind.EXPERT, scope.provider_subject.pk)
    if scope.kind == Kind.CLASS:
        return (Kind.CLASS, scope.training_class.pk)
    return (Kind.PROVINCIAL, scope.project.pk, scope.province.code)


def _counts(scopes: list[ScopeRef]) -> dict[tuple, tuple[int, int, list[int]]]:
    subject_ids = [s.provider_subject.pk for s in scopes if s.kind == Kind.EXPERT]
    class_ids = [s.training_class.pk for s in scopes if s.kind == Kind.CLASS]
    provinces = [(s.project.pk, s.province.code) for s in scopes if s.kind == Kind.PROVINCIAL]
    condition = Q(pk__in=[])
    if subject_ids:
        condition |= Q(kind=Kind.EXPERT, provider_subject_id__in=subject_ids)
    if class_ids:
        condition |= Q(kind=Kind.CLASS, training_class_id__in=class_ids)
    for project_id, code in provinces:
        condition |= Q(kind=Kind.PROVINCIAL, project_id=project_id, province_id=code)
    rows = (
        Briefing.objects.filter(condition)
        .values_list(
            "kind", "provider_subject_id", "training_class_id", "project_id", "province_id", "state", "number"
        )
        .order_by("number")
    )
    out: dict[tuple, tuple[int, int, list[int]]] = {}
    for kind, ps_id, class_id, project_id, code, state, number in rows:
        key = (
            (kind, ps_id)
            if kind == Kind.EXPERT
            else (kind, class_id)
            if kind == Kind.CLASS
            else (kind, project_id, code)
        )
        published, drafts, numbers = out.get(key, (0, 0, []))
        if state == Briefing.State.PUBLISHED:
            out[key] = (published + 1, drafts, [*numbers, number])
        else:
            out[key] = (published, drafts + 1, numbers)
    return out


def project_scopes(*, project: Project, actor=None) -> dict[str, list[ScopeRef]]:
    """Every scope of the project by kind (every provider's subject, class and province), or those the
    actor follows (BriefingPerm.STANDINGS: the office all, a province's lead its classes and its province,
    a city's lead the classes of its city, a provider its subjects)."""
    subjects = ProviderSubject.objects.filter(project=project).select_related(
        "project", "subject", "provider"
    )
    classes = TrainingClass.objects.filter(project=project).select_related("project", "subject", "province")
    provinces = project.provinces.filter(level=Region.Level.PROVINCE).order_by("code")
    if actor is not None:
        subjects = visible(actor=actor, model=ProviderSubject, perm=BriefingPerm.STANDINGS, queryset=subjects)
        classes = visible(actor=actor, model=TrainingClass, perm=BriefingPerm.STANDINGS, queryset=classes)
        provinces = provinces.filter(
            code__in=regions_in_scope(actor=actor, perm=BriefingPerm.STANDINGS).values("code")
        )
    return {
        Kind.EXPERT: [
            ScopeRef(Kind.EXPERT, project, provider_subject=ps)
            for ps in subjects.order_by("subject_id", "pk")
        ],
        Kind.CLASS: [
            ScopeRef(Kind.CLASS, project, training_class=k)
            for k in classes.order_by("subject_id", "name", "pk")
        ],
        Kind.PROVINCIAL: [ScopeRef(Kind.PROVINCIAL, project, province=r) for r in provinces],
    }


def scope_unit_visible(*, actor, scope: ScopeRef) -> bool:
    if not has_any(actor=actor, perm=BriefingPerm.STANDINGS):
        return False
    return scope in project_scopes(project=scope.project, actor=actor)[scope.kind]


def measure(kind: str):
    """The core.rules measure of a kind: every scope of the project against its rule."""

    def measure_project(project) -> list[rules.Standing]:
        return [s.as_rule_standing() for s in standings_for(project_scopes(project=project)[kind])]

    return measure_project


def menu_question(user) -> bool:
    """简报 in the menu: for those who read, write or follow briefings. Asked from the person's roles alone
    (their grants are read once for the whole menu): the admins and experts hold BriefingPerm.VIEW, tutors
    and learners their own role; no query of its own, as the menu is on every page."""
    return has_any(actor=user, perm=BriefingPerm.VIEW) or any(
        g.role in (Role.TUTOR, Role.LEARNER) for g in grants_for(user)
    )
