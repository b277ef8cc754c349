"""Which roles grant learning's permissions, composed by the permission layer.

Study records (LRN-3) for every admin in the chain above a learner; plans (LRN-4) by the province and the
office. A tutor reaches their own class's learners through the `own` rule of classes
(training/permissions.py).
"""

from teachnet.accounts.roles import Perm, Role

GRANTS = {
    Role.PROJECT_OFFICE: {Perm.STUDY_RECORDS_VIEW, Perm.STUDY_PLAN_MANAGE},
    Role.PROVINCE_LEAD: {Perm.STUDY_RECORDS_VIEW, Perm.STUDY_PLAN_MANAGE},
    Role.CITY_LEAD: {Perm.STUDY_RECORDS_VIEW},
    Role.COUNTY_ADMIN: {Perm.STUDY_RECORDS_VIEW},
    Role.SCHOOL_ADMIN: {Perm.STUDY_RECORDS_VIEW},
}
