"""Writes of the training app: enrollments and subjects (TRN-1), phase dates (TRN-1), providers' subjects
(TRN-2), expert teams and their submission (TRN-3).

Every write that someone may later ask about (a date moved, a subject given to a provider, a member added or
removed, a team submitted) leaves an audit event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from teachnet.accounts.models import RoleAssignment
from teachnet.accounts.permissions import can
from teachnet.accounts.roles import Perm, Role
from teachnet.accounts.services import activation_codes_issue, code_format, role_assign, user_create
from teachnet.core import freshness
from teachnet.core.bulk import bulk_insert
from teachnet.core.services import audit_record
from teachnet.orgs.models import Organization

from .models import Enrollment, ExpertTeamMember, Phase, Project, ProviderSubject, Subject


def enrollments_add(
    *,
    project: Project,
    entries: Iterable[tuple[int, int, str, str]],
    source: str = "",
    users_are_new: bool = False,
) -> int:
    """(user id, subject id, role, city code) each; a person already enrolled in the project keeps their
    enrollment (a re-approval never enrolls twice). With `users_are_new` (accounts opened in the caller's
    transaction, enrolled nowhere yet) the rows are copied in without the conflict check."""
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
    return bulk_insert(Enrollment, rows, ignore_conflicts=not users_are_new)


def subjects_ensure(*, project: Project, specs) -> list[Subject]:
    """The project's subjects (TRN-1) from the catalog; idempotent."""
    Subject.objects.bulk_create(
        [Subject(project=project, stage=s.stage, name=s.name) for s in specs], ignore_conflicts=True
    )
    freshness.bump()  # bulk_create sends no signals
    return list(Subject.objects.filter(project=project))


# --- Phases (TRN-1) -----------------------------------------------------------------------------------------

Dates = tuple[dt.date, dt.date]

# Each pair: the later phase may not start before the earlier one ends (GP 六: resources are approved before
# trainers are trained, trainers are trained before the remote training, which ends before the summary).
PHASE_ORDER: tuple[tuple[str, str], ...] = (
    (Phase.Kind.RESOURCE_REVIEW, Phase.Kind.TRAINER_TRAINING),
    (Phase.Kind.TRAINER_TRAINING, Phase.Kind.REMOTE_TRAINING),
    (Phase.Kind.REMOTE_TRAINING, Phase.Kind.SUMMARY),
)


def phase_field(kind: str, end: str) -> str:
    """The name a phase's date goes by in forms and error dicts: remote_training_starts_on."""
    return f"{kind}_{end}"


def check_phases(*, dates: Mapping[str, Dates]) -> dict[str, list[str]]:
    """The contradictions in a project's phase dates, by field; empty when they agree."""
    errors: dict[str, list[str]] = {}
    for kind, (starts_on, ends_on) in dates.items():
        if ends_on < starts_on:
            errors.setdefault(phase_field(kind, "ends_on"), []).append(_("结束日期不能早于开始日期。"))
    for earlier, later in PHASE_ORDER:
        if earlier in dates and later in dates and dates[later][0] < dates[earlier][1]:
            errors.setdefault(phase_field(later, "starts_on"), []).append(
                _("%(later)s不能在%(earlier)s结束（%(day)s）之前开始。")
                % {
                    "later": Phase.Kind(later).label,
                    "earlier": Phase.Kind(earlier).label,
                    "day": dates[earlier][1].isoformat(),
                }
            )
    return errors


def may_manage_project(*, actor, project: Project) -> bool:
    return can(actor=actor, perm=Perm.PROJECT_MANAGE, obj=project)


@transaction.atomic
def phases_set(*, actor, project: Project, dates: Mapping[str, Dates | None]) -> list[Phase]:
    """Set the project's phase dates; a kind given as None is removed, a kind not given is kept.

    The whole set is checked together, including the phases kept, so no order of edits can leave a
    contradiction behind.
    """
    if not may_manage_project(actor=actor, project=project):
        raise PermissionDenied(_("只有项目办可以设置项目阶段。"))
    unknown = set(dates) - set(Phase.Kind.values)
    if unknown:
        raise ValidationError(_("未知的阶段：%(kinds)s") % {"kinds": ", ".join(sorted(unknown))})
    before = {p.kind: (p.starts_on, p.ends_on) for p in Phase.objects.filter(project=project)}
    after = {**before, **dates}
    after = {kind: pair for kind, pair in after.items() if pair is not None}
    errors = check_phases(dates=after)
    if errors:
        raise ValidationError(errors)
    Phase.objects.filter(project=project).exclude(kind__in=list(after)).delete()
    for kind, (starts_on, ends_on) in after.items():
        Phase.objects.update_or_create(
            project=project, kind=kind, defaults={"starts_on": starts_on, "ends_on": ends_on}
        )
    if before != after:
        audit_record(
            actor=actor,
            verb="training.phases_set",
            target=project,
            data={
                "before": {k: [d.isoformat() for d in v] for k, v in before.items()},
                "after": {k: [d.isoformat() for d in v] for k, v in after.items()},
            },
        )
    return list(Phase.objects.filter(project=project))


# --- Providers' subjects (TRN-2) ----------------------------------------------------------------------------

PROVIDER_TYPES = (Organization.Type.PROVIDER, Organization.Type.UNIVERSITY)


@transaction.atomic
def provider_subject_assign(
    *, actor, project: Project, provider: Organization, subject: Subject
) -> ProviderSubject:
    """Give a subject of the project to a provider; assigning it again changes nothing."""
    if actor is not None and not may_manage_project(actor=actor, project=project):
        raise PermissionDenied(_("只有项目办可以分配承担学科。"))
    if provider.type not in PROVIDER_TYPES:
        raise ValidationError({"provider": _("承担单位必须是培训机构或高等院校。")})
    if subject.project_id != project.pk:
        raise ValidationError({"subject": _("该学科不属于本项目。")})
    assignment, created = ProviderSubject.objects.get_or_create(
        project=project, provider=provider, subject=subject
    )
    if created:
        # The project's provider list is what an organization grant reaches the project through.
        project.providers.add(provider)
        audit_record(
            actor=actor,
            verb="training.provider_subject_assigned",
            target=assignment,
            data={"provider": provider.pk, "subject": subject.label},
        )
    return assignment


@transaction.atomic
def provider_subject_unassign(*, actor, provider_subject: ProviderSubject) -> None:
    """Take a subject back from a provider, as long as no expert team has been built for it."""
    if not may_manage_project(actor=actor, project=provider_subject.project):
        raise PermissionDenied(_("只有项目办可以分配承担学科。"))
    if provider_subject.members.exists():
        raise ValidationError(_("该单位已为此学科组建专家团队，不能取消分配。"))
    audit_record(
        actor=actor,
        verb="training.provider_subject_unassigned",
        target=provider_subject,
        data={"provider": provider_subject.provider_id, "subject": provider_subject.subject.label},
    )
    provider_subject.delete()


# --- Expert teams (TRN-3) -----------------------------------------------------------------------------------

TEAM_MIN, TEAM_MAX = 10, 20
FRONTLINE_MIN_PERCENT = 40


def expert_team_check(*, provider_subject: ProviderSubject) -> list[str]:
    """What keeps the team from being submitted (GP 五.4(1)): 10–20 people, exactly one chief expert, at
    least 40 % front-line teachers or teaching researchers. Empty when the team is fine."""
    roles = list(provider_subject.members.values_list("role", flat=True))
    return team_problems(roles=roles)


def team_problems(*, roles: list[str]) -> list[str]:
    """The composition rules over the members' roles, for callers that already hold the members."""
    problems = []
    size = len(roles)
    if not TEAM_MIN <= size <= TEAM_MAX:
        problems.append(
            _("团队应有 %(min)d–%(max)d 人，现有 %(size)d 人。")
            % {"min": TEAM_MIN, "max": TEAM_MAX, "size": size}
        )
    chiefs = roles.count(ExpertTeamMember.Role.CHIEF_EXPERT)
    if chiefs != 1:
        problems.append(_("团队应有且只有 1 名首席专家，现有 %(n)d 名。") % {"n": chiefs})
    frontline = sum(1 for r in roles if r in ExpertTeamMember.FRONTLINE_ROLES)
    # Integer arithmetic: 4 of 10 is exactly 40 %, with no float rounding to argue about.
    if size == 0 or frontline * 100 < FRONTLINE_MIN_PERCENT * size:
        problems.append(
            _("一线优秀教师和教研员应不少于 %(min)d%%，现有 %(n)d/%(size)d 人。")
            % {"min": FRONTLINE_MIN_PERCENT, "n": frontline, "size": size}
        )
    return problems


def may_manage_team(*, actor, provider_subject: ProviderSubject) -> bool:
    return can(actor=actor, perm=Perm.TEAM_MANAGE, obj=provider_subject)


def _check_manage_team(*, actor, provider_subject: ProviderSubject) -> None:
    if not may_manage_team(actor=actor, provider_subject=provider_subject):
        raise PermissionDenied(_("只有承担单位的管理员可以管理专家团队。"))


def _withdraw_submission(*, actor, provider_subject: ProviderSubject) -> None:
    # A submitted team is the team that passed the check; a later change takes the submission back, so
    # submitted_at never vouches for a composition that was not checked. The row is asked, not the
    # caller's copy, which may predate the submission.
    withdrawn = ProviderSubject.objects.filter(pk=provider_subject.pk, submitted_at__isnull=False).update(
        submitted_at=None, updated_at=timezone.now()
    )
    provider_subject.submitted_at = None
    if withdrawn:
        freshness.bump()
        audit_record(actor=actor, verb="training.team_withdrawn", target=provider_subject)


@transaction.atomic
def team_member_add(
    *,
    actor,
    provider_subject: ProviderSubject,
    name: str,
    role: str,
    organization: str = "",
    title: str = "",
    phone: str = "",
    user=None,
) -> tuple[ExpertTeamMember, str | None]:
    """Add a person to the team. With a phone (and no account given) the person's account is created, with
    no password, and its one-time activation code is returned for the admin to hand over (ORG-4)."""
    _check_manage_team(actor=actor, provider_subject=provider_subject)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写姓名。")})
    if role not in ExpertTeamMember.Role.values:
        raise ValidationError({"role": _("请选择团队角色。")})
    team = provider_subject.members
    if user is None and team.filter(name=name, user__isnull=True).exists():
        raise ValidationError({"name": _("%(name)s 已在团队中。") % {"name": name}})
    if user is not None and team.filter(user=user).exists():
        raise ValidationError({"name": _("%(name)s 已在团队中。") % {"name": name}})
    code = None
    if user is None and phone.strip():
        user = user_create(real_name=name, phone=phone, organization=provider_subject.provider)
        code = code_format(activation_codes_issue(users=[user], issued_by=actor)[0].code)
        audit_record(actor=actor, verb="activation_code.issued", target=user)
    if user is not None:
        # The role makes the expert's account reachable by the provider and opens the project to them.
        expert_role = Role.CHIEF_EXPERT if role == ExpertTeamMember.Role.CHIEF_EXPERT else Role.SUBJECT_EXPERT
        if not RoleAssignment.objects.filter(
            user=user,
            role=expert_role,
            organization=provider_subject.provider,
            project=provider_subject.project,
        ).exists():
            role_assign(
                actor=actor,
                user=user,
                role=expert_role,
                organization=provider_subject.provider,
                project=provider_subject.project,
            )
    try:
        with transaction.atomic():
            member = ExpertTeamMember.objects.create(
                provider_subject=provider_subject,
                user=user,
                name=name,
                role=role,
                organization=organization.strip(),
                title=title.strip(),
            )
    except IntegrityError as exc:  # a concurrent add of the same person
        raise ValidationError({"name": _("%(name)s 已在团队中。") % {"name": name}}) from exc
    _withdraw_submission(actor=actor, provider_subject=provider_subject)
    audit_record(
        actor=actor,
        verb="training.team_member_added",
        target=provider_subject,
        data={"member": member.pk, "name": name, "role": role, "account": user.pk if user else None},
    )
    return member, code


@transaction.atomic
def team_member_remove(*, actor, member: ExpertTeamMember) -> None:
    provider_subject = member.provider_subject
    _check_manage_team(actor=actor, provider_subject=provider_subject)
    audit_record(
        actor=actor,
        verb="training.team_member_removed",
        target=provider_subject,
        data={"member": member.pk, "name": member.name, "role": member.role},
    )
    member.delete()
    _withdraw_submission(actor=actor, provider_subject=provider_subject)


@transaction.atomic
def team_submit(*, actor, provider_subject: ProviderSubject) -> ProviderSubject:
    """Submit the team for the course review that follows (TRN-4); refused while the check finds problems."""
    provider_subject = ProviderSubject.objects.select_for_update().get(pk=provider_subject.pk)
    _check_manage_team(actor=actor, provider_subject=provider_subject)
    problems = expert_team_check(provider_subject=provider_subject)
    if problems:
        raise ValidationError(problems, code="team_incomplete")
    if provider_subject.submitted_at is not None:
        raise ValidationError(_("专家团队已提交。"), code="already_submitted")
    provider_subject.submitted_at = timezone.now()
    provider_subject.save(update_fields=["submitted_at", "updated_at"])
    audit_record(
        actor=actor,
        verb="training.team_submitted",
        target=provider_subject,
        data={"members": list(provider_subject.members.values_list("name", "role"))},
    )
    return provider_subject
