"""The role-scoping matrix through the API: for every persona, what each list shows and, above all, what it
does not. One row per persona; a new role that sees too much or too little fails here."""

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

ALL_ORGS = {"国培计划项目执行办公室", "广东省教育厅", "广州市教育局", "深圳市教育局", "北京师范大学",
            "广州市天河中学", "深圳市南山中学"}  # fmt: skip
GZ = {"广州市教育局", "广州市天河中学"}
SZ = {"深圳市教育局", "深圳市南山中学"}

# persona: (organizations seen, users seen ⊇, users never seen, projects seen)
MATRIX = {
    "project_office": (ALL_ORGS, {"learner", "sz_learner", "tutor"}, set(), 1),
    "gd_province_lead": (
        GZ | SZ | {"广东省教育厅"},
        {"learner", "sz_learner"},
        {"tutor", "project_office"},
        1,
    ),
    "gz_city_lead": (GZ, {"learner"}, {"sz_learner", "sz_city_lead", "tutor"}, 1),
    "sz_city_lead": (SZ, {"sz_learner"}, {"learner", "gz_city_lead", "tutor"}, 1),
    "provider_admin": ({"北京师范大学"}, {"tutor", "chief_expert"}, {"learner", "sz_learner"}, 1),
    "chief_expert": ({"北京师范大学"}, {"tutor"}, {"learner", "sz_learner"}, 1),
    "tutor": ({"北京师范大学"}, {"tutor"}, {"learner", "chief_expert", "sz_learner"}, 1),
    "learner": ({"广州市天河中学"}, {"learner"}, {"sz_learner", "gz_city_lead", "tutor"}, 1),
}


def results(client, url):
    response = client.get(url, {"limit": 500})
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.mark.parametrize("persona", sorted(MATRIX))
def test_role_scoping_matrix(request, persona):
    # Every persona exists, so each one has to be kept out of the others' objects.
    people = {name: request.getfixturevalue(name) for name in MATRIX} | {
        "sz_learner": request.getfixturevalue("sz_learner")
    }
    orgs_seen, users_seen, users_hidden, projects = MATRIX[persona]
    client = APIClient()
    client.force_authenticate(people[persona])

    assert {o["name"] for o in results(client, "/api/v1/organizations/")} == orgs_seen
    users = results(client, "/api/v1/users/")
    usernames = {u["username"] for u in users}
    assert users_seen <= usernames and not (users_hidden & usernames)
    assert len(results(client, "/api/v1/projects/")) == projects
    for hidden in users_hidden:
        assert client.get(f"/api/v1/users/{people[hidden].pk}/").status_code == 404
    # A role assignment never discloses a person the caller may not see.
    visible_ids = {u["id"] for u in users}
    assert {row["user"] for row in results(client, "/api/v1/role-assignments/")} <= visible_ids
