"""Login by username or by phone number (ORG-4)."""

from django.contrib.auth.backends import ModelBackend

from teachnet.core import protect
from teachnet.core.identity import MOBILE_RE, normalize_phone

from .models import User


def find_login_user(identifier: str) -> User | None:
    identifier = (identifier or "").strip()
    phone = normalize_phone(identifier)
    if MOBILE_RE.fullmatch(phone):
        user = User.objects.filter(phone_hash=protect.blind_index("phone", phone)).first()
        if user is not None:
            return user
    return User.objects.filter(username__iexact=identifier).first() if identifier else None


def axes_username(request, credentials) -> str:
    """Failures count against the account, whichever of its names (username or phone) was typed."""
    typed = (credentials or {}).get("username") or (request.POST.get("username") if request else "") or ""
    user = find_login_user(typed)
    return user.username if user is not None else typed.strip().lower()


class UsernameOrPhoneBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or not password:
            return None
        user = find_login_user(username)
        if user is None:
            User().set_password(password)  # same work as a real check, so timing tells nothing
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
