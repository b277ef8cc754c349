"""/api/v1/projects/: the projects each persona's grants reach (TRN-1)."""

import pytest
from rest_framework.test import APIClient

from teachnet.orgs.models import Region
from teachnet.training.models import Project

pytestmark = pytest.mark.django_db

URL = "/api/v1/projects/"


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def zhejiang_project(orgs):
    other = Project.objects.create(name="浙江项目", year=2012, office=orgs["office"])
    other.provinces.add(Region.objects.get(code="330000"))
    return other


def test_project_as_seen_by_a_city_lead(gz_city_lead, project, orgs):
    response = client_for(gz_city_lead).get(f"{URL}{project.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == project.name and body["short_name"] == "国培计划(2011)"
    assert (body["year"], body["target_headcount"]) == (2011, 100000)
    assert body["office"] == {"id": orgs["office"].pk, "name": "国培计划项目执行办公室"}
    assert {p["code"] for p in body["provinces"]} == {"440000", "110000"}
    assert body["providers"] == [{"id": orgs["bnu"].pk, "name": "北京师范大学"}]


def test_project_elsewhere_is_404_and_absent_from_the_list(gz_city_lead, project, zhejiang_project):
    client = client_for(gz_city_lead)
    assert client.get(f"{URL}{zhejiang_project.pk}/").status_code == 404
    assert [p["id"] for p in client.get(URL).json()["results"]] == [project.pk]


def test_a_grant_for_one_project_reaches_that_project_only(project_office, project, zhejiang_project):
    # The project office's scope is the whole nation, but its role is held for one project.
    ids = {p["id"] for p in client_for(project_office).get(URL).json()["results"]}
    assert ids == {project.pk}


def test_learner_sees_their_project(learner, project, zhejiang_project):
    assert [p["id"] for p in client_for(learner).get(URL).json()["results"]] == [project.pk]


def test_no_delete(project_office, project):
    # Creating and changing are the setup API's (test_api_project_setup.py); a project is never deleted here.
    assert client_for(project_office).delete(f"{URL}{project.pk}/").status_code == 405


def test_anonymous_is_refused(project):
    assert APIClient().get(URL).status_code in (401, 403)
