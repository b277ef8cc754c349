"""Who reads discussions (ACT-1), as the permission layer selects boards.

A board's own people read and write it — a class board: its learners, its tutor and the subject's expert
team; a subject board: every learner, tutor and expert of the subject in that project — through the `own`
rule; the admins above them read (DiscussionPerm.READ): the project office, the provincial and city leads
whose region the class (or the project) reaches, the provider of the subject. Writing and moderating are
relations (a member, the tutor, an expert of the team) that the selectors decide.
"""

from enum import StrEnum

from django.db.models import Q

from teachnet.accounts.permissions import Grant, register_scope
from teachnet.accounts.roles import Role


class DiscussionPerm(StrEnum):
    READ = "discussions.read"  # the boards of the classes and subjects in scope, to read


def _board_scope(g: Grant) -> Q:
    if g.prefix is None:  # a provider's grant: the boards of the subjects it takes
        q = Q(subject__provider_subjects__provider_id__in=g.org_ids)
    elif g.prefix == "":
        q = Q(pk__isnull=False)  # the nation (an empty Q would OR away to nothing)
    else:
        q = (
            Q(kind="class", training_class__province__code__startswith=g.prefix)
            | Q(kind="class", training_class__cities__code__startswith=g.prefix)
            | Q(kind="subject", project__provinces__code=g.prefix[:2] + "0000")
        )
    if g.project_id is not None:
        q &= Q(project_id=g.project_id)
    return q


def _own_boards(u) -> Q:
    member = Q(
        kind="class",
        training_class__memberships__enrollment__user_id=u.pk,
        training_class__memberships__enrollment__withdrawn_at__isnull=True,
    )
    tutor = Q(kind="class", training_class__tutor_id=u.pk)
    enrolled = Q(
        kind="subject", subject__enrollments__user_id=u.pk, subject__enrollments__withdrawn_at__isnull=True
    )
    tutoring = Q(kind="subject", subject__classes__tutor_id=u.pk)
    expert = Q(subject__provider_subjects__members__user_id=u.pk)
    return member | tutor | enrolled | tutoring | expert


def register() -> None:
    from .models import Board

    register_scope(Board, _board_scope, own=_own_boards, own_perms=frozenset({DiscussionPerm.READ}))


_READ = {DiscussionPerm.READ}
GRANTS = {
    Role.PROJECT_OFFICE: _READ,
    Role.PROVINCE_LEAD: _READ,
    Role.CITY_LEAD: _READ,
    Role.PROVIDER_ADMIN: _READ,
}
