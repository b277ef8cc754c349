"""/api/v1/projects/ writes and below them /subjects/ and /quotas/ (TRN-1, REP-8): the same rules as the
pages. A project the caller cannot see is a 404; one they see but may not manage is a 403."""

import pytest
from rest_framework.test import APIClient

from teachnet.accounts.models import RoleAssignment
from teachnet.accounts.tests.factories import persona
from teachnet.training.models import Project, Quota

from .factories import subjects_of
from .quota_files import GOOD_ROWS, write_quotas

pytestmark = pytest.mark.django_db

URL = "/api/v1/projects/"


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def body(orgs, **overrides):
    data = {
        "name": "国培计划(2012)——中西部项目",
        "short_name": "国培(2012)",
        "year": 2012,
        "target_headcount": 50000,
        "office": orgs["office"].pk,
        "provinces": ["510000", "520000"],
        "providers": [orgs["bnu"].pk],
    }
    data.update(overrides)
    return data


# --- Projects ------------------------------------------------------------------------------------------


def test_project_office_creates_a_project_and_reads_it_back(project_office, orgs):
    client = client_for(project_office)

    response = client.post(URL, body(orgs), format="json")

    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["name"] == "国培计划(2012)——中西部项目" and created["year"] == 2012
    assert {p["code"] for p in created["provinces"]} == {"510000", "520000"}
    assert RoleAssignment.objects.filter(user=project_office, project_id=created["id"]).exists()
    assert client.get(f"{URL}{created['id']}/").status_code == 200


@pytest.mark.parametrize("persona_name", ["gz_city_lead", "gd_province_lead", "provider_admin"])
def test_leads_and_providers_cannot_create_or_change(request, persona_name, project, orgs):
    client = client_for(request.getfixturevalue(persona_name))
    assert client.post(URL, body(orgs), format="json").status_code == 403
    assert client.patch(f"{URL}{project.pk}/", {"year": 2012}, format="json").status_code == 403
    assert Project.objects.count() == 1
    project.refresh_from_db()
    assert project.year == 2011


def test_a_project_office_below_the_nation_cannot_create(project, orgs, regions):
    gd_office = persona("gd_office", "project_office", region=regions["440000"], project=project)
    assert client_for(gd_office).post(URL, body(orgs), format="json").status_code == 403


def test_bad_fields_are_400_or_422_on_their_field(project_office, project, orgs):
    # Out of the schema's ranges: 400. A name the schema allows but another project has: 422.
    response = client_for(project_office).post(URL, body(orgs, year=1999, target_headcount=-1), format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"year", "target_headcount"}
    duplicate = client_for(project_office).post(URL, body(orgs, name=project.name), format="json")
    assert duplicate.status_code == 422 and set(duplicate.json()) == {"name"}
    unknown = client_for(project_office).post(URL, body(orgs, provinces=["440100"]), format="json")
    assert unknown.status_code == 422 and "provinces" in unknown.json()


def test_patch_changes_only_what_is_sent(project_office, project):
    response = client_for(project_office).patch(
        f"{URL}{project.pk}/", {"target_headcount": 90000}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["target_headcount"], response.json()["year"]) == (90000, 2011)


def test_patch_removing_a_province_with_quotas_is_422(project_office, project, regions):
    math = subjects_of(project)["初中数学"]
    Quota.objects.create(project=project, region=regions["440300"], subject=math, places=80)
    response = client_for(project_office).patch(
        f"{URL}{project.pk}/", {"provinces": ["110000"]}, format="json"
    )
    assert response.status_code == 422
    assert "不能移除广东省" in response.json()["provinces"][0]


def test_a_project_out_of_sight_is_404(sz_city_lead, project_office, orgs):
    other = client_for(project_office).post(URL, body(orgs), format="json").json()
    client = client_for(sz_city_lead)  # Shenzhen: not in 四川 or 贵州
    assert client.patch(f"{URL}{other['id']}/", {"year": 2013}, format="json").status_code == 404
    assert client.get(f"{URL}{other['id']}/subjects/").status_code == 404
    assert client.get(f"{URL}{other['id']}/quotas/").status_code == 404


def test_delete_and_put_stay_unavailable(project_office, project):
    client = client_for(project_office)
    assert client.delete(f"{URL}{project.pk}/").status_code == 405
    assert client.put(f"{URL}{project.pk}/", {}, format="json").status_code == 405


# --- Subjects ------------------------------------------------------------------------------------------


def test_subjects_add_list_duplicate_and_remove(project_office, project, regions):
    client = client_for(project_office)
    subjects_url = f"{URL}{project.pk}/subjects/"

    added = client.post(f"{subjects_url}gp2011/")
    assert added.status_code == 200
    assert len(added.json()["added"]) == 19 and len(added.json()["subjects"]) == 19
    assert client.post(f"{subjects_url}gp2011/").json()["added"] == []

    created = client.post(subjects_url, {"stage": "高中", "name": "数学"}, format="json")
    assert created.status_code == 201 and created.json()["label"] == "高中数学"
    duplicate = client.post(subjects_url, {"stage": "初中", "name": "数学"}, format="json")
    assert duplicate.status_code == 422 and duplicate.json() == {"name": ["本项目已有学科“初中数学”。"]}

    listed = client.get(subjects_url).json()
    assert [s["label"] for s in listed][:2] == ["小学品德与生活", "小学语文"]
    assert listed[-1]["label"] == "高中数学"

    math = next(s for s in listed if s["label"] == "初中数学")
    Quota.objects.create(project=project, region=regions["440100"], subject_id=math["id"], places=1)
    in_use = client.delete(f"{subjects_url}{math['id']}/")
    assert in_use.status_code == 422 and "1 条名额" in in_use.json()["non_field_errors"][0]
    assert client.delete(f"{subjects_url}{created.json()['id']}/").status_code == 204
    assert client.delete(f"{subjects_url}{created.json()['id']}/").status_code == 404


def test_city_lead_reads_subjects_but_cannot_change_them(gz_city_lead, project):
    subjects_of(project)
    client = client_for(gz_city_lead)
    assert len(client.get(f"{URL}{project.pk}/subjects/").json()) == 19
    assert client.post(f"{URL}{project.pk}/subjects/", {"stage": "高中", "name": "数学"}).status_code == 403
    assert client.post(f"{URL}{project.pk}/subjects/gp2011/").status_code == 403
    first = project.subjects.first()
    assert client.delete(f"{URL}{project.pk}/subjects/{first.pk}/").status_code == 403


# --- Quotas --------------------------------------------------------------------------------------------


def test_put_one_quota_read_it_and_remove_it_with_0(project_office, project):
    math = subjects_of(project)["初中数学"]
    client = client_for(project_office)
    one = f"{URL}{project.pk}/quotas/440100/{math.pk}/"

    response = client.put(one, {"places": 120}, format="json")
    assert response.status_code == 200
    assert response.json() == {
        "region": {"code": "440100", "name": "广州市"},
        "province": "440000",
        "subject": {"id": math.pk, "label": "初中数学"},
        "places": 120,
    }
    assert client.get(f"{URL}{project.pk}/quotas/").json()["count"] == 1
    assert client.put(one, {"places": 0}, format="json").status_code == 204
    assert not Quota.objects.exists()


def test_put_a_quota_outside_the_project_is_422(project_office, project):
    math = subjects_of(project)["初中数学"]
    response = client_for(project_office).put(
        f"{URL}{project.pk}/quotas/330100/{math.pk}/", {"places": 1}, format="json"
    )
    assert response.status_code == 422 and "region" in response.json()
    assert (
        client_for(project_office)
        .put(f"{URL}{project.pk}/quotas/999999/{math.pk}/", {"places": 1}, format="json")
        .status_code
        == 404
    )


def test_list_filters_and_warnings(project_office, project, regions):
    subjects = subjects_of(project)
    math, physics = subjects["初中数学"], subjects["初中物理"]
    for code, subject, places in [
        ("440000", math, 100),
        ("440100", math, 120),
        ("440300", physics, 30),
        ("110000", math, 50),
    ]:
        Quota.objects.create(project=project, region=regions[code], subject=subject, places=places)
    client = client_for(project_office)
    quotas_url = f"{URL}{project.pk}/quotas/"

    everything = client.get(quotas_url).json()
    assert everything["count"] == 4
    [warning] = everything["warnings"]
    assert (warning["province"], warning["subject"], warning["province_places"], warning["city_places"]) == (
        "440000",
        math.pk,
        100,
        120,
    )
    gd = client.get(quotas_url, {"province": "440000"}).json()
    assert [q["region"]["code"] for q in gd["results"]] == ["440000", "440100", "440300"]
    assert client.get(quotas_url, {"region": "440100"}).json()["count"] == 1
    only_physics = client.get(quotas_url, {"subject": physics.pk}).json()
    assert [q["region"]["code"] for q in only_physics["results"]] == ["440300"]
    assert only_physics["warnings"] == []


def test_city_lead_cannot_read_or_write_quotas(gz_city_lead, project, tmp_path):
    math = subjects_of(project)["初中数学"]
    client = client_for(gz_city_lead)
    assert client.get(f"{URL}{project.pk}/quotas/").status_code == 403
    assert client.get(f"{URL}{project.pk}/quotas/xlsx/").status_code == 403
    assert client.put(f"{URL}{project.pk}/quotas/440100/{math.pk}/", {"places": 9}).status_code == 403
    with open(write_quotas(tmp_path / "q.xlsx", GOOD_ROWS), "rb") as fh:
        assert (
            client.post(f"{URL}{project.pk}/quotas/import/", {"file": fh}, format="multipart").status_code
            == 403
        )
    assert not Quota.objects.exists()


def test_import_a_good_file(project_office, project, tmp_path):
    subjects_of(project)
    with open(write_quotas(tmp_path / "q.xlsx", GOOD_ROWS), "rb") as fh:
        response = client_for(project_office).post(
            f"{URL}{project.pk}/quotas/import/", {"file": fh, "mode": "replace"}, format="multipart"
        )
    assert response.status_code == 200
    assert response.json() == {"created": 5, "changed": 0, "unchanged": 0, "removed": 0, "warnings": []}
    assert Quota.objects.count() == 5


def test_import_a_bad_file_is_422_with_each_row(project_office, project, tmp_path):
    subjects_of(project)
    rows = [
        ("440100", "广州市", "初中", "数学", 120),
        ("", "火星市", "初中", "数学", 1),
        ("440300", "", "", "", "x"),
    ]
    with open(write_quotas(tmp_path / "q.xlsx", rows), "rb") as fh:
        response = client_for(project_office).post(
            f"{URL}{project.pk}/quotas/import/", {"file": fh}, format="multipart"
        )
    assert response.status_code == 422
    answer = response.json()
    assert answer["detail"] == "名额表有 3 处错误，没有保存任何名额。"
    assert [(e["row"], e["column"], e["code"]) for e in answer["errors"]] == [
        (3, "地区", "unknown_region"),
        (4, "学科", "required"),
        (4, "名额", "places"),
    ]
    assert not Quota.objects.exists()


def test_import_a_renamed_file_is_422(project_office, project, tmp_path):
    path = tmp_path / "q.xlsx"
    path.write_bytes(b"<html><body>not a workbook</body></html>")
    with open(path, "rb") as fh:
        response = client_for(project_office).post(
            f"{URL}{project.pk}/quotas/import/", {"file": fh}, format="multipart"
        )
    assert response.status_code == 422
    assert [e["code"] for e in response.json()["errors"]] == ["not_xlsx"]


def test_download_the_quotas(project_office, project, regions):
    math = subjects_of(project)["初中数学"]
    Quota.objects.create(project=project, region=regions["440100"], subject=math, places=120)
    response = client_for(project_office).get(f"{URL}{project.pk}/quotas/xlsx/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.content[:2] == b"PK"
