"""Builders for the training tests: a second provider with its own admin, subjects, full teams."""

from teachnet.accounts.tests.factories import persona
from teachnet.orgs.models import Organization, Region
from teachnet.training.catalog import GP2011_SUBJECTS
from teachnet.training.models import ExpertTeamMember, ProviderSubject
from teachnet.training.services import subjects_ensure

Role = ExpertTeamMember.Role


def subjects_of(project) -> dict:
    return {s.label: s for s in subjects_ensure(project=project, specs=GP2011_SUBJECTS)}


def other_provider(project) -> Organization:
    """西南大学, provider B: must see nothing of 北京师范大学's teams."""
    swu = Organization.objects.create(
        name="西南大学", type=Organization.Type.UNIVERSITY, region=Region.objects.get(code="500109")
    )
    project.providers.add(swu)
    return swu


def other_provider_admin(project, provider):
    return persona("swu_admin", "provider_admin", organization=provider, project=project, home_org=provider)


def assign(project, provider, label) -> ProviderSubject:
    return ProviderSubject.objects.create(
        project=project, provider=provider, subject=subjects_of(project)[label]
    )


def team_fill(provider_subject, *, chiefs=1, experts=5, frontline=3, researchers=1) -> None:
    """Members straight into the table (the composition is what is under test, not the add service)."""
    counts = [
        (Role.CHIEF_EXPERT, chiefs),
        (Role.EXPERT, experts),
        (Role.FRONTLINE_TEACHER, frontline),
        (Role.TEACHING_RESEARCHER, researchers),
    ]
    n = provider_subject.members.count()
    for role, count in counts:
        for _ in range(count):
            n += 1
            ExpertTeamMember.objects.create(provider_subject=provider_subject, name=f"成员{n}", role=role)
