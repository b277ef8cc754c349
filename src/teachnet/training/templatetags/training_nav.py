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


@register.simple_tag(takes_context=True)
def tutor_nav(context) -> bool:
    """A tutor's menu entry to their own classes (a relation to the person, not a scoped permission)."""
    from teachnet.training.models import TrainingClass

    user = getattr(context.get("request"), "user", None)
    return bool(user and user.is_authenticated and TrainingClass.objects.filter(tutor=user).exists())
