"""/api/v1/training/classes/ (TRN-6): scoped lists, members, build and move, each with its denial."""

import pytest
from rest_framework.test import APIClient

from teachnet.training.models import ClassMove, TrainingClass
from teachnet.training.services_classes import classes_build

from .factories import subjects_of
from .factories_classes import enroll

pytestmark = pytest.mark.django_db
URL = "/api/v1/training/classes/"


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def math(project):
    return subjects_of(project)["初中数学"]


@pytest.fixture
def built(project, math, regions, gd_province_lead):
    enroll(project, math, "440100", 12)
    enroll(project, math, "440300", 6)
    classes_build(actor=gd_province_lead, project=project, subject=math, province=regions["440000"], size=10)


def _names(response):
    return {c["name"] for c in response.json()["results"]}


def test_lists_are_scoped(built, gd_province_lead, sz_city_lead):
    assert len(_names(client_for(gd_province_lead).get(URL))) == 3
    assert _names(client_for(sz_city_lead).get(URL)) == {"深圳市初中数学1班"}
    gz = TrainingClass.objects.filter(cities__code="440100").first()
    assert client_for(sz_city_lead).get(f"{URL}{gz.pk}/").status_code == 404
    assert client_for(sz_city_lead).get(f"{URL}{gz.pk}/members/").status_code == 404


def test_members_have_masked_numbers(built, gz_city_lead):
    gz = TrainingClass.objects.filter(cities__code="440100").first()

    body = client_for(gz_city_lead).get(f"{URL}{gz.pk}/members/").json()

    assert len(body) == gz.memberships.count() and {m["city"]["code"] for m in body} == {"440100"}
    assert "*" in body[0]["id_card_masked"] or body[0]["id_card_masked"] == ""


def test_build_is_for_the_provincial_lead(project, math, gd_province_lead, gz_city_lead):
    enroll(project, math, "440100", 3)
    payload = {"project": project.pk, "subject": math.pk, "province": "440000"}

    assert client_for(gz_city_lead).post(f"{URL}build/", payload).status_code == 403
    response = client_for(gd_province_lead).post(f"{URL}build/", payload)

    assert response.status_code == 200 and response.json()["placed"] == 3


def test_move_needs_the_province_and_a_reason(built, gd_province_lead, gz_city_lead):
    k1, k2 = TrainingClass.objects.filter(cities__code="440100").order_by("id")[:2]
    m = k1.memberships.first()
    payload = {"membership": m.pk, "to_class": k2.pk, "reason": "调动"}

    assert client_for(gz_city_lead).post(f"{URL}{k1.pk}/move/", payload).status_code == 403
    assert (
        client_for(gd_province_lead).post(f"{URL}{k1.pk}/move/", {**payload, "reason": ""}).status_code == 400
    )
    assert client_for(gd_province_lead).post(f"{URL}{k1.pk}/move/", payload).status_code == 200
    assert ClassMove.objects.get().to_class == k2
