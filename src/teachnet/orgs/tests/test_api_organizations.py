"""/api/v1/organizations/: who sees, creates and changes which organizations (ORG-2)."""

import json

import pytest
from rest_framework.test import APIClient

from teachnet.orgs.models import Organization

pytestmark = pytest.mark.django_db

URL = "/api/v1/organizations/"


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def names(response):
    return {o["name"] for o in response.json()["results"]}


# --- Reading ---------------------------------------------------------------------------------------------


def test_guangzhou_school_is_404_for_shenzhen_and_200_for_guangzhou(sz_city_lead, gz_city_lead, orgs):
    school = orgs["gz_school"]
    assert client_for(sz_city_lead).get(f"{URL}{school.pk}/").status_code == 404
    response = client_for(gz_city_lead).get(f"{URL}{school.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "广州市天河中学"
    assert body["region"] == "440106" and body["parent"] == orgs["gz_bureau"].pk
    assert body["type"] == "school" and body["type_display"] == "中小学校"


def test_missing_is_the_same_404(gz_city_lead):
    assert client_for(gz_city_lead).get(f"{URL}999999/").status_code == 404


def test_shenzhen_list_holds_nothing_of_guangzhou(sz_city_lead, orgs):
    response = client_for(sz_city_lead).get(URL)
    assert response.status_code == 200
    seen = names(response)
    assert "深圳市南山中学" in seen and "深圳市教育局" in seen
    assert not {n for n in seen if n.startswith("广州")}
    assert all(not o["region"].startswith("4401") for o in response.json()["results"])


def test_filters(gd_province_lead, orgs):
    client = client_for(gd_province_lead)
    assert names(client.get(URL, {"region": "4401"})) == {"广州市教育局", "广州市天河中学"}
    # A full city code means the whole city, not only what sits at city level.
    assert names(client.get(URL, {"region": "440100"})) == {"广州市教育局", "广州市天河中学"}
    assert names(client.get(URL, {"type": "school"})) == {"广州市天河中学", "深圳市南山中学"}
    assert names(client.get(URL, {"parent": orgs["sz_bureau"].pk})) == {"深圳市南山中学"}
    assert names(client.get(URL, {"q": "天河"})) == {"广州市天河中学"}


def test_learner_sees_only_their_own_school(learner, orgs):
    assert names(client_for(learner).get(URL)) == {"广州市天河中学"}


# --- Creating --------------------------------------------------------------------------------------------


def test_city_lead_creates_a_school_in_their_city(gz_city_lead, orgs):
    response = client_for(gz_city_lead).post(
        URL,
        {"name": "广州市天河小学", "type": "school", "region": "440106", "parent": orgs["gz_bureau"].pk},
        format="json",
    )
    assert response.status_code == 201, response.json()
    created = Organization.objects.get(pk=response.json()["id"])
    assert created.region_id == "440106" and created.parent == orgs["gz_bureau"]


def test_city_lead_may_not_create_in_another_city(gz_city_lead, orgs):
    client = client_for(gz_city_lead)
    response = client.post(URL, {"name": "深圳某校", "type": "school", "region": "440305"}, format="json")
    assert response.status_code == 403
    # Not even under their own bureau: the organization would land outside their scope.
    response = client.post(
        URL,
        {"name": "深圳某校", "type": "school", "region": "440305", "parent": orgs["gz_bureau"].pk},
        format="json",
    )
    assert response.status_code == 403
    assert not Organization.objects.filter(name="深圳某校").exists()


def test_a_parent_out_of_sight_does_not_exist(gz_city_lead, orgs):
    response = client_for(gz_city_lead).post(
        URL,
        {"name": "某校", "type": "school", "region": "440106", "parent": orgs["sz_bureau"].pk},
        format="json",
    )
    assert response.status_code == 422
    assert "parent" in response.json()


def test_provider_admin_creates_under_their_organization_only(provider_admin, orgs):
    client = client_for(provider_admin)
    response = client.post(
        URL,
        {"name": "北师大继续教育学院", "type": "provider", "region": "110108", "parent": orgs["bnu"].pk},
        format="json",
    )
    assert response.status_code == 201
    response = client.post(URL, {"name": "另一机构", "type": "provider", "region": "110108"}, format="json")
    assert response.status_code == 403


def test_service_validation_becomes_422_on_the_field(gz_city_lead, orgs):
    client = client_for(gz_city_lead)
    duplicate = client.post(
        URL, {"name": "广州市天河中学", "type": "school", "region": "440106"}, format="json"
    )
    assert duplicate.status_code == 422
    assert "non_field_errors" in duplicate.json()
    bad_type = client.post(URL, {"name": "某校", "type": "castle", "region": "440106"}, format="json")
    assert bad_type.status_code == 400 and "type" in bad_type.json()


def test_learner_may_not_create(learner):
    response = client_for(learner).post(URL, {"name": "某校", "type": "school", "region": "440106"})
    assert response.status_code == 403


# --- Changing --------------------------------------------------------------------------------------------


def test_city_lead_renames_their_school(gz_city_lead, orgs):
    school = orgs["gz_school"]
    response = client_for(gz_city_lead).patch(f"{URL}{school.pk}/", {"short_name": "天河中学"}, format="json")
    assert response.status_code == 200
    school.refresh_from_db()
    assert school.short_name == "天河中学"


def test_changing_is_404_out_of_sight_and_403_without_manage(sz_city_lead, tutor, gz_city_lead, orgs):
    school = orgs["gz_school"]
    assert (
        client_for(sz_city_lead).patch(f"{URL}{school.pk}/", {"name": "x"}, format="json").status_code == 404
    )
    # The tutor sees their university but may not manage it.
    bnu = orgs["bnu"]
    assert client_for(tutor).patch(f"{URL}{bnu.pk}/", {"name": "x"}, format="json").status_code == 403
    # Moving a school out of the city is placing it outside the scope.
    moved = client_for(gz_city_lead).patch(f"{URL}{school.pk}/", {"region": "440305"}, format="json")
    assert moved.status_code == 403
    school.refresh_from_db()
    bnu.refresh_from_db()
    assert school.region_id == "440106" and bnu.name == "北京师范大学"


def test_an_organization_cannot_become_its_own_descendant(gd_province_lead, orgs):
    response = client_for(gd_province_lead).patch(
        f"{URL}{orgs['gz_bureau'].pk}/", {"parent": orgs["gz_school"].pk}, format="json"
    )
    assert response.status_code == 422
    assert "parent" in response.json()


def test_there_is_no_delete(project_office, orgs):
    assert client_for(project_office).delete(f"{URL}{orgs['gz_school'].pk}/").status_code == 405


def test_anonymous_is_refused(orgs):
    assert APIClient().get(URL).status_code in (401, 403)
    assert APIClient().get(f"{URL}{orgs['gz_school'].pk}/").status_code in (401, 403)


@pytest.mark.parametrize("region", ["4401\x0006", "44\udc2b0106", "4401", 440106, "abcdef", "4401061"])
def test_a_region_that_is_not_six_digits_is_400_before_any_query(gz_city_lead, orgs, region):
    # A NUL or a lone surrogate cannot even be compared on PostgreSQL (it was a 500 there). As the JSON is
    # sent: a lone surrogate only travels escaped.
    body = json.dumps({"name": "某校", "type": "school", "region": region})
    response = client_for(gz_city_lead).post(URL, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["region"] == ["地区代码是六位数字，如 440100。"]


def test_a_six_digit_code_no_region_has_is_422(gz_city_lead, orgs):
    response = client_for(gz_city_lead).post(
        URL, {"name": "某校", "type": "school", "region": "999999"}, format="json"
    )
    assert response.status_code == 422 and "region" in response.json()
