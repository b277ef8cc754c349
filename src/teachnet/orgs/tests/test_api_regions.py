"""GET /api/v1/regions/: the division codes each persona may see (ORG-1)."""

import pytest
from rest_framework.test import APIClient

from teachnet.orgs.models import Region

pytestmark = pytest.mark.django_db

URL = "/api/v1/regions/"


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def codes(response):
    return {r["code"] for r in response.json()["results"]}


def test_shenzhen_lead_sees_shenzhen_and_the_chain_above_not_guangzhou(sz_city_lead):
    response = client_for(sz_city_lead).get(URL, {"limit": 5000})
    assert response.status_code == 200
    seen = codes(response)
    assert {"000000", "440000", "440300", "440305"} <= seen
    assert not {c for c in seen if c.startswith("4401")}
    assert "110000" not in seen


def test_retrieve_outside_scope_is_404_inside_is_200(sz_city_lead, gz_city_lead):
    assert client_for(sz_city_lead).get(f"{URL}440100/").status_code == 404
    response = client_for(gz_city_lead).get(f"{URL}440100/")
    assert response.status_code == 200
    assert response.json() == {
        "code": "440100",
        "name": Region.objects.get(code="440100").name,
        "level": 2,
        "level_display": "地级",
        "parent": "440000",
    }


def test_missing_code_is_404_like_a_forbidden_one(gz_city_lead):
    assert client_for(gz_city_lead).get(f"{URL}449999/").status_code == 404


def test_filters_parent_level_and_name(gz_city_lead):
    client = client_for(gz_city_lead)
    counties = codes(client.get(URL, {"parent": "440100", "limit": 100}))
    assert "440106" in counties and all(c.startswith("4401") and c != "440100" for c in counties)
    assert codes(client.get(URL, {"level": 2})) == {"440100"}
    assert codes(client.get(URL, {"q": "天河"})) == {"440106"}
    # Shenzhen's counties exist, but not for a Guangzhou lead.
    assert codes(client.get(URL, {"parent": "440300"})) == set()


def test_project_office_pages_through_every_region(project_office):
    response = client_for(project_office).get(URL)
    body = response.json()
    assert body["count"] == Region.objects.count() > 3000
    assert len(body["results"]) == 50 and body["next"]


def test_read_only(gz_city_lead):
    client = client_for(gz_city_lead)
    assert client.post(URL, {"code": "440199", "name": "x", "level": 3}).status_code == 405
    assert client.delete(f"{URL}440106/").status_code == 405


def test_anonymous_is_refused():
    assert APIClient().get(URL).status_code in (401, 403)
