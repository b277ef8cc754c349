"""The duty part of `teachnet demo` (ACT-3): 北京师范大学's duty roster for 国培计划(2010)'s remote training.

初中体育's expert team gets two more experts with accounts (through the training services, as the provider
would add them), so that three can be on duty every day: the demo chief expert `expert` and the two. Every
day of the remote training has the three on duty except one day of next week with two, so the provider's and
the office's pages show the warning. Idempotent: a roster that exists (the demo's, or one the provider has
edited since) is left as it is.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from teachnet.accounts.models import User
from teachnet.orgs.models import Organization
from teachnet.training.models import ExpertTeamMember, Project, ProviderSubject
from teachnet.training.services import expert_team_check, team_member_add, team_submit

from . import selectors, services
from .models import DutyShift

PROVIDER = "北京师范大学"
SUBJECT = "初中体育"
# The two experts added for duty: name, organization, title, phone (accounts without a password yet: they
# would activate them with a code, ORG-4).
DUTY_EXPERTS = (
    ("李卫东", "北京师范大学体育与运动学院", "副教授", "13911080012"),
    ("张秀芳", "首都体育学院", "教授", "13911080013"),
)


def short_day(today: dt.date) -> dt.date:
    """Wednesday of next week: the day left with two experts."""
    return today + dt.timedelta(days=7 - today.weekday() + 2)


def _experts_ensure(provider_admin: User, ps: ProviderSubject) -> list[User]:
    users = []
    for name, org, title, phone in DUTY_EXPERTS:
        member = ExpertTeamMember.objects.filter(provider_subject=ps, name=name).first()
        if member is None:
            member, _code = team_member_add(
                actor=provider_admin,
                provider_subject=ps,
                name=name,
                role=ExpertTeamMember.Role.EXPERT,
                organization=org,
                title=title,
                phone=phone,
            )
        if member.user is not None:
            users.append(member.user)
    ps.refresh_from_db()
    if ps.submitted_at is None and not expert_team_check(provider_subject=ps):
        team_submit(actor=provider_admin, provider_subject=ps)  # the additions took the submission back
    return users


@transaction.atomic
def demo_duty_ensure(*, project: Project) -> dict[str, object]:
    provider = Organization.objects.filter(name=PROVIDER).order_by("pk").first()
    ps = (
        ProviderSubject.objects.filter(
            project=project, provider=provider, subject__stage="初中", subject__name="体育"
        )
        .select_related("project", "provider")
        .first()
    )
    logins = {u.username: u for u in User.objects.filter(username__in=["provider", "expert"])}
    if provider is None or ps is None or len(logins) < 2:
        return {"status": "skipped: 北京师范大学 · 初中体育 or a demo login is missing", "shifts": 0}
    experts = [logins["expert"], *_experts_ensure(logins["provider"], ps)]
    if DutyShift.objects.filter(project=project, provider=provider).exists():
        return {"status": "roster already there", "shifts": 0, "experts": len(experts)}
    start, end = selectors.duty_window(project=project)
    thin = short_day(timezone.localdate())
    made = 0
    day = start
    while day <= end:
        on_duty = experts[:2] if day == thin else experts
        made += len(
            services.roster_set(
                actor=logins["provider"], project=project, provider=provider, day=day, experts=on_duty
            )
        )
        day += dt.timedelta(days=1)
    return {"status": "roster made", "shifts": made, "experts": len(experts), "short_day": thin.isoformat()}
