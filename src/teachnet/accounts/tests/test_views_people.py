"""Opening single accounts, issuing one activation code, granting and revoking roles through the pages."""

import re

import pytest

from teachnet.accounts import services
from teachnet.accounts.models import ActivationCode, RoleAssignment, User
from teachnet.accounts.tests.factories import make_id_card
from teachnet.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def new_person(client, org, region="440106", phone="13700001111"):
    return client.post(
        "/accounts/people/new/",
        {
            "real_name": "陈静",
            "phone": phone,
            "id_card": make_id_card(seq=401),
            "organization": org.pk,
            "region": region,
        },
    )


def test_city_lead_opens_an_account_and_issues_its_code_once(client, gz_city_lead, orgs):
    client.force_login(gz_city_lead)
    response = new_person(client, orgs["gz_school"])
    person = User.objects.get(real_name="陈静")
    assert response.status_code == 302 and not person.has_usable_password()
    page = client.post(f"/accounts/people/{person.pk}/activation-code/").content.decode()
    code = re.search(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", page).group(0)
    assert ActivationCode.objects.get(user=person).digest == services.code_digest(code)
    assert AuditEvent.objects.filter(verb="activation_code.issued", target_id=str(person.pk)).exists()
    assert code not in client.get(f"/accounts/people/{person.pk}/").content.decode()


def test_city_lead_cannot_open_an_account_in_another_city(client, gz_city_lead, orgs):
    client.force_login(gz_city_lead)
    response = new_person(client, orgs["sz_school"], region="440305")
    assert response.status_code == 200 and response.context["form"].errors
    assert not User.objects.filter(real_name="陈静").exists()


def test_bad_numbers_are_named_on_the_form(client, gz_city_lead, orgs):
    client.force_login(gz_city_lead)
    response = client.post(
        "/accounts/people/new/",
        {
            "real_name": "陈静",
            "phone": "1380013800",
            "id_card": "440106198503151235",
            "organization": orgs["gz_school"].pk,
        },
    )
    errors = response.context["form"].errors
    assert "phone" in errors and "id_card" in errors


def test_shenzhen_lead_cannot_issue_a_code_for_a_guangzhou_person(client, sz_city_lead, orgs):
    person = services.user_create(
        real_name="陈静", phone="13700001111", organization=orgs["gz_school"], region=orgs["gz_school"].region
    )
    client.force_login(sz_city_lead)
    assert client.post(f"/accounts/people/{person.pk}/activation-code/").status_code == 404
    assert not ActivationCode.objects.exists()


def test_no_code_for_an_activated_account(client, gz_city_lead, learner):
    client.force_login(gz_city_lead)
    response = client.post(f"/accounts/people/{learner.pk}/activation-code/", follow=True)
    assert "已激活" in response.content.decode() and not ActivationCode.objects.exists()


def test_grant_and_revoke_a_role_inside_the_scope(client, gz_city_lead, learner, project):
    client.force_login(gz_city_lead)
    response = client.post(
        f"/accounts/people/{learner.pk}/roles/",
        {"role": "county_admin", "region": "440106", "project": project.pk},
    )
    assert response.status_code == 302
    grant = RoleAssignment.objects.get(user=learner, role="county_admin")
    assert AuditEvent.objects.filter(verb="role.granted", actor=gz_city_lead).exists()
    client.post(f"/accounts/people/{learner.pk}/roles/{grant.pk}/revoke/")
    assert not RoleAssignment.objects.filter(pk=grant.pk).exists()


def test_grant_outside_the_scope_or_above_the_granter_is_refused(client, gz_city_lead, learner, project):
    client.force_login(gz_city_lead)
    client.post(
        f"/accounts/people/{learner.pk}/roles/",
        {"role": "county_admin", "region": "440305", "project": project.pk},
    )
    response = client.post(
        f"/accounts/people/{learner.pk}/roles/", {"role": "province_lead", "region": "440100"}
    )
    assert response.status_code == 200 and "role" in response.context["role_form"].errors
    assert not RoleAssignment.objects.filter(
        user=learner, role__in=["county_admin", "province_lead"]
    ).exists()


def test_learner_cannot_grant_or_open_accounts(client, learner, sz_learner, orgs):
    client.force_login(learner)
    assert client.get("/accounts/people/new/").status_code == 404
    assert (
        client.post(
            f"/accounts/people/{learner.pk}/roles/", {"role": "learner", "region": "440106"}
        ).status_code
        == 200
    )
    assert RoleAssignment.objects.filter(user=learner).count() == 1
    assert client.post(f"/accounts/people/{sz_learner.pk}/roles/", {"role": "learner"}).status_code == 404
