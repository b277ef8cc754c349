"""TRN-2: providers are assigned subjects by the project office; the demo loads the plan's assignment."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from teachnet.accounts.permissions import visible
from teachnet.accounts.roles import Perm
from teachnet.core.models import AuditEvent
from teachnet.orgs.models import Organization, Region
from teachnet.training.demo import GP2011_PROVIDER_SUBJECTS, demo_training_ensure
from teachnet.training.models import ProviderSubject
from teachnet.training.services import provider_subject_assign, provider_subject_unassign

from .factories import assign, other_provider, other_provider_admin, subjects_of, team_fill

pytestmark = pytest.mark.django_db


def test_project_office_assigns_a_subject_once(project_office, project, orgs):
    pe = subjects_of(project)["初中体育"]
    first = provider_subject_assign(actor=project_office, project=project, provider=orgs["bnu"], subject=pe)
    again = provider_subject_assign(actor=project_office, project=project, provider=orgs["bnu"], subject=pe)
    assert first == again
    assert AuditEvent.objects.filter(verb="training.provider_subject_assigned").count() == 1


def test_the_provider_joins_the_project(project_office, project):
    swu = Organization.objects.create(
        name="西南大学", type=Organization.Type.UNIVERSITY, region=Region.objects.get(code="500109")
    )
    provider_subject_assign(
        actor=project_office, project=project, provider=swu, subject=subjects_of(project)["初中物理"]
    )
    assert project.providers.filter(pk=swu.pk).exists()


def test_only_providers_and_universities_take_subjects(project_office, project, orgs):
    with pytest.raises(ValidationError) as exc:
        provider_subject_assign(
            actor=project_office,
            project=project,
            provider=orgs["gz_school"],
            subject=subjects_of(project)["初中物理"],
        )
    assert "provider" in exc.value.message_dict


@pytest.mark.parametrize("persona", ["gz_city_lead", "gd_province_lead", "provider_admin"])
def test_nobody_else_assigns(request, persona, project, orgs):
    with pytest.raises(PermissionDenied):
        provider_subject_assign(
            actor=request.getfixturevalue(persona),
            project=project,
            provider=orgs["bnu"],
            subject=subjects_of(project)["初中物理"],
        )


def test_unassign_refused_once_a_team_exists(project_office, project, orgs):
    ps = assign(project, orgs["bnu"], "初中体育")
    team_fill(ps, chiefs=1, experts=0, frontline=0, researchers=0)
    with pytest.raises(ValidationError):
        provider_subject_unassign(actor=project_office, provider_subject=ps)
    ps.members.all().delete()
    provider_subject_unassign(actor=project_office, provider_subject=ps)
    assert not ProviderSubject.objects.filter(pk=ps.pk).exists()


def test_visibility_alice_bob_charlie(
    project_office, provider_admin, chief_expert, gz_city_lead, project, orgs
):
    bnu_pe = assign(project, orgs["bnu"], "初中体育")
    swu = other_provider(project)
    swu_admin = other_provider_admin(project, swu)
    swu_physics = assign(project, swu, "初中物理")

    def seen(user):
        return set(visible(actor=user, model=ProviderSubject, perm=Perm.TEAM_VIEW))

    assert seen(project_office) == {bnu_pe, swu_physics}
    assert seen(provider_admin) == {bnu_pe}
    assert seen(chief_expert) == {bnu_pe}
    assert seen(swu_admin) == {swu_physics}
    assert seen(gz_city_lead) == set()  # leads read the overview, not the providers' workspaces


def test_demo_loads_the_plans_assignment(project, regions):
    from teachnet.training.models import Phase

    for name in GP2011_PROVIDER_SUBJECTS:
        if not Organization.objects.filter(name=name).exists():
            Organization.objects.create(name=name, type=Organization.Type.PROVIDER, region=regions["110108"])
    figures = demo_training_ensure(project=project)
    assert figures["provider_subjects"] == 19 and figures["providers_missing"] == 0
    assert figures["phases"] == 6 and project.phases.filter(kind=Phase.Kind.REMOTE_TRAINING).exists()
    taken = {ps.subject.label: ps.provider.name for ps in ProviderSubject.objects.filter(project=project)}
    assert len(taken) == 19  # every subject, each by one provider
    assert taken["小学体育"] == taken["初中体育"] == "北京师范大学"
    assert taken["初中物理"] == "西南大学"
    assert taken["小学品德与生活"] == "百年树人网"
    # A second run changes nothing.
    assert demo_training_ensure(project=project) == {
        "phases": 0,
        "provider_subjects": 0,
        "providers_missing": 0,
    }
