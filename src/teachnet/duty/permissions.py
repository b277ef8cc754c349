"""Duty's permissions (ACT-3) and which roles grant them, composed by the permission layer.

A provider's roster, queue and response times are seen by the provider (its admin, its experts) and by the
project office, which sees every provider of its project; the provider's admin and its chief expert draw up
the roster. Claiming and answering a question is for the experts of the question's subject team, a relation
(training.ExpertTeamMember) the selectors check; the tutor who forwarded a question and the asker may follow
it (the `own` rule).
"""

from enum import StrEnum

from django.db.models import Q

from teachnet.accounts.permissions import Grant, register_scope
from teachnet.accounts.roles import Role
from teachnet.training.permissions import provider_subject_scope


class DutyPerm(StrEnum):
    VIEW = "duty.view"  # a provider's roster, on-duty queue and response times
    ROSTER_MANAGE = "duty.roster_manage"  # who is on duty which day


def _shift_scope(g: Grant) -> Q:
    if g.prefix is None:
        q = Q(provider_id__in=g.org_ids)
    elif g.prefix == "":
        q = Q(pk__isnull=False)  # the nation (an empty Q would OR away to nothing)
    else:
        q = Q(project__provinces__code=g.prefix[:2] + "0000")
    if g.project_id is not None:
        q &= Q(project_id=g.project_id)
    return q


def register() -> None:
    from .models import DutyShift, Question

    register_scope(
        DutyShift, _shift_scope, own=lambda u: Q(expert_id=u.pk), own_perms=frozenset({DutyPerm.VIEW})
    )
    register_scope(
        Question,
        lambda g: provider_subject_scope(g, prefix="provider_subject__"),
        own=lambda u: Q(provider_subject__members__user_id=u.pk) | Q(forwarded_by_id=u.pk) | Q(asker_id=u.pk),
        own_perms=frozenset({DutyPerm.VIEW}),
    )


GRANTS = {
    Role.PROJECT_OFFICE: {DutyPerm.VIEW},
    Role.PROVIDER_ADMIN: {DutyPerm.VIEW, DutyPerm.ROSTER_MANAGE},
    Role.CHIEF_EXPERT: {DutyPerm.VIEW, DutyPerm.ROSTER_MANAGE},
    Role.SUBJECT_EXPERT: {DutyPerm.VIEW},
}
