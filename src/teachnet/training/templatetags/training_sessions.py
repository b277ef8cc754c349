"""Links to the trainer training pages (TRN-5), offered only to those who may open them."""

from django import template

from teachnet.accounts.permissions import has_any
from teachnet.accounts.roles import Perm

register = template.Library()


@register.simple_tag(takes_context=True)
def trainer_training_visible(context) -> bool:
    user = getattr(context.get("request"), "user", None)
    return bool(user and user.is_authenticated and has_any(actor=user, perm=Perm.TRAINER_SESSION_VIEW))


@register.simple_tag(takes_context=True)
def classes_visible(context) -> bool:
    """The project overview's link to its classes: for those who see, build or adjust them (TRN-6, TRN-7)."""
    user = getattr(context.get("request"), "user", None)
    if not (user and user.is_authenticated):
        return False
    return any(has_any(actor=user, perm=p) for p in (Perm.CLASS_VIEW, Perm.CLASS_MANAGE, Perm.LEARNER_ADJUST))
