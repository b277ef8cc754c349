"""How the permission layer selects providers' subjects and their expert teams (TRN-2, TRN-3).

The project office (a region grant over the nation) sees every provider's subjects; a region grant below the
nation sees those of the projects its province takes part in; an organization grant (a provider admin, a chief
expert) sees its own provider's only. A grant held for one project reaches that project only.
"""

from django.db.models import Q

from teachnet.accounts.permissions import Grant, register_scope
from teachnet.accounts.roles import Perm, Role

from .models import ExpertTeamMember, ProviderSubject


def provider_subject_scope(g: Grant, prefix: str = "") -> Q:
    if g.prefix is None:
        q = Q(**{f"{prefix}provider_id__in": g.org_ids})
    elif g.prefix == "":
        q = Q(**{f"{prefix}pk__isnull": False})  # the nation (an empty Q would OR away to nothing)
    else:
        q = Q(**{f"{prefix}project__provinces__code": g.prefix[:2] + "0000"})
    if g.project_id is not None:
        q &= Q(**{f"{prefix}project_id": g.project_id})
    return q


def _member_scope(g: Grant) -> Q:
    return provider_subject_scope(g, prefix="provider_subject__")


def register() -> None:
    register_scope(ProviderSubject, provider_subject_scope)
    register_scope(ExpertTeamMember, _member_scope)
    register_classes()
    register_sessions()


# --- Classes and adjustments (TRN-6, TRN-7) -----------------------------------------------------------------
#
# A region grant sees the classes of its province (a provincial lead) or the classes holding its city's
# learners (a city lead, through TrainingClass.cities), and of the members only those of its region; a tutor
# sees their own class and all of its members, whatever their grants (the `own` rule, for CLASS_VIEW).
# Organization grants see no classes.


def _limit_project(q: Q, g: Grant, prefix: str = "") -> Q:
    if g.project_id is not None:
        q &= Q(**{f"{prefix}project_id": g.project_id})
    return q


def _class_scope(g: Grant) -> Q:
    if g.prefix is None:
        return Q(pk__in=[])
    if g.prefix == "":
        return _limit_project(Q(pk__isnull=False), g)
    return _limit_project(Q(province__code__startswith=g.prefix) | Q(cities__code__startswith=g.prefix), g)


def _membership_scope(g: Grant) -> Q:
    if g.prefix is None:
        return Q(pk__in=[])
    return _limit_project(Q(enrollment__region__code__startswith=g.prefix), g, "training_class__")


def _enrollment_scope(g: Grant) -> Q:
    if g.prefix is None:  # an organization's grant: the people of that organization (a school's teachers)
        return _limit_project(Q(user__organization_id__in=g.org_ids), g)
    return _limit_project(Q(region__code__startswith=g.prefix), g)


def register_classes() -> None:
    from teachnet.accounts.roles import Perm

    from .models import ClassMembership, Enrollment, TrainingClass

    tutor_perms = frozenset({Perm.CLASS_VIEW, Perm.STUDY_PLAN_MANAGE})
    register_scope(TrainingClass, _class_scope, own=lambda u: Q(tutor_id=u.pk), own_perms=tutor_perms)
    register_scope(
        ClassMembership,
        _membership_scope,
        own=lambda u: Q(training_class__tutor_id=u.pk),
        own_perms=tutor_perms,
    )
    # A tutor sees the study records of their class's learners (LRN-3).
    register_scope(
        Enrollment,
        _enrollment_scope,
        own=lambda u: Q(
            pk__in=ClassMembership.objects.filter(training_class__tutor_id=u.pk).values("enrollment_id")
        ),
        own_perms=frozenset({Perm.STUDY_RECORDS_VIEW}),
    )


# --- Trainer training (TRN-5) ------------------------------------------------------------------------------
#
# A session is seen through its provider's subject: the provider's own grants, the project office, and the
# provincial leads of the project's provinces (who read it; which trainers they see of the status is their
# region's, decided by the selectors with regions_in_scope).


def _session_scope(g: Grant) -> Q:
    return provider_subject_scope(g, prefix="provider_subject__")


def register_sessions() -> None:
    from .models import TrainerSession

    register_scope(TrainerSession, _session_scope)


# Which roles grant training's permissions (TRN-1 … TRN-7), composed by the permission layer: the office runs
# the project, a provider its teams and trainer sessions, the province builds classes and adjusts learners.
GRANTS = {
    Role.PROJECT_OFFICE: {
        Perm.PROJECT_OVERVIEW, Perm.PROJECT_MANAGE, Perm.TEAM_VIEW, Perm.TRAINER_SESSION_VIEW,
        Perm.TRAINER_SESSION_MANAGE, Perm.CLASS_VIEW, Perm.CLASS_MANAGE,
    },
    Role.PROVINCE_LEAD: {
        Perm.PROJECT_OVERVIEW, Perm.TRAINER_SESSION_VIEW, Perm.CLASS_VIEW, Perm.CLASS_MANAGE,
        Perm.LEARNER_ADJUST, Perm.LEARNER_ADJUST_LATE,
    },
    Role.CITY_LEAD: {Perm.PROJECT_OVERVIEW, Perm.CLASS_VIEW, Perm.LEARNER_ADJUST},
    Role.PROVIDER_ADMIN: {
        Perm.TEAM_VIEW, Perm.TEAM_MANAGE, Perm.TRAINER_SESSION_VIEW, Perm.TRAINER_SESSION_MANAGE,
    },
    Role.CHIEF_EXPERT: {Perm.TEAM_VIEW},
}  # fmt: skip
