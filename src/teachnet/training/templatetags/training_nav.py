"""The menu's training entry, offered only to those who may open it (the project overview or a provider's
workspace): the accounts app's nav context processor knows nothing of this app's permissions."""

from django import template

from teachnet.accounts.permissions import has_any
from teachnet.accounts.roles import Perm

register = template.Library()


@register.simple_tag(takes_context=True)
def training_nav(context) -> bool:
    user = getattr(context.get("request"), "user", None)
    if user is None or not user.is_authenticated:
        return False
    return has_any(actor=user, perm=Perm.PROJECT_OVERVIEW) or has_any(actor=user, perm=Perm.TEAM_VIEW)
