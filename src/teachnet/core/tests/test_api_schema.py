"""The OpenAPI schema and its docs: complete, free of generator warnings, served without any CDN."""

import re

import pytest
import yaml
from django.core.management import call_command
from drf_spectacular.drainage import GENERATOR_STATS
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

API_PATHS = [
    "/api/v1/auth/token/",
    "/api/v1/regions/",
    "/api/v1/regions/{code}/",
    "/api/v1/organizations/",
    "/api/v1/organizations/{id}/",
    "/api/v1/users/",
    "/api/v1/users/{id}/",
    "/api/v1/users/{id}/personal-data/",
    "/api/v1/me/",
    "/api/v1/role-assignments/",
    "/api/v1/role-assignments/{id}/",
    "/api/v1/projects/",
    "/api/v1/projects/{id}/",
]


def test_schema_is_an_openapi_3_document_with_every_path():
    response = APIClient().get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert set(API_PATHS) <= set(schema["paths"])
    assert set(schema["paths"]["/api/v1/organizations/{id}/"]) == {"get", "put", "patch"}
    assert set(schema["paths"]["/api/v1/role-assignments/{id}/"]) == {"delete"}
    assert set(schema["paths"]["/api/v1/regions/"]) == {"get"}


def test_docs_page_loads_everything_from_this_site():
    response = APIClient().get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    # No CDN: every absolute URL, if any, would have to point back at this host.
    assert re.findall(r"https?://[^\s\"'<>]+", html) == []
    assert re.findall(r"(?:src|href)=\"//", html) == []


def test_generator_gives_no_warnings(tmp_path):
    # The generator's warning cache lives for the whole process: start clean so only this run counts.
    GENERATOR_STATS.reset()
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))
    assert "/api/v1/users/{id}/personal-data/" in yaml.safe_load((tmp_path / "s.yml").read_text())["paths"]


def test_unrouted_api_path_answers_json_404(client, db):
    response = client.get("/api/v1/users/0.5/")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and "text/html" in page["Content-Type"]


def test_schema_documents_error_answers(client, gz_city_lead):
    client.force_login(gz_city_lead)
    schema = client.get("/api/schema/?format=json").json()
    detail = schema["paths"]["/api/v1/organizations/{id}/"]["get"]["responses"]
    assert {"200", "401", "403", "404"} <= set(detail)
    assert "400" in schema["paths"]["/api/v1/organizations/"]["post"]["responses"]


def test_list_pages_are_bounded(client, project_office):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(project_office)
    assert api.get("/api/v1/regions/", {"limit": 100000}).json()["results"].__len__() == 500
