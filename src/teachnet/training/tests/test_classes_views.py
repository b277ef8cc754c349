"""The class pages (TRN-6) and adjustment pages (TRN-7), each grant with its denial."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from teachnet.core import protect
from teachnet.reporting.tests.xlsx_builders import trainee_row
from teachnet.training.models import Adjustment, Phase, TrainingClass
from teachnet.training.services_classes import classes_build

from .factories import subjects_of
from .factories_classes import enroll

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def math(project):
    return subjects_of(project)["初中数学"]


@pytest.fixture
def built(project, math, regions, gd_province_lead):
    enroll(project, math, "440100", 12)
    enroll(project, math, "440300", 6)
    trainers = enroll(project, math, "440100", 1, role="trainer")
    classes_build(actor=gd_province_lead, project=project, subject=math, province=regions["440000"], size=10)
    return trainers[0].user


def _build_url(project, math):
    return reverse("training:classes_build", args=[project.pk, "440000", math.pk])


def test_the_provincial_lead_builds_and_sees_the_summary_and_the_classes(project, math, gd_province_lead):
    enroll(project, math, "440100", 3)

    response = client_for(gd_province_lead).post(_build_url(project, math), {"size": 100})

    assert response.status_code == 200
    assert response.context["summary"].placed == 3
    assert "广州市初中数学1班" in response.content.decode()


def test_a_city_lead_has_no_build_page(project, math, gz_city_lead):
    assert client_for(gz_city_lead).get(_build_url(project, math)).status_code == 404
    assert client_for(gz_city_lead).post(_build_url(project, math), {"size": 100}).status_code == 404
    assert not TrainingClass.objects.exists()


def test_class_page_for_the_tutor_and_the_city_leads(built, sz_city_lead, gz_city_lead):
    mine = TrainingClass.objects.get(tutor=built)
    other = TrainingClass.objects.exclude(pk=mine.pk).filter(cities__code="440100").first()

    page = client_for(built).get(reverse("training:class", args=[mine.pk]))
    assert page.status_code == 200 and page.context["members"].count() == mine.memberships.count()
    html = page.content.decode()
    person = mine.memberships.first().enrollment.user
    assert person.phone_masked in html and person.phone_masked.count("*")  # numbers masked
    assert protect.decrypt(person.phone_encrypted) not in html
    assert client_for(built).get(reverse("training:class", args=[other.pk])).status_code == 404
    assert client_for(sz_city_lead).get(reverse("training:class", args=[mine.pk])).status_code == 404
    assert client_for(gz_city_lead).get(reverse("training:class", args=[mine.pk])).status_code == 200


def test_the_provincial_lead_moves_from_the_class_page(built, gd_province_lead, gz_city_lead):
    k1, k2 = TrainingClass.objects.filter(cities__code="440100").order_by("id")[:2]
    m = k1.memberships.first()
    url = reverse("training:class_move", args=[k1.pk, m.pk])

    assert client_for(gz_city_lead).post(url, {"to_class": k2.pk, "reason": "x"}).status_code == 404
    response = client_for(gd_province_lead).post(url, {"to_class": k2.pk, "reason": "调动"})

    assert response.status_code == 302
    m.refresh_from_db()
    assert m.training_class == k2


def test_my_learners_page_shows_the_city_lead_their_city_only(built, project, math, gz_city_lead, tutor):
    response = client_for(gz_city_lead).get(reverse("training:learners", args=[project.pk, math.pk]))

    assert response.status_code == 200
    assert {e.region_id for e, _ in response.context["rows"]} == {"440100"}
    assert len(response.context["rows"]) == 12
    assert client_for(tutor).get(reverse("training:learners", args=[project.pk, math.pk])).status_code == 404


def test_after_the_cutoff_the_city_lead_replacement_is_refused_and_the_province_with_a_reason_works(
    built, project, math, gz_city_lead, gd_province_lead
):
    Phase.objects.create(
        project=project, kind=Phase.Kind.ACCOUNTS, starts_on=dt.date(2011, 3, 1), ends_on=dt.date(2011, 3, 22)
    )
    old = TrainingClass.objects.get(tutor=built).memberships.first().enrollment
    row = trainee_row(9)
    fields = {"real_name": "姓名", "gender": "性别", "ethnicity": "民族", "id_card": "身份证号"}
    fields |= {"phone": "手机号码", "email": "电子邮箱", "organization": "工作单位"}
    data = {f: row[c] for f, c in fields.items()} | {"county": "440106"}
    url = reverse("training:learner_replace", args=[old.pk])

    refused = client_for(gz_city_lead).post(url, data)
    assert refused.status_code == 400 and "截止" in refused.content.decode()
    assert not Adjustment.objects.exists()
    no_reason = client_for(gd_province_lead).post(url, data)
    assert no_reason.status_code == 400
    done = client_for(gd_province_lead).post(url, {**data, "reason": "原学员调离"})
    assert done.status_code == 302
    adj = Adjustment.objects.get()
    assert adj.late and adj.new_enrollment.user.real_name == row["姓名"]


def test_the_city_lead_withdraws_before_the_cutoff(built, project, math, gz_city_lead, sz_city_lead):
    old = TrainingClass.objects.get(tutor=built).memberships.first().enrollment
    url = reverse("training:learner_withdraw", args=[old.pk])

    assert client_for(sz_city_lead).post(url, {"reason": "x"}).status_code == 404
    assert client_for(gz_city_lead).post(url, {"reason": "调离"}).status_code == 302
    assert Adjustment.objects.get().kind == "withdraw"


def test_a_tutor_finds_their_classes_from_the_menu_and_nobody_elses(built, tutor, project, gz_city_lead):
    tutor_client = client_for(built)
    home = tutor_client.get("/").content.decode()
    assert reverse("training:my_classes") in home
    page = tutor_client.get(reverse("training:my_classes")).content.decode()
    mine = TrainingClass.objects.filter(tutor=built)
    assert mine.exists() and all(k.name in page for k in mine)
    others = TrainingClass.objects.exclude(tutor=built)
    assert all(k.name not in page for k in others)
    # Someone who tutors nothing has no entry and an empty list.
    assert reverse("training:my_classes") not in client_for(tutor).get("/").content.decode()
    assert "您还没有负责的班级" in client_for(tutor).get(reverse("training:my_classes")).content.decode()


def test_the_overview_links_to_the_classes_for_those_who_see_them(
    built, project, gz_city_lead, provider_admin
):
    overview = reverse("training:project", args=[project.pk])
    assert (
        reverse("training:classes", args=[project.pk])
        in client_for(gz_city_lead).get(overview).content.decode()
    )
