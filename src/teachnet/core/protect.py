"""Protection of personal data (PIPL): encryption at rest, keyed lookup hashes, masking.

ID-card and phone numbers are stored three ways: encrypted (AES via Fernet, recoverable by the platform for
the roles that need them), a keyed HMAC-SHA256 "blind index" (exact-match lookups and uniqueness without
decrypting), and a masked form for lists (4401**********1234).
"""

import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet
from django.conf import settings


def _derive(label: bytes, configured: str) -> bytes:
    if configured:
        return configured.encode()
    return hashlib.sha256(b"teachnet:" + label + b":" + settings.SECRET_KEY.encode()).digest()


@cache
def _fernet() -> Fernet:
    key = settings.FIELD_ENCRYPTION_KEY
    if key:
        return Fernet(key.encode())
    return Fernet(base64.urlsafe_b64encode(_derive(b"field-encryption", "")))


@cache
def _index_key() -> bytes:
    return _derive(b"blind-index", settings.BLIND_INDEX_KEY)


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode() if value else ""


def decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode() if token else ""


def blind_index(kind: str, value: str) -> str:
    """A keyed hash: equal values give equal digests, and nobody without the key can test guesses."""
    return hmac.new(_index_key(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def mask(value: str, *, keep_start: int, keep_end: int) -> str:
    if not value:
        return ""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]


def mask_id_card(value: str) -> str:
    return mask(value, keep_start=4, keep_end=4)


def mask_phone(value: str) -> str:
    return mask(value, keep_start=3, keep_end=4)
