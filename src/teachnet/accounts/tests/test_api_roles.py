"""/api/v1/role-assignments/: who may see, grant and revoke which roles (ORG-3)."""

import pytest
from rest_framework.test import APIClient

from teachnet.accounts.models import RoleAssignment
from teachnet.accounts.tests.factories import UserFactory
from teachnet.core.models import AuditEvent

pytestmark = pytest.mark.django_db

URL = "/api/v1/role-assignments/"


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def gz_teacher(orgs, regions):
    return UserFactory(username="gz_teacher", organization=orgs["gz_school"], region=regions["440106"])


def grant(client, user, role, project, **scope):
    return client.post(URL, {"user": user.pk, "role": role, "project": project.pk, **scope}, format="json")


# --- Granting --------------------------------------------------------------------------------------------


def test_city_lead_grants_county_admin_in_their_city(gz_city_lead, gz_teacher, project):
    response = grant(client_for(gz_city_lead), gz_teacher, "county_admin", project, region="440106")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["user"], body["role"], body["region"]) == (gz_teacher.pk, "county_admin", "440106")
    assignment = RoleAssignment.objects.get(pk=body["id"])
    assert assignment.granted_by == gz_city_lead
    assert AuditEvent.objects.filter(verb="role.granted", actor=gz_city_lead).exists()


def test_city_lead_may_not_grant_in_another_city(gz_city_lead, gz_teacher, project):
    response = grant(client_for(gz_city_lead), gz_teacher, "county_admin", project, region="440305")
    assert response.status_code == 403
    assert not RoleAssignment.objects.filter(user=gz_teacher).exists()


def test_city_lead_may_not_grant_a_role_above_their_own(gz_city_lead, gz_teacher, project):
    response = grant(client_for(gz_city_lead), gz_teacher, "province_lead", project, region="440106")
    assert response.status_code == 403
    assert not RoleAssignment.objects.filter(user=gz_teacher).exists()


def test_a_person_out_of_sight_cannot_be_granted_anything(gz_city_lead, sz_learner, project):
    response = grant(client_for(gz_city_lead), sz_learner, "learner", project, region="440106")
    assert response.status_code == 422
    assert "user" in response.json()


def test_scope_is_one_region_or_one_organization(gz_city_lead, gz_teacher, project, orgs):
    client = client_for(gz_city_lead)
    neither = grant(client, gz_teacher, "school_admin", project)
    assert neither.status_code == 422 and "non_field_errors" in neither.json()
    both = grant(
        client, gz_teacher, "school_admin", project, region="440106", organization=orgs["gz_school"].pk
    )
    assert both.status_code == 422


def test_learner_may_grant_nothing(learner, project):
    response = grant(client_for(learner), learner, "county_admin", project, region="440106")
    assert response.status_code == 403


# --- Reading ---------------------------------------------------------------------------------------------


def test_lists_are_scoped(gz_city_lead, sz_city_lead, learner, sz_learner):
    gz = {a["user"] for a in client_for(gz_city_lead).get(URL).json()["results"]}
    assert {gz_city_lead.pk, learner.pk} <= gz
    assert sz_learner.pk not in gz and sz_city_lead.pk not in gz
    sz = {a["user"] for a in client_for(sz_city_lead).get(URL).json()["results"]}
    assert not sz & {gz_city_lead.pk, learner.pk}


def test_learner_sees_only_their_own_roles(learner, gz_city_lead):
    results = client_for(learner).get(URL).json()["results"]
    assert [(a["user"], a["role"], a["role_display"]) for a in results] == [
        (learner.pk, "learner", "参训学员")
    ]


def test_filters(gd_province_lead, gz_city_lead, sz_city_lead, learner, project):
    client = client_for(gd_province_lead)
    assert {a["user"] for a in client.get(URL, {"role": "city_lead"}).json()["results"]} == {
        gz_city_lead.pk,
        sz_city_lead.pk,
    }
    assert [a["role"] for a in client.get(URL, {"user": learner.pk}).json()["results"]] == ["learner"]
    assert client.get(URL, {"project": project.pk}).json()["count"] >= 3


# --- Revoking --------------------------------------------------------------------------------------------


def test_city_lead_revokes_what_they_may_grant(gz_city_lead, gz_teacher, project, regions):
    assignment = RoleAssignment.objects.create(
        user=gz_teacher, role="county_admin", region=regions["440106"], project=project
    )
    assert client_for(gz_city_lead).delete(f"{URL}{assignment.pk}/").status_code == 204
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert AuditEvent.objects.filter(verb="role.revoked", actor=gz_city_lead).exists()


def test_revoking_is_404_out_of_sight_and_403_above_one_self(sz_city_lead, learner, gz_city_lead):
    learner_role = learner.role_assignments.get()
    assert client_for(sz_city_lead).delete(f"{URL}{learner_role.pk}/").status_code == 404
    # The learner sees their own role but may not revoke it; the city lead sees their own and may not either.
    assert client_for(learner).delete(f"{URL}{learner_role.pk}/").status_code == 403
    own = gz_city_lead.role_assignments.get()
    assert client_for(gz_city_lead).delete(f"{URL}{own.pk}/").status_code == 403
    assert RoleAssignment.objects.filter(pk__in=[learner_role.pk, own.pk]).count() == 2


def test_anonymous_is_refused(learner):
    assert APIClient().get(URL).status_code in (401, 403)
    assert APIClient().delete(f"{URL}{learner.role_assignments.get().pk}/").status_code in (401, 403)
