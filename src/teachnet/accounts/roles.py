"""Roles (ORG-3) and the permissions of organizations and accounts each grants within its scope.

A role is never global: it is held within a region or an organization, optionally for one project. Every other
app declares its own permissions and which roles grant them in its `permissions.py` (a `GRANTS` table); the
permission layer (permissions.py) composes them with ROLE_PERMS below and turns the result into querysets and
yes/no answers.
"""

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PROJECT_OFFICE = "project_office", _("项目办")
    PROVINCE_LEAD = "province_lead", _("省级项目负责人")
    CITY_LEAD = "city_lead", _("地市项目负责人")
    COUNTY_ADMIN = "county_admin", _("区县工作站管理员")
    SCHOOL_ADMIN = "school_admin", _("学校培训管理员")
    PROVIDER_ADMIN = "provider_admin", _("培训机构管理员")
    CHIEF_EXPERT = "chief_expert", _("首席专家")
    SUBJECT_EXPERT = "subject_expert", _("学科专家")
    TUTOR = "tutor", _("班级辅导教师")
    BACKBONE_TRAINER = "backbone_trainer", _("骨干培训者")
    LEARNER = "learner", _("参训学员")
    SECRETARIAT = "secretariat", _("联盟秘书处")
    COMMITTEE_MEMBER = "committee_member", _("委员会委员")
    UNIVERSITY_ADMIN = "university_admin", _("高校管理员")


class Perm(StrEnum):
    # The permissions of the first four systems, kept in one enum for the code that names them; which roles
    # grant them is declared by each app (its GRANTS). A new app declares its own enum beside its code.
    REGION_VIEW = "region.view"
    ORG_VIEW = "org.view"
    ORG_MANAGE = "org.manage"
    USER_VIEW = "user.view"
    USER_VIEW_PII = "user.view_pii"  # unmasked ID-card and phone numbers
    USER_MANAGE = "user.manage"
    ROLE_VIEW = "role.view"
    ROLE_ASSIGN = "role.assign"
    ACCOUNT_ISSUE = "account.issue"  # create accounts, export activation codes
    PROJECT_VIEW = "project.view"
    REPORT_VIEW = "report.view"  # submissions and the progress board (REP-7)
    REPORT_SUBMIT_TRAINEE = "report.submit_trainee"  # a city's trainee tables (REP-2)
    REPORT_SUBMIT_TRAINER = "report.submit_trainer"  # a province's trainer table (REP-2)
    REPORT_REVIEW_TRAINEE = "report.review_trainee"  # by the provincial lead (REP-4)
    REPORT_REVIEW_TRAINER = "report.review_trainer"  # by the project office (REP-4)
    PROJECT_OVERVIEW = "project.overview"  # a project's phases, subjects, providers and teams (TRN-1)
    PROJECT_MANAGE = "project.manage"  # phase dates, providers' subjects: the project office (TRN-1, TRN-2)
    TEAM_VIEW = "team.view"  # providers' subject assignments and expert teams (TRN-2, TRN-3)
    TEAM_MANAGE = "team.manage"  # a provider's own expert teams (TRN-3)
    TRAINER_SESSION_VIEW = "trainer_session.view"  # trainer-training sessions, attendance, status (TRN-5)
    TRAINER_SESSION_MANAGE = "trainer_session.manage"  # hold sessions, take attendance (TRN-5)
    CLASS_VIEW = "class.view"  # training classes and their members (TRN-6); a tutor sees their own class
    CLASS_MANAGE = "class.manage"  # build classes, move learners: the provincial lead, the project office
    LEARNER_ADJUST = "learner.adjust"  # replace or withdraw a learner until the cut-off (TRN-7)
    LEARNER_ADJUST_LATE = "learner.adjust_late"  # the same after the cut-off, with a reason: the province
    COURSE_VIEW = "course.view"  # a provider's courses, their versions and review comments (TRN-4)
    COURSE_MANAGE = "course.manage"  # build a course and submit it: the provider and its experts
    COURSE_REVIEW = "course.review"  # comment, return, approve: the project office's reviewers
    STUDY_RECORDS_VIEW = "study.records_view"  # learners' study records (LRN-3): admins above them, the tutor
    STUDY_PLAN_MANAGE = "study.plan_manage"  # learning plans for a class (LRN-4): its tutor, the province


# Bureaus share the administrative permissions; what separates the project office from a county is the
# scope, and the part each plays in reporting (GP annex 4).
_ADMIN = frozenset({
    Perm.REGION_VIEW, Perm.ORG_VIEW, Perm.ORG_MANAGE, Perm.USER_VIEW, Perm.USER_VIEW_PII, Perm.USER_MANAGE,
    Perm.ROLE_VIEW, Perm.ROLE_ASSIGN, Perm.ACCOUNT_ISSUE, Perm.PROJECT_VIEW,
})  # fmt: skip
_READ = frozenset({Perm.REGION_VIEW, Perm.ORG_VIEW, Perm.PROJECT_VIEW})

# What each role grants of organizations and accounts. The rest of each role's permissions comes from the
# apps' GRANTS tables (reporting/permissions.py, training/permissions.py …), composed by the permission
# layer.
ROLE_PERMS: dict[str, frozenset[Perm]] = {
    Role.PROJECT_OFFICE: _ADMIN,
    Role.PROVINCE_LEAD: _ADMIN,
    Role.CITY_LEAD: _ADMIN,
    Role.COUNTY_ADMIN: _ADMIN,
    Role.SCHOOL_ADMIN: _READ | {Perm.USER_VIEW, Perm.USER_VIEW_PII, Perm.ROLE_VIEW},
    Role.PROVIDER_ADMIN: _READ | {Perm.ORG_MANAGE, Perm.USER_VIEW, Perm.ROLE_VIEW, Perm.ROLE_ASSIGN},
    Role.CHIEF_EXPERT: _READ | {Perm.USER_VIEW, Perm.ROLE_VIEW},
    Role.SUBJECT_EXPERT: _READ,
    Role.TUTOR: _READ,
    Role.BACKBONE_TRAINER: _READ,
    Role.LEARNER: frozenset({Perm.PROJECT_VIEW}),
    Role.SECRETARIAT: _READ | {Perm.ORG_MANAGE, Perm.USER_VIEW, Perm.ROLE_VIEW, Perm.ROLE_ASSIGN},
    Role.COMMITTEE_MEMBER: _READ,
    Role.UNIVERSITY_ADMIN: _READ
    | {
        Perm.ORG_MANAGE,
        Perm.USER_VIEW,
        Perm.USER_VIEW_PII,
        Perm.USER_MANAGE,
        Perm.ROLE_VIEW,
        Perm.ROLE_ASSIGN,
        Perm.ACCOUNT_ISSUE,
    },
}

# Which roles a holder may grant, inside their own scope. Nobody grants a role above their own.
ASSIGNABLE: dict[str, frozenset[str]] = {
    Role.PROJECT_OFFICE: frozenset(Role.values),
    Role.PROVINCE_LEAD: frozenset(
        {
            Role.CITY_LEAD,
            Role.COUNTY_ADMIN,
            Role.SCHOOL_ADMIN,
            Role.TUTOR,
            Role.BACKBONE_TRAINER,
            Role.LEARNER,
        }
    ),
    Role.CITY_LEAD: frozenset({Role.COUNTY_ADMIN, Role.SCHOOL_ADMIN, Role.LEARNER}),
    Role.COUNTY_ADMIN: frozenset({Role.SCHOOL_ADMIN, Role.LEARNER}),
    Role.PROVIDER_ADMIN: frozenset({Role.CHIEF_EXPERT, Role.SUBJECT_EXPERT, Role.TUTOR}),
    Role.SECRETARIAT: frozenset({Role.COMMITTEE_MEMBER, Role.UNIVERSITY_ADMIN}),
    Role.UNIVERSITY_ADMIN: frozenset({Role.SUBJECT_EXPERT, Role.TUTOR, Role.LEARNER}),
}
