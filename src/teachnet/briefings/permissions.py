"""Who reads briefings and who sees the counters (ACT-4, ACT-7), as the permission layer composes them.

Reading (BriefingPerm.VIEW) is published briefings only:
- a region grant over the nation (the project office) reads every one; a region grant below it (a province's
  or a city's lead) reads the expert briefings of the projects its province takes part in, the class
  briefings of the classes in its region, and its province's work briefings;
- an organization grant (a provider's admin and experts) reads its own subjects' expert briefings and the
  class briefings of those subjects' classes;
- the relations no role expresses (the `own` rule, for everyone): the subject's learners, its classes' tutors
  and its expert team read the subject's expert briefings; a class's tutor and learners read the class's.

Drafts are their writers' (a subject's expert team, a class's tutor, the province's lead): the selectors
decide that (selectors.may_write), views and API alike.
"""

from __future__ import annotations

from enum import StrEnum

from django.db.models import Q

from teachnet.accounts.permissions import Grant, register_scope
from teachnet.accounts.roles import Role


class BriefingPerm(StrEnum):
    VIEW = "briefings.view"  # read the published briefings of one's scope
    STANDINGS = "briefings.standings"  # the counters against the minimums, per subject, class and province
    WRITE_PROVINCIAL = "briefings.write_provincial"  # a province's work briefings to the project office


GRANTS = {
    Role.PROJECT_OFFICE: {BriefingPerm.VIEW, BriefingPerm.STANDINGS},
    Role.PROVINCE_LEAD: {BriefingPerm.VIEW, BriefingPerm.STANDINGS, BriefingPerm.WRITE_PROVINCIAL},
    Role.CITY_LEAD: {BriefingPerm.VIEW, BriefingPerm.STANDINGS},
    Role.COUNTY_ADMIN: {BriefingPerm.VIEW},
    Role.PROVIDER_ADMIN: {BriefingPerm.VIEW, BriefingPerm.STANDINGS},
    Role.CHIEF_EXPERT: {BriefingPerm.VIEW},
    Role.SUBJECT_EXPERT: {BriefingPerm.VIEW},
}

_PUBLISHED = Q(state="published")


def _briefing_scope(g: Grant) -> Q:
    if g.prefix == "":
        q = Q(pk__isnull=False)  # the nation (an empty Q would OR away to nothing)
    elif g.prefix is not None:
        province = g.prefix[:2] + "0000"
        q = (
            Q(kind="expert", provider_subject__project__provinces__code=province)
            | Q(kind="class", training_class__province__code__startswith=g.prefix)
            | Q(kind="class", training_class__cities__code__startswith=g.prefix)
            | Q(kind="provincial", province__code=province)
        )
    else:
        from teachnet.training.models import ProviderSubject

        offered = ProviderSubject.objects.filter(provider_id__in=g.org_ids)
        q = Q(kind="expert", provider_subject__provider_id__in=g.org_ids) | Q(
            kind="class",
            training_class__subject_id__in=offered.values("subject_id"),
            training_class__project_id__in=offered.values("project_id"),
        )
    if g.project_id is not None:
        q &= Q(project_id=g.project_id)
    return _PUBLISHED & q


def _own(user) -> Q:
    from teachnet.training.models import ClassMembership, Enrollment, ExpertTeamMember, TrainingClass

    taking = Enrollment.objects.filter(user_id=user.pk, withdrawn_at__isnull=True)
    teams = ExpertTeamMember.objects.filter(user_id=user.pk).values("provider_subject_id")
    tutored = TrainingClass.objects.filter(tutor_id=user.pk)
    mine = ClassMembership.objects.filter(enrollment__in=taking).values("training_class_id")
    return _PUBLISHED & (
        Q(kind="expert", provider_subject_id__in=teams)
        | Q(kind="expert", provider_subject__subject_id__in=taking.values("subject_id"))
        | Q(kind="expert", provider_subject__subject_id__in=tutored.values("subject_id"))
        | Q(kind="class", training_class_id__in=tutored.values("pk"))
        | Q(kind="class", training_class_id__in=mine)
    )


def register() -> None:
    from .models import Briefing

    register_scope(Briefing, _briefing_scope, own=_own, own_perms=frozenset({BriefingPerm.VIEW}))
