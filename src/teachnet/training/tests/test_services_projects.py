"""TRN-1: creating and changing a project without the admin. Who may create (the project office over the
nation, whatever project its role is bound to) and who may not; the creator can manage what they created;
a province or provider that something still relies on stays; every write is an audit event."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from teachnet.accounts.models import RoleAssignment
from teachnet.accounts.permissions import can
from teachnet.accounts.roles import Perm, Role
from teachnet.accounts.tests.factories import UserFactory, persona
from teachnet.core.models import AuditEvent
from teachnet.orgs.models import Region
from teachnet.training.models import Enrollment, Project, Quota
from teachnet.training.services_projects import may_create_project, project_create, project_update

from .factories import assign, subjects_of

pytestmark = pytest.mark.django_db


def provinces(*codes):
    return list(Region.objects.filter(code__in=codes))


def new_project(actor, orgs, **overrides):
    fields = {
        "name": "国培计划(2012)——中西部项目",
        "short_name": "国培(2012)",
        "year": 2012,
        "target_headcount": 50000,
        "office": orgs["office"],
        "provinces": provinces("510000", "520000"),
        "providers": [orgs["bnu"]],
    }
    fields.update(overrides)
    return project_create(actor=actor, **fields)


# --- Creating ------------------------------------------------------------------------------------------


def test_project_office_over_the_nation_creates_a_project(project_office, orgs):
    created = new_project(project_office, orgs)

    created.refresh_from_db()
    assert (created.name, created.short_name, created.year, created.target_headcount) == (
        "国培计划(2012)——中西部项目",
        "国培(2012)",
        2012,
        50000,
    )
    assert created.office == orgs["office"]
    assert set(created.provinces.values_list("code", flat=True)) == {"510000", "520000"}
    assert list(created.providers.all()) == [orgs["bnu"]]
    event = AuditEvent.objects.get(verb="training.project_created")
    assert event.actor == project_office and event.target_id == str(created.pk)
    assert event.data["provinces"] == ["510000", "520000"]


def test_creator_bound_to_another_project_is_given_the_role_for_the_new_one(project_office, project, orgs):
    # Given the office's role is held for 国培计划(2011) only
    assert not can(actor=project_office, perm=Perm.PROJECT_MANAGE, obj=Project(pk=10**6))

    created = new_project(project_office, orgs)

    grant = RoleAssignment.objects.get(user=project_office, project=created)
    assert (grant.role, grant.region_id) == (Role.PROJECT_OFFICE, "000000")
    assert can(actor=project_office, perm=Perm.PROJECT_MANAGE, obj=created)
    assert can(actor=project_office, perm=Perm.PROJECT_MANAGE, obj=project)  # the old role stays
    granted = AuditEvent.objects.get(verb="role.granted")
    assert granted.data["rule"] == "training.project_creator"


def test_creator_with_an_unbound_grant_needs_no_new_role(orgs, regions):
    office = persona("nation_office", "project_office", region=regions["000000"], home_org=orgs["office"])
    created = new_project(office, orgs)
    assert not RoleAssignment.objects.filter(project=created).exists()
    assert can(actor=office, perm=Perm.PROJECT_MANAGE, obj=created)


def test_superuser_creates_without_a_role(orgs):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    created = new_project(admin, orgs)
    assert not RoleAssignment.objects.filter(user=admin).exists()
    assert created.pk


@pytest.mark.parametrize("persona_name", ["gz_city_lead", "gd_province_lead", "provider_admin"])
def test_leads_and_providers_cannot_create(request, persona_name, orgs):
    actor = request.getfixturevalue(persona_name)
    assert not may_create_project(actor=actor)
    with pytest.raises(PermissionDenied):
        new_project(actor, orgs)
    assert Project.objects.count() == 1  # the fixture's


def test_project_office_below_the_nation_cannot_create(project, orgs, regions):
    gd_office = persona("gd_office", "project_office", region=regions["440000"], project=project)
    assert not may_create_project(actor=gd_office)
    with pytest.raises(PermissionDenied):
        new_project(gd_office, orgs)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": "  "}, "name"),
        ({"name": "国培计划(2011)——义务教育骨干教师远程培训项目"}, "name"),  # the fixture's name
        ({"year": 1999}, "year"),
        ({"year": 2101}, "year"),
        ({"target_headcount": -1}, "target_headcount"),
        ({"provinces": []}, "provinces"),
    ],
)
def test_bad_fields_are_refused_on_their_field(project_office, project, orgs, overrides, field):
    with pytest.raises(ValidationError) as info:
        new_project(project_office, orgs, **overrides)
    assert field in info.value.message_dict
    assert Project.objects.count() == 1


def test_a_city_is_not_a_province(project_office, orgs):
    with pytest.raises(ValidationError) as info:
        new_project(project_office, orgs, provinces=provinces("440100"))
    assert "广州市不是省级地区。" in info.value.message_dict["provinces"]


def test_office_and_providers_of_the_wrong_type_are_refused(project_office, orgs):
    with pytest.raises(ValidationError) as info:
        new_project(project_office, orgs, office=orgs["gd_bureau"], providers=[orgs["gz_school"]])
    assert set(info.value.message_dict) == {"office", "providers"}


def test_the_boundary_years_are_accepted(project_office, orgs):
    assert new_project(project_office, orgs, year=2000, name="甲").year == 2000
    assert new_project(project_office, orgs, year=2100, name="乙").year == 2100


# --- Changing ------------------------------------------------------------------------------------------


def test_project_office_changes_the_fields_given(project_office, project, orgs):
    project_update(actor=project_office, project=project, target_headcount=120000, short_name="国培")
    project.refresh_from_db()
    assert (project.target_headcount, project.short_name, project.year) == (120000, "国培", 2011)
    event = AuditEvent.objects.get(verb="training.project_updated")
    assert event.data == {
        "short_name": {"before": "国培计划(2011)", "after": "国培"},
        "target_headcount": {"before": 100000, "after": 120000},
    }


@pytest.mark.parametrize("persona_name", ["gz_city_lead", "gd_province_lead", "provider_admin"])
def test_leads_and_providers_cannot_change_a_project(request, persona_name, project):
    actor = request.getfixturevalue(persona_name)
    with pytest.raises(PermissionDenied):
        project_update(actor=actor, project=project, year=2012)
    project.refresh_from_db()
    assert project.year == 2011


def test_a_province_with_quotas_cannot_be_removed(project_office, project, regions):
    math = subjects_of(project)["初中数学"]
    Quota.objects.create(project=project, region=regions["440100"], subject=math, places=120)
    Quota.objects.create(project=project, region=regions["440000"], subject=math, places=300)

    with pytest.raises(ValidationError) as info:
        project_update(actor=project_office, project=project, provinces=[regions["110000"]])

    [message] = info.value.message_dict["provinces"]
    assert "广东省" in message and "2 条名额" in message
    assert set(project.provinces.values_list("code", flat=True)) == {"440000", "110000"}


def test_a_province_with_enrollments_cannot_be_removed(project_office, project, regions, learner):
    math = subjects_of(project)["初中数学"]
    Enrollment.objects.create(
        project=project, subject=math, user=learner, role=Enrollment.Role.LEARNER, region=regions["440100"]
    )
    with pytest.raises(ValidationError) as info:
        project_update(actor=project_office, project=project, provinces=[regions["110000"]])
    assert "1 条参训记录" in info.value.message_dict["provinces"][0]


def test_a_province_holding_nothing_is_removed_and_another_added(project_office, project, regions):
    project_update(actor=project_office, project=project, provinces=provinces("440000", "320000"))
    assert set(project.provinces.values_list("code", flat=True)) == {"440000", "320000"}
    event = AuditEvent.objects.get(verb="training.project_updated")
    assert event.data["provinces"] == {"before": ["110000", "440000"], "after": ["320000", "440000"]}


def test_a_provider_with_subjects_cannot_be_removed(project_office, project, orgs):
    assign(project, orgs["bnu"], "初中体育")
    with pytest.raises(ValidationError) as info:
        project_update(actor=project_office, project=project, providers=[])
    [message] = info.value.message_dict["providers"]
    assert "北京师范大学" in message and "初中体育" in message
    assert list(project.providers.all()) == [orgs["bnu"]]


def test_a_provider_without_subjects_is_removed(project_office, project):
    project_update(actor=project_office, project=project, providers=[])
    assert not project.providers.exists()


def test_renaming_to_another_projects_name_is_refused(project_office, project, orgs):
    other = new_project(project_office, orgs)
    with pytest.raises(ValidationError) as info:
        project_update(actor=project_office, project=other, name=project.name)
    assert "name" in info.value.message_dict
    # Its own name again is no conflict
    project_update(actor=project_office, project=project, name=project.name)


def test_nothing_changed_leaves_no_event(project_office, project):
    project_update(actor=project_office, project=project, year=2011)
    assert not AuditEvent.objects.filter(verb="training.project_updated").exists()
