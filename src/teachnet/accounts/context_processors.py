from .permissions import has_any
from .roles import Perm


def nav(request):
    """What the menu offers: only what the person may actually open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}}
    return {
        "nav": {
            "orgs": has_any(actor=user, perm=Perm.ORG_VIEW),
            "users": has_any(actor=user, perm=Perm.USER_VIEW),
            "issue": has_any(actor=user, perm=Perm.ACCOUNT_ISSUE),
            "reporting": has_any(actor=user, perm=Perm.REPORT_VIEW),
        }
    }
