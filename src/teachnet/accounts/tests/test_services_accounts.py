"""Issuing accounts, activation codes and activation (ORG-4)."""

import datetime as dt
import re

import pytest
from django.contrib.auth import authenticate as django_authenticate
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.utils import timezone

from teachnet.accounts import services
from teachnet.accounts.models import ActivationCode, SmsMessage, User
from teachnet.accounts.tests.factories import make_id_card
from teachnet.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def authenticate(*, username, password):
    return django_authenticate(
        RequestFactory().post("/accounts/login/"), username=username, password=password
    )


def last_sms_code() -> str:
    return re.search(r"\d{6}", SmsMessage.objects.first().body).group(0)


def issue_one(phone="13800138000", name="王芳"):
    return services.accounts_issue(
        people=[services.NewPerson(real_name=name, phone=phone, id_card=make_id_card(seq=124))],
        issued_by=None,
    )[0]


def test_bulk_issue_stores_no_usable_password_and_only_code_digests():
    people = [
        services.NewPerson(real_name=f"学员{i}", phone=f"1370000{i:04d}", id_card=make_id_card(seq=i))
        for i in range(200)
    ]
    issued = services.accounts_issue(people=people, issued_by=None)
    assert len(issued) == 200 and User.objects.count() == 200
    assert not any(u.has_usable_password() for u in User.objects.all())
    digests = set(ActivationCode.objects.values_list("digest", flat=True))
    assert len(digests) == 200
    for item in issued[:5]:
        assert len(item.code) == 16 and item.code not in digests
        assert services.code_digest(item.code) in digests


def test_codes_carry_at_least_60_bits():
    assert services.CODE_LENGTH * 5 >= 60 and len(set(services.CODE_ALPHABET)) == 32


def test_bulk_issue_rejects_a_bad_row_and_writes_nothing():
    people = [
        services.NewPerson(real_name="甲", phone="13700000001", id_card=make_id_card(seq=1)),
        services.NewPerson(real_name="乙", phone="1370000", id_card=make_id_card(seq=2)),
    ]
    with pytest.raises(ValidationError) as exc:
        services.accounts_issue(people=people, issued_by=None)
    assert "2: 乙" in exc.value.message_dict
    assert User.objects.count() == 0


def test_personal_numbers_are_stored_protected():
    issued = issue_one()
    row = User.objects.filter(pk=issued.user.pk).values().get()
    id_card = make_id_card(seq=124)
    assert id_card not in str(row) and "13800138000" not in str(row)
    assert row["id_card_masked"] == id_card[:4] + "*" * 10 + id_card[-4:]
    assert row["phone_masked"] == "138****8000"
    user = User.objects.get(pk=issued.user.pk)
    assert user.id_card == id_card and user.phone == "13800138000"


def test_activation_happy_path_then_login_by_phone_and_username():
    issued = issue_one()
    record = services.activation_start(
        code=services.code_format(issued.code).lower(), phone=" 138 0013 8000 "
    )
    user = services.activation_complete(
        activation_id=record.pk, sms_code=last_sms_code(), password="Lingnan-teacher-2011"
    )
    assert user.activated_at is not None
    assert authenticate(username="13800138000", password="Lingnan-teacher-2011") == user
    assert authenticate(username=user.username, password="Lingnan-teacher-2011") == user
    assert AuditEvent.objects.filter(verb="account.activated", target_id=str(user.pk)).exists()
    with pytest.raises(ValidationError):  # the code is spent
        services.activation_start(code=issued.code, phone="13800138000")


def test_activation_refuses_wrong_phone_expired_and_revoked_codes_alike():
    issued = issue_one()
    with pytest.raises(ValidationError) as wrong_phone:
        services.activation_start(code=issued.code, phone="13900139000")
    ActivationCode.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(ValidationError) as expired:
        services.activation_start(code=issued.code, phone="13800138000")
    assert wrong_phone.value.messages == expired.value.messages
    assert SmsMessage.objects.count() == 0


def test_reissuing_revokes_the_previous_code():
    issued = issue_one()
    newer = services.activation_codes_issue(users=[issued.user], issued_by=None)[0]
    with pytest.raises(ValidationError):
        services.activation_start(code=issued.code, phone="13800138000")
    assert services.activation_start(code=newer.code, phone="13800138000")


def test_weak_password_is_refused_without_spending_the_sms_code():
    issued = issue_one()
    record = services.activation_start(code=issued.code, phone="13800138000")
    code = last_sms_code()
    with pytest.raises(ValidationError):
        services.activation_complete(activation_id=record.pk, sms_code=code, password="12345678")
    user = services.activation_complete(
        activation_id=record.pk, sms_code=code, password="Lingnan-teacher-2011"
    )
    assert user.has_usable_password()


def test_five_wrong_sms_codes_spend_the_challenge():
    issued = issue_one()
    record = services.activation_start(code=issued.code, phone="13800138000")
    right = last_sms_code()
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(5):
        with pytest.raises(ValidationError):
            services.activation_complete(
                activation_id=record.pk, sms_code=wrong, password="Lingnan-teacher-2011"
            )
    with pytest.raises(ValidationError) as exc:
        services.activation_complete(activation_id=record.pk, sms_code=right, password="Lingnan-teacher-2011")
    assert exc.value.code == "sms_expired"


def test_sms_resend_is_rate_limited():
    issued = issue_one()
    services.activation_start(code=issued.code, phone="13800138000")
    with pytest.raises(ValidationError) as exc:
        services.activation_start(code=issued.code, phone="13800138000")
    assert exc.value.code == "sms_too_soon"


def test_password_reset_by_sms(learner):
    services.password_reset_start(phone=learner.phone)
    services.password_reset_complete(
        phone=learner.phone, sms_code=last_sms_code(), password="New-Pearl-River-88"
    )
    assert authenticate(username=learner.phone, password="New-Pearl-River-88") == learner


def test_password_reset_for_unknown_phone_sends_nothing(db):
    assert services.password_reset_start(phone="13512345678") is None
    assert SmsMessage.objects.count() == 0


def test_duplicate_phone_or_id_is_refused(learner):
    with pytest.raises(ValidationError) as exc:
        services.user_create(real_name="张三", phone=learner.phone)
    assert "phone" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.user_create(real_name="张三", phone="13512345678", id_card=learner.id_card)
    assert "id_card" in exc.value.message_dict
