"""Login, lockout, the home page of each role, and the people pages."""

import pytest

from teachnet.core.models import AuditEvent

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


def test_login_by_phone_lands_on_home_showing_scope(client, gz_city_lead):
    response = client.post(
        "/accounts/login/", {"username": gz_city_lead.phone, "password": PASSWORD}, follow=True
    )
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == "/"
    assert "地市项目负责人" in page and "广州市（440100）" in page


def test_unactivated_account_cannot_log_in_even_with_a_password(client, gz_city_lead):
    gz_city_lead.activated_at = None
    gz_city_lead.save()
    response = client.post("/accounts/login/", {"username": gz_city_lead.username, "password": PASSWORD})
    assert "尚未激活" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_after_five_failures_counts_phone_and_username_together(client, gz_city_lead):
    for identifier in [gz_city_lead.phone, gz_city_lead.username] * 2 + [gz_city_lead.phone]:
        client.post("/accounts/login/", {"username": identifier, "password": "wrong"})
    response = client.post("/accounts/login/", {"username": gz_city_lead.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_per_ip_address(client, gz_city_lead, settings):
    for n in range(30):
        client.post("/accounts/login/", {"username": f"nobody{n}", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": gz_city_lead.username, "password": PASSWORD})
    assert response.status_code == 429


def test_home_for_learner_shows_no_admin_links(client, learner):
    client.force_login(learner)
    page = client.get("/").content.decode()
    assert "参训学员" in page and "导出激活码" not in page and "/accounts/people/" not in page


def test_anonymous_is_sent_to_login(client, db):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_people_list_is_scoped_and_masked(client, gz_city_lead, learner, sz_learner):
    client.force_login(gz_city_lead)
    page = client.get("/accounts/people/").content.decode()
    assert "learner" in page and "sz_learner" not in page
    assert learner.id_card not in page and learner.id_card_masked in page


def test_shenzhen_lead_gets_404_on_guangzhou_person_and_organization(client, sz_city_lead, learner, orgs):
    client.force_login(sz_city_lead)
    assert client.get(f"/accounts/people/{learner.pk}/").status_code == 404
    assert client.get(f"/orgs/{orgs['gz_school'].pk}/").status_code == 404
    assert client.get(f"/orgs/{orgs['gz_school'].pk}/edit/").status_code == 404
    assert client.get(f"/orgs/{orgs['sz_school'].pk}/").status_code == 200


def test_revealing_personal_numbers_is_logged_and_needs_the_permission(
    client, gz_city_lead, provider_admin, learner, tutor
):
    client.force_login(gz_city_lead)
    page = client.get(f"/accounts/people/{learner.pk}/?reveal=1").content.decode()
    assert learner.id_card in page
    assert AuditEvent.objects.filter(
        verb="pii.viewed", actor=gz_city_lead, target_id=str(learner.pk)
    ).exists()
    client.force_login(provider_admin)
    page = client.get(f"/accounts/people/{tutor.pk}/?reveal=1").content.decode()
    assert tutor.id_card not in page and tutor.id_card_masked in page
    assert not AuditEvent.objects.filter(actor=provider_admin).exists()


def test_language_switch_to_english(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"}, follow=True)
    assert response.content.decode().count('lang="en"') == 1


def test_chinese_by_default_even_for_an_english_browser(client, db):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-hans"' in page and "用户名或手机号" in page


def test_my_profile_page(client, learner):
    client.force_login(learner)
    page = client.get("/accounts/me/").content.decode()
    assert learner.id_card_masked in page and "修改密码" in page


def test_password_too_short_message_is_chinese(db):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        validate_password("Ab1!x")
    assert "密码太短，至少需要 10 个字符。" in exc.value.messages
