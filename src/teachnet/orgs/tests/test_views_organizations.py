"""Organization pages (ORG-2): who may list, open, create and edit what."""

import pytest

from teachnet.orgs.models import Organization

pytestmark = pytest.mark.django_db


def test_city_lead_lists_only_own_city(client, gz_city_lead, orgs):
    client.force_login(gz_city_lead)
    page = client.get("/orgs/").content.decode()
    assert "广州市天河中学" in page and "深圳市南山中学" not in page and "北京师范大学" not in page


def test_city_lead_creates_a_school_in_own_county(client, gz_city_lead, orgs):
    client.force_login(gz_city_lead)
    response = client.post(
        "/orgs/new/",
        {
            "name": "广州市天河区第一小学",
            "type": "school",
            "region": "440106",
            "parent": orgs["gz_bureau"].pk,
        },
    )
    assert response.status_code == 302
    assert Organization.objects.filter(name="广州市天河区第一小学", region_id="440106").exists()


def test_city_lead_cannot_create_in_another_city(client, gz_city_lead, orgs):
    client.force_login(gz_city_lead)
    response = client.post("/orgs/new/", {"name": "深圳某小学", "type": "school", "region": "440305"})
    assert response.status_code == 200 and "region" in response.context["form"].errors
    response = client.post(
        "/orgs/new/",
        {"name": "深圳某小学", "type": "school", "region": "440106", "parent": orgs["sz_bureau"].pk},
    )
    assert "parent" in response.context["form"].errors
    assert not Organization.objects.filter(name="深圳某小学").exists()


def test_duplicate_name_in_the_same_county_is_refused_with_a_message(client, gz_city_lead, orgs):
    client.force_login(gz_city_lead)
    response = client.post("/orgs/new/", {"name": "广州市天河中学", "type": "school", "region": "440106"})
    assert response.status_code == 200 and response.context["form"].errors


def test_provider_admin_edits_own_but_not_a_bureau(client, provider_admin, orgs):
    client.force_login(provider_admin)
    assert client.get(f"/orgs/{orgs['bnu'].pk}/edit/").status_code == 200
    assert client.get(f"/orgs/{orgs['gz_bureau'].pk}/").status_code == 404


def test_learner_sees_own_school_only(client, learner, orgs):
    client.force_login(learner)
    assert client.get(f"/orgs/{orgs['gz_school'].pk}/").status_code == 200
    assert client.get(f"/orgs/{orgs['gz_bureau'].pk}/").status_code == 404
    assert client.get("/orgs/new/").status_code == 404


def test_organization_cannot_become_its_own_ancestor(client, gd_province_lead, orgs):
    client.force_login(gd_province_lead)
    bureau = orgs["gd_bureau"]
    response = client.post(
        f"/orgs/{bureau.pk}/edit/",
        {"name": bureau.name, "type": "bureau", "region": "440000", "parent": orgs["gz_school"].pk},
    )
    assert response.status_code == 200 and "parent" in response.context["form"].errors


def test_provider_admin_cannot_change_what_their_organization_is(client, provider_admin, orgs):
    from rest_framework.test import APIClient

    client.force_login(provider_admin)
    bnu = orgs["bnu"]
    response = client.post(
        f"/orgs/{bnu.pk}/edit/", {"name": bnu.name, "type": "project_office", "region": "110108"}
    )
    assert response.status_code == 200 and "type" in response.context["form"].errors
    api = APIClient()
    api.force_authenticate(provider_admin)
    assert (
        api.patch(f"/api/v1/organizations/{bnu.pk}/", {"is_active": False}, format="json").status_code == 403
    )
    assert (
        api.patch(f"/api/v1/organizations/{bnu.pk}/", {"website": "www.bnude.cn"}, format="json").status_code
        == 200
    )
    bnu.refresh_from_db()
    assert bnu.type == "provider" and bnu.is_active


def test_provider_admin_cannot_move_their_organization_out_of_reach(client, provider_admin, orgs):
    client.force_login(provider_admin)
    bnu = orgs["bnu"]
    response = client.post(
        f"/orgs/{bnu.pk}/edit/", {"name": bnu.name, "type": "provider", "region": "440106"}
    )
    assert response.status_code == 200 and "region" in response.context["form"].errors
    bnu.refresh_from_db()
    assert bnu.region_id == "110108"
