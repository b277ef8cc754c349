"""/api/v1/projects/<id>/phases/ (TRN-1), /api/v1/training/provider-subjects/ (TRN-2) and their members
(TRN-3): what each persona may see and change, with each denial beside its grant."""

import pytest
from rest_framework.test import APIClient

from teachnet.training.demo import gp_phase_dates
from teachnet.training.services import phases_set

from .factories import Role, assign, other_provider, other_provider_admin, subjects_of, team_fill

pytestmark = pytest.mark.django_db

PS = "/api/v1/training/provider-subjects/"


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def bnu_pe(project, orgs):
    return assign(project, orgs["bnu"], "初中体育")


def phases_url(project):
    return f"/api/v1/projects/{project.pk}/phases/"


def test_phases_read_by_a_city_lead(project_office, gz_city_lead, project):
    phases_set(actor=project_office, project=project, dates=gp_phase_dates(2011))
    body = client_for(gz_city_lead).get(phases_url(project)).json()
    assert [p["phase"] for p in body] == [
        "reporting",
        "resource_review",
        "accounts",
        "trainer_training",
        "remote_training",
        "summary",
    ]
    remote = body[4]
    assert (remote["starts_on"], remote["ends_on"], remote["hours"]) == ("2011-03-26", "2011-04-30", 50)


def test_phases_set_by_the_project_office(project_office, project):
    response = client_for(project_office).put(
        phases_url(project),
        {"phases": [{"phase": "remote_training", "starts_on": "2011-03-26", "ends_on": "2011-04-30"}]},
        format="json",
    )
    assert response.status_code == 200
    assert project.phases.get().kind == "remote_training"


def test_a_contradiction_is_a_422_naming_the_field(project_office, project):
    response = client_for(project_office).put(
        phases_url(project),
        {
            "phases": [
                {"phase": "remote_training", "starts_on": "2011-03-26", "ends_on": "2011-04-30"},
                {"phase": "summary", "starts_on": "2011-04-01", "ends_on": "2011-05-15"},
            ]
        },
        format="json",
    )
    assert response.status_code == 422 and "summary_starts_on" in response.json()


def test_a_city_lead_cannot_set_phases(gz_city_lead, project):
    response = client_for(gz_city_lead).put(phases_url(project), {"phases": []}, format="json")
    assert response.status_code == 404


def test_a_learner_cannot_read_phases(learner, project):
    assert client_for(learner).get(phases_url(project)).status_code == 404


def test_project_office_assigns_and_lists(project_office, project, orgs):
    physics = subjects_of(project)["初中物理"]
    client = client_for(project_office)
    body = {"project": project.pk, "provider": orgs["bnu"].pk, "subject": physics.pk}
    first = client.post(PS, body, format="json")
    assert first.status_code == 201
    assert first.json()["team"]["ok"] is False
    assert client.post(PS, body, format="json").status_code == 200
    listed = client.get(PS, {"project": project.pk}).json()["results"]
    assert [r["subject"]["label"] for r in listed] == ["初中物理"]


def test_a_provider_admin_cannot_assign(provider_admin, project, orgs):
    physics = subjects_of(project)["初中物理"]
    response = client_for(provider_admin).post(
        PS, {"project": project.pk, "provider": orgs["bnu"].pk, "subject": physics.pk}, format="json"
    )
    assert response.status_code == 404


def test_provider_b_sees_nothing_of_provider_a(project, bnu_pe):
    swu = other_provider(project)
    swu_physics = assign(project, swu, "初中物理")
    client = client_for(other_provider_admin(project, swu))
    assert [r["id"] for r in client.get(PS).json()["results"]] == [swu_physics.pk]
    assert client.get(f"{PS}{bnu_pe.pk}/").status_code == 404
    assert client.get(f"{PS}{bnu_pe.pk}/members/").status_code == 404
    assert client.post(f"{PS}{bnu_pe.pk}/members/", {"name": "x", "team_role": "expert"}).status_code == 404
    assert client.post(f"{PS}{bnu_pe.pk}/submit/").status_code == 404
    team_fill(bnu_pe)
    assert client.delete(f"{PS}{bnu_pe.pk}/members/{bnu_pe.members.first().pk}/").status_code == 404
    assert bnu_pe.members.count() == 10


def test_provider_admin_builds_and_submits(provider_admin, bnu_pe):
    client = client_for(provider_admin)
    created = client.post(
        f"{PS}{bnu_pe.pk}/members/",
        {"name": "王老师", "team_role": Role.CHIEF_EXPERT, "phone": "13800138000"},
        format="json",
    )
    assert created.status_code == 201
    assert created.json()["activation_code"] and created.json()["has_account"] is True
    refused = client.post(f"{PS}{bnu_pe.pk}/submit/")
    assert refused.status_code == 422
    team_fill(bnu_pe, chiefs=0, experts=5, frontline=3, researchers=1)
    submitted = client.post(f"{PS}{bnu_pe.pk}/submit/")
    assert submitted.status_code == 200 and submitted.json()["submitted_at"]
    assert submitted.json()["team"] == {
        "size": 10,
        "has_chief": True,
        "frontline_percent": 40,
        "ok": True,
        "problems": [],
    }


def test_chief_expert_reads_but_may_not_change(chief_expert, bnu_pe):
    client = client_for(chief_expert)
    assert client.get(f"{PS}{bnu_pe.pk}/members/").status_code == 200
    assert client.post(f"{PS}{bnu_pe.pk}/members/", {"name": "x", "team_role": "expert"}).status_code == 403
    assert client.post(f"{PS}{bnu_pe.pk}/submit/").status_code == 403
    assert client.delete(f"{PS}{bnu_pe.pk}/").status_code == 403


def test_project_office_unassigns(project_office, bnu_pe):
    assert client_for(project_office).delete(f"{PS}{bnu_pe.pk}/").status_code == 204


def test_city_lead_sees_no_provider_subjects(gz_city_lead, bnu_pe):
    client = client_for(gz_city_lead)
    assert client.get(PS).json()["results"] == []
    assert client.get(f"{PS}{bnu_pe.pk}/").status_code == 404
