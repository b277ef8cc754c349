"""ID-card and mobile validation (GB 11643), with the things people really type."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from teachnet.core import protect
from teachnet.core.identity import id_check_char, id_gender, validate_id_card, validate_mobile


def test_known_valid_number_with_x_check_digit_in_lower_case_and_full_width():
    assert validate_id_card("11010519491231002x") == "11010519491231002X"
    assert validate_id_card("１１０１０５１９４９１２３１００２Ｘ ") == "11010519491231002X"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("110105491231002", "id_15_digits"),
        ("11010519491231002", "id_format"),
        ("110105194913310021", "id_birth_date"),
        ("110105194912310021", "id_checksum"),
    ],
)
def test_each_mistake_gets_its_own_message(value, code):
    with pytest.raises(ValidationError) as exc:
        validate_id_card(value)
    assert exc.value.code == code


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_checksum_accepts_exactly_one_last_character(first17):
    valid = [c for c in "0123456789X" if _ok(first17 + c)]
    birth_ok = _ok(first17 + id_check_char(first17))
    assert len(valid) == (1 if birth_ok else 0)


def _ok(number):
    try:
        validate_id_card(number)
    except ValidationError:
        return False
    return True


def test_gender_digit():
    assert id_gender("11010519491231002X") == "F"


@pytest.mark.parametrize(
    "typed", ["13912345678", "13912345678.0", " 139 1234 5678 ", "+8613912345678", "１３９１２３４５６７８"]
)
def test_mobile_normalization(typed):
    assert validate_mobile(typed) == "13912345678"


@pytest.mark.parametrize("typed", ["1391234567", "23912345678", "139123456789", "abc"])
def test_mobile_rejections(typed):
    with pytest.raises(ValidationError):
        validate_mobile(typed)


def test_masks_and_keyed_hash():
    assert protect.mask_id_card("440106198503151234") == "4401**********1234"
    assert protect.mask_phone("13912345678") == "139****5678"
    assert protect.blind_index("phone", "13912345678") != protect.blind_index("id_card", "13912345678")
    assert protect.decrypt(protect.encrypt("440106198503151234")) == "440106198503151234"
