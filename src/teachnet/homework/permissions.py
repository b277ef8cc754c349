"""Homework's permissions (ACT-6) and how the permission layer selects assignments.

Who sets, writes and grades homework follows relations no role scope expresses, checked in selectors: the
expert team of a provider's subject (training.ExpertTeamMember as chief or subject expert) sets its
assignments and spot-checks; the tutor of a class (TrainingClass.tutor) grades it and may set assignments
for it; a learner placed in a class (ClassMembership) writes. What the role grants is oversight: the project
office, provinces and cities, and the provider read assignments, progress and the showcase in their scope.
"""

from enum import StrEnum

from django.db.models import Q

from teachnet.accounts.permissions import Grant, register_scope
from teachnet.accounts.roles import Role
from teachnet.training.permissions import provider_subject_scope


class HomeworkPerm(StrEnum):
    VIEW = "homework.view"  # assignments, progress per class/tutor/subject and the showcase, in scope
    # Set assignments and write rubrics: which subject or class is the team's or the tutor's to say
    # (selectors); the role says only that the person may, which the menu asks without a query.
    SET = "homework.set"


def _assignment_scope(g: Grant) -> Q:
    subject_set = provider_subject_scope(g, prefix="provider_subject__")
    if g.prefix is None:  # an organization (the provider): its own subjects' assignments
        return subject_set
    if g.prefix == "":
        class_set = Q(training_class__isnull=False)
    else:
        class_set = Q(training_class__province__code__startswith=g.prefix) | Q(
            training_class__cities__code__startswith=g.prefix
        )
    if g.project_id is not None:
        class_set &= Q(project_id=g.project_id)
    return subject_set | class_set


def register() -> None:
    from .models import Assignment

    register_scope(Assignment, _assignment_scope)


GRANTS = {
    Role.PROJECT_OFFICE: {HomeworkPerm.VIEW},
    Role.PROVINCE_LEAD: {HomeworkPerm.VIEW},
    Role.CITY_LEAD: {HomeworkPerm.VIEW},
    Role.PROVIDER_ADMIN: {HomeworkPerm.VIEW},
    Role.CHIEF_EXPERT: {HomeworkPerm.SET},
    Role.SUBJECT_EXPERT: {HomeworkPerm.SET},
    Role.TUTOR: {HomeworkPerm.SET},
}
