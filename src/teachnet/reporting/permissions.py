"""How the permission layer selects submissions: by the region they report for, within the grant's project.

A city lead's scope (4401…) holds Guangzhou's trainee tables; a provincial lead's (44…) every city's tables
and the province's trainer table; the project office's (the nation) all of them.
"""

from django.db.models import Q

from teachnet.accounts.permissions import Grant, register_scope
from teachnet.accounts.roles import Perm, Role

from .models import Submission


def _submission_scope(g: Grant) -> Q:
    if g.prefix is None:  # organizations (providers, schools) report nothing
        return Q(pk__in=[])
    q = Q(region__code__startswith=g.prefix)
    if g.project_id is not None:
        q &= Q(project_id=g.project_id)
    return q


def register() -> None:
    register_scope(Submission, _submission_scope)


# Which roles grant reporting's permissions (REP-2, REP-4, REP-7), composed by the permission layer.
GRANTS = {
    Role.PROJECT_OFFICE: {Perm.REPORT_VIEW, Perm.REPORT_REVIEW_TRAINEE, Perm.REPORT_REVIEW_TRAINER},
    Role.PROVINCE_LEAD: {Perm.REPORT_VIEW, Perm.REPORT_REVIEW_TRAINEE, Perm.REPORT_SUBMIT_TRAINER},
    Role.CITY_LEAD: {Perm.REPORT_VIEW, Perm.REPORT_SUBMIT_TRAINEE},
}
