"""Q&A sessions' permissions (ACT-5) and how the permission layer selects sessions.

A session is seen through its provider's subject (training's scope): the provider's admin and experts see and
schedule their own provider's sessions, the project office every session, the bureaus below it those of the
projects their province takes part in (they read records and transcripts). The members of a subject's expert
team with an account reach their subject's sessions through the `own` rule, whatever their role grants.

Taking part is a relation, not a scoped permission, decided in selectors: a person enrolled in the session's
project subject (a learner, or a tutor as its backbone trainer) may enter the room, ask and upvote; a host
(an expert-team member named on the session, with an account) answers and marks questions answered.
"""

from enum import StrEnum

from django.db.models import Q

from teachnet.accounts.permissions import register_scope
from teachnet.accounts.roles import Role
from teachnet.training.permissions import provider_subject_scope


class QaPerm(StrEnum):
    VIEW = "qa.view"  # sessions, their standing against the rule, transcripts, attendance
    MANAGE = "qa.manage"  # schedule, change, cancel a session and choose its hosts


def register() -> None:
    from .models import QaSession

    register_scope(
        QaSession,
        lambda g: provider_subject_scope(g, prefix="provider_subject__"),
        own=lambda u: Q(provider_subject__members__user_id=u.pk),
        own_perms=frozenset({QaPerm.VIEW, QaPerm.MANAGE}),
    )


_READ = {QaPerm.VIEW}
_HOLD = {QaPerm.VIEW, QaPerm.MANAGE}
GRANTS = {
    Role.PROJECT_OFFICE: _READ,
    Role.PROVINCE_LEAD: _READ,
    Role.CITY_LEAD: _READ,
    Role.COUNTY_ADMIN: _READ,
    Role.PROVIDER_ADMIN: _HOLD,
    Role.CHIEF_EXPERT: _HOLD,
    Role.SUBJECT_EXPERT: _HOLD,
}
