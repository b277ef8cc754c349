"""/api/v1/users/ and /api/v1/me/: people as each persona may see them, and personal data behind its own
permission and an audit row (ORG-4)."""

import re

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from teachnet.accounts.models import User
from teachnet.accounts.tests.factories import make_id_card
from teachnet.core.models import AuditEvent

pytestmark = pytest.mark.django_db

URL = "/api/v1/users/"


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def usernames(response):
    return {u["username"] for u in response.json()["results"]}


# --- Reading ---------------------------------------------------------------------------------------------


def test_learner_is_404_for_shenzhen_and_200_for_guangzhou(sz_city_lead, gz_city_lead, learner, orgs):
    assert client_for(sz_city_lead).get(f"{URL}{learner.pk}/").status_code == 404
    response = client_for(gz_city_lead).get(f"{URL}{learner.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "learner"
    assert body["organization"] == {"id": orgs["gz_school"].pk, "name": "广州市天河中学"}
    assert body["region"] == "440106"
    assert body["activated"] is True
    assert [(r["role"], r["role_display"]) for r in body["roles"]] == [("learner", "参训学员")]
    assert "广州市天河中学" in body["roles"][0]["scope"]


def test_numbers_are_masked_first_four_last_four(gz_city_lead, learner):
    body = client_for(gz_city_lead).get(f"{URL}{learner.pk}/").json()
    assert re.fullmatch(r"\d{4}\*{10}[\dX]{4}", body["id_card_masked"])
    assert body["id_card_masked"][:4] == learner.id_card[:4]
    assert body["id_card_masked"][-4:] == learner.id_card[-4:]
    assert re.fullmatch(r"\d{3}\*{4}\d{4}", body["phone_masked"])
    assert body["phone_masked"][-4:] == learner.phone[-4:]
    assert learner.phone not in str(body) and learner.id_card not in str(body)


def test_shenzhen_list_holds_nobody_from_guangzhou(sz_city_lead, gz_city_lead, learner, sz_learner):
    response = client_for(sz_city_lead).get(URL)
    assert response.status_code == 200
    seen = usernames(response)
    assert "sz_learner" in seen
    assert not seen & {"learner", "gz_city_lead"}


def test_learner_sees_only_themself(learner, sz_learner, gz_city_lead):
    assert usernames(client_for(learner).get(URL)) == {"learner"}
    assert client_for(learner).get(f"{URL}{gz_city_lead.pk}/").status_code == 404


def test_roles_shown_are_only_those_the_caller_may_see(gz_city_lead, learner, regions, project):
    from teachnet.accounts.models import RoleAssignment

    RoleAssignment.objects.create(
        user=learner, role="school_admin", region=regions["440305"], project=project
    )
    roles = client_for(gz_city_lead).get(f"{URL}{learner.pk}/").json()["roles"]
    assert [r["role"] for r in roles] == ["learner"]


def test_filters(gz_city_lead, learner, orgs):
    client = client_for(gz_city_lead)
    assert usernames(client.get(URL, {"organization": orgs["gz_school"].pk})) == {"learner"}
    assert usernames(client.get(URL, {"q": "learner"})) == {"learner"}


def test_me_is_the_caller_with_their_roles(sz_learner):
    response = client_for(sz_learner).get("/api/v1/me/")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == sz_learner.pk
    assert [r["role"] for r in body["roles"]] == ["learner"]


# --- Personal data ---------------------------------------------------------------------------------------


def test_city_lead_reads_unmasked_numbers_and_it_is_recorded(gz_city_lead, learner):
    response = client_for(gz_city_lead).get(f"{URL}{learner.pk}/personal-data/", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    assert response.json() == {
        "id": learner.pk,
        "real_name": "learner",
        "phone": learner.phone,
        "id_card": learner.id_card,
    }
    assert response["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get(verb="pii.viewed")
    assert event.actor == gz_city_lead
    assert (event.target_type, event.target_id) == ("accounts.user", str(learner.pk))
    assert event.ip_address == "10.1.2.3"


def test_personal_data_is_404_out_of_sight_and_403_without_permission(
    provider_admin, sz_city_lead, learner, tutor
):
    assert client_for(provider_admin).get(f"{URL}{learner.pk}/personal-data/").status_code == 404
    assert client_for(sz_city_lead).get(f"{URL}{learner.pk}/personal-data/").status_code == 404
    # The provider admin sees the tutor, but not the tutor's numbers.
    assert client_for(provider_admin).get(f"{URL}{tutor.pk}/").status_code == 200
    assert client_for(provider_admin).get(f"{URL}{tutor.pk}/personal-data/").status_code == 403
    assert not AuditEvent.objects.filter(verb="pii.viewed").exists()


# --- Creating --------------------------------------------------------------------------------------------


def new_person(**fields):
    return {"real_name": "张老师", "phone": "13800138000", "id_card": make_id_card(seq=777), **fields}


def test_city_lead_opens_an_account_with_no_password(gz_city_lead, orgs):
    response = client_for(gz_city_lead).post(
        URL, new_person(organization=orgs["gz_school"].pk), format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["activated"] is False
    assert body["phone_masked"] == "138****8000"
    user = User.objects.get(pk=body["id"])
    assert not user.has_usable_password()
    assert user.organization == orgs["gz_school"]


def test_account_outside_the_scope_is_refused(gz_city_lead, provider_admin, orgs):
    client = client_for(gz_city_lead)
    # An organization out of sight does not exist; a region out of scope is a refusal.
    assert client.post(URL, new_person(organization=orgs["sz_school"].pk), format="json").status_code == 422
    assert client.post(URL, new_person(region="440305"), format="json").status_code == 403
    # The provider admin may see their university but not issue accounts.
    response = client_for(provider_admin).post(URL, new_person(organization=orgs["bnu"].pk), format="json")
    assert response.status_code == 403
    assert not User.objects.filter(real_name="张老师").exists()


def test_invalid_numbers_are_422_on_their_fields(gz_city_lead, learner):
    client = client_for(gz_city_lead)
    response = client.post(URL, new_person(region="440106", phone="12345"), format="json")
    assert response.status_code == 422 and "phone" in response.json()
    response = client.post(URL, new_person(region="440106", id_card="440106198503151230"), format="json")
    assert response.status_code == 422 and "id_card" in response.json()
    # The service's own check: the number already has an account.
    response = client.post(URL, new_person(region="440106", phone=learner.phone), format="json")
    assert response.status_code == 422 and "phone" in response.json()


def test_an_account_needs_a_place(gz_city_lead):
    response = client_for(gz_city_lead).post(URL, new_person(), format="json")
    assert response.status_code == 422 and "non_field_errors" in response.json()


# --- Authentication --------------------------------------------------------------------------------------


def test_anonymous_is_refused(learner):
    client = APIClient()
    assert client.get(URL).status_code in (401, 403)
    assert client.get("/api/v1/me/").status_code in (401, 403)
    assert client.get(f"{URL}{learner.pk}/personal-data/").status_code in (401, 403)


def test_token_authentication(gz_city_lead, learner):
    token = Token.objects.create(user=gz_city_lead)
    client = APIClient()
    response = client.get(URL, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert "learner" in usernames(response)
    # Session authentication comes first and sends no WWW-Authenticate header, so DRF answers 403, not 401.
    assert client.get(URL, HTTP_AUTHORIZATION="Token not-a-token").status_code in (401, 403)


def test_token_endpoint_hands_out_a_token(gz_city_lead):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "gz_city_lead", "password": "correct horse battery staple"}
    )
    assert response.status_code == 200
    assert response.json()["token"] == Token.objects.get(user=gz_city_lead).key


def test_list_cost_does_not_grow_with_the_page(
    gz_city_lead, orgs, regions, project, django_assert_max_num_queries
):
    from teachnet.accounts.models import RoleAssignment
    from teachnet.accounts.tests.factories import UserFactory

    for _ in range(20):
        person = UserFactory(organization=orgs["gz_school"], region=regions["440106"])
        RoleAssignment.objects.create(
            user=person, role="learner", organization=orgs["gz_school"], project=project
        )
    client = client_for(gz_city_lead)
    # count, grants, the page, its roles
    with django_assert_max_num_queries(4):
        assert len(client.get(URL).json()["results"]) == 21
