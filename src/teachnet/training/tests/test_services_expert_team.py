"""TRN-3: the expert team's composition check, member changes, and submission refused while problems exist."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from teachnet.accounts.models import RoleAssignment, User
from teachnet.core.models import AuditEvent
from teachnet.training.models import ExpertTeamMember
from teachnet.training.services import expert_team_check, team_member_add, team_member_remove, team_submit

from .factories import Role, assign, other_provider, other_provider_admin, team_fill

pytestmark = pytest.mark.django_db


@pytest.fixture
def bnu_pe(project, orgs):
    return assign(project, orgs["bnu"], "初中体育")


def test_a_good_team_has_no_problems(bnu_pe):
    team_fill(bnu_pe, chiefs=1, experts=5, frontline=3, researchers=1)  # 10 people, 4 front-line = 40 %
    assert expert_team_check(provider_subject=bnu_pe) == []


def test_an_empty_team_fails_every_rule(bnu_pe):
    assert len(expert_team_check(provider_subject=bnu_pe)) == 3


@pytest.mark.parametrize(
    ("counts", "word"),
    [
        ({"chiefs": 1, "experts": 4, "frontline": 3, "researchers": 1}, "10–20"),  # 9 people
        ({"chiefs": 1, "experts": 11, "frontline": 8, "researchers": 1}, "10–20"),  # 21 people
        ({"chiefs": 0, "experts": 6, "frontline": 3, "researchers": 1}, "首席专家"),
        ({"chiefs": 2, "experts": 4, "frontline": 3, "researchers": 1}, "首席专家"),
        ({"chiefs": 1, "experts": 6, "frontline": 2, "researchers": 1}, "40%"),  # 3 of 10
    ],
)
def test_each_rule_names_its_problem(bnu_pe, counts, word):
    team_fill(bnu_pe, **counts)
    problems = expert_team_check(provider_subject=bnu_pe)
    assert len(problems) == 1 and word in problems[0]


def test_provider_admin_adds_a_member_with_an_account(provider_admin, bnu_pe, orgs):
    member, code = team_member_add(
        actor=provider_admin,
        provider_subject=bnu_pe,
        name="王老师",
        role=Role.CHIEF_EXPERT,
        organization="北京师范大学",
        title="教授",
        phone="13800138000",
    )
    assert code  # shown once, handed over by the admin
    user = member.user
    assert user.real_name == "王老师" and not user.has_usable_password() and user.activated_at is None
    assert RoleAssignment.objects.filter(
        user=user, role="chief_expert", organization=orgs["bnu"], project=bnu_pe.project
    ).exists()
    assert AuditEvent.objects.filter(verb="training.team_member_added").exists()


def test_a_member_without_phone_has_no_account(provider_admin, bnu_pe):
    member, code = team_member_add(
        actor=provider_admin, provider_subject=bnu_pe, name="李老师", role=Role.FRONTLINE_TEACHER
    )
    assert member.user is None and code is None


def test_a_person_appears_once(provider_admin, bnu_pe):
    team_member_add(actor=provider_admin, provider_subject=bnu_pe, name="李老师", role=Role.EXPERT)
    with pytest.raises(ValidationError) as exc:
        team_member_add(actor=provider_admin, provider_subject=bnu_pe, name="李老师", role=Role.EXPERT)
    assert "name" in exc.value.message_dict


def test_a_phone_already_used_is_refused_on_the_phone_field(provider_admin, bnu_pe):
    team_member_add(
        actor=provider_admin, provider_subject=bnu_pe, name="王老师", role=Role.EXPERT, phone="13800138000"
    )
    with pytest.raises(ValidationError) as exc:
        team_member_add(
            actor=provider_admin,
            provider_subject=bnu_pe,
            name="赵老师",
            role=Role.EXPERT,
            phone="13800138000",
        )
    assert "phone" in exc.value.message_dict
    assert User.objects.filter(real_name="赵老师").count() == 0


def test_submission_refused_while_problems_exist(provider_admin, bnu_pe):
    team_fill(bnu_pe, chiefs=1, experts=6, frontline=2, researchers=1)
    with pytest.raises(ValidationError) as exc:
        team_submit(actor=provider_admin, provider_subject=bnu_pe)
    assert "40%" in exc.value.messages[0]
    bnu_pe.refresh_from_db()
    assert bnu_pe.submitted_at is None


def test_submission_of_a_good_team_is_recorded(provider_admin, bnu_pe):
    team_fill(bnu_pe)
    team_submit(actor=provider_admin, provider_subject=bnu_pe)
    bnu_pe.refresh_from_db()
    assert bnu_pe.submitted_at is not None
    assert AuditEvent.objects.filter(verb="training.team_submitted", target_id=str(bnu_pe.pk)).exists()


def test_a_change_after_submission_takes_it_back(provider_admin, bnu_pe):
    team_fill(bnu_pe)
    team_submit(actor=provider_admin, provider_subject=bnu_pe)
    team_member_remove(actor=provider_admin, member=bnu_pe.members.filter(role=Role.EXPERT).first())
    bnu_pe.refresh_from_db()
    assert bnu_pe.submitted_at is None
    assert AuditEvent.objects.filter(verb="training.team_withdrawn").exists()


@pytest.mark.parametrize("persona", ["chief_expert", "project_office", "gz_city_lead"])
def test_only_the_providers_admin_manages_the_team(request, persona, bnu_pe):
    actor = request.getfixturevalue(persona)
    team_fill(bnu_pe)
    with pytest.raises(PermissionDenied):
        team_member_add(actor=actor, provider_subject=bnu_pe, name="某人", role=Role.EXPERT)
    with pytest.raises(PermissionDenied):
        team_member_remove(actor=actor, member=bnu_pe.members.first())
    with pytest.raises(PermissionDenied):
        team_submit(actor=actor, provider_subject=bnu_pe)


def test_provider_b_cannot_touch_provider_as_team(project, bnu_pe):
    swu_admin = other_provider_admin(project, other_provider(project))
    with pytest.raises(PermissionDenied):
        team_member_add(actor=swu_admin, provider_subject=bnu_pe, name="某人", role=Role.EXPERT)
    assert ExpertTeamMember.objects.count() == 0
