"""The permission layer, persona by persona: the grant and, above all, the denial."""

import pytest
from django.http import Http404

from teachnet.accounts.models import RoleAssignment, User
from teachnet.accounts.permissions import can, get_visible_or_404, may_assign, visible
from teachnet.accounts.roles import Perm
from teachnet.orgs.models import Organization, Region
from teachnet.training.models import Project

pytestmark = pytest.mark.django_db


def names(qs):
    return set(qs.values_list("name", flat=True))


def test_city_lead_sees_own_city_organizations_only(gz_city_lead, sz_city_lead, orgs):
    gz = names(visible(actor=gz_city_lead, model=Organization, perm=Perm.ORG_VIEW))
    assert gz == {"广州市教育局", "广州市天河中学"}
    sz = names(visible(actor=sz_city_lead, model=Organization, perm=Perm.ORG_VIEW))
    assert "广州市天河中学" not in sz and "深圳市南山中学" in sz


def test_shenzhen_lead_gets_404_for_guangzhou_school(sz_city_lead, orgs):
    with pytest.raises(Http404):
        get_visible_or_404(
            actor=sz_city_lead, model=Organization, perm=Perm.ORG_VIEW, pk=orgs["gz_school"].pk
        )
    assert not can(actor=sz_city_lead, perm=Perm.ORG_MANAGE, obj=orgs["gz_school"])


def test_missing_and_forbidden_are_the_same_404(sz_city_lead):
    with pytest.raises(Http404):
        get_visible_or_404(actor=sz_city_lead, model=Organization, perm=Perm.ORG_VIEW, pk=999999)


def test_province_lead_sees_both_cities(gd_province_lead, orgs):
    seen = names(visible(actor=gd_province_lead, model=Organization, perm=Perm.ORG_VIEW))
    assert {"广州市天河中学", "深圳市南山中学", "广东省教育厅"} <= seen
    assert "北京师范大学" not in seen


def test_project_office_sees_every_province(project_office, orgs):
    assert names(visible(actor=project_office, model=Organization, perm=Perm.ORG_VIEW)) == {
        o.name for o in orgs.values()
    }


def test_users_are_scoped_by_home_and_role(gz_city_lead, sz_city_lead, learner, sz_learner, tutor):
    gz_users = set(
        visible(actor=gz_city_lead, model=User, perm=Perm.USER_VIEW).values_list("username", flat=True)
    )
    assert {"learner", "gz_city_lead"} <= gz_users
    assert not gz_users & {"sz_learner", "sz_city_lead", "tutor"}
    assert not can(actor=sz_city_lead, perm=Perm.USER_VIEW_PII, obj=learner)
    assert can(actor=gz_city_lead, perm=Perm.USER_VIEW_PII, obj=learner)


def test_learner_sees_only_themself(learner, sz_learner, gz_city_lead):
    assert list(visible(actor=learner, model=User, perm=Perm.USER_VIEW)) == [learner]
    assert not visible(actor=learner, model=User, perm=Perm.USER_MANAGE).exists()
    assert list(visible(actor=learner, model=RoleAssignment, perm=Perm.ROLE_VIEW)) == list(
        learner.role_assignments.all()
    )


def test_provider_admin_sees_own_organization_not_schools(provider_admin, tutor, learner, orgs):
    seen = names(visible(actor=provider_admin, model=Organization, perm=Perm.ORG_VIEW))
    assert seen == {"北京师范大学"}
    users = set(
        visible(actor=provider_admin, model=User, perm=Perm.USER_VIEW).values_list("username", flat=True)
    )
    assert "tutor" in users and "learner" not in users
    assert not can(actor=provider_admin, perm=Perm.USER_VIEW_PII, obj=tutor)


def test_regions_along_the_scope(sz_city_lead):
    codes = set(
        visible(actor=sz_city_lead, model=Region, perm=Perm.REGION_VIEW).values_list("code", flat=True)
    )
    assert {"000000", "440000", "440300", "440305"} <= codes
    assert "440100" not in codes and "440106" not in codes and "110000" not in codes


def test_projects_visible_by_province_and_grant(gz_city_lead, learner, project, orgs):
    other = Project.objects.create(name="浙江项目", year=2012, office=orgs["office"])
    other.provinces.add(Region.objects.get(code="330000"))
    assert list(visible(actor=gz_city_lead, model=Project, perm=Perm.PROJECT_VIEW)) == [project]
    assert list(visible(actor=learner, model=Project, perm=Perm.PROJECT_VIEW)) == [project]


def test_anonymous_and_inactive_see_nothing(gz_city_lead, orgs):
    from django.contrib.auth.models import AnonymousUser

    assert not visible(actor=AnonymousUser(), model=Organization, perm=Perm.ORG_VIEW).exists()
    gz_city_lead.is_active = False
    assert not visible(actor=gz_city_lead, model=Organization, perm=Perm.ORG_VIEW).exists()


def test_may_assign_only_below_and_inside(gz_city_lead, regions, orgs, project):
    assert may_assign(
        actor=gz_city_lead,
        role="county_admin",
        region=regions["440106"],
        organization=None,
        project_id=project.pk,
    )
    assert not may_assign(
        actor=gz_city_lead,
        role="county_admin",
        region=regions["440305"],
        organization=None,
        project_id=project.pk,
    )
    assert not may_assign(
        actor=gz_city_lead,
        role="province_lead",
        region=regions["440106"],
        organization=None,
        project_id=project.pk,
    )
    assert not may_assign(
        actor=gz_city_lead,
        role="school_admin",
        region=None,
        organization=orgs["sz_school"],
        project_id=project.pk,
    )
