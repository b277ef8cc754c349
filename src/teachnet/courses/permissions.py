"""How the permission layer selects courses (TRN-4): as their provider's subject is selected (training's
scope), so a provider and its experts see their own courses, the project office all of them, a provincial lead
those of the projects its province takes part in."""

from teachnet.accounts.permissions import register_scope
from teachnet.accounts.roles import Perm, Role
from teachnet.training.permissions import provider_subject_scope

from .models import Course, CourseVersion, Resource


def register() -> None:
    register_scope(Course, lambda g: provider_subject_scope(g, prefix="provider_subject__"))
    register_scope(Resource, lambda g: provider_subject_scope(g, prefix="course__provider_subject__"))
    register_scope(CourseVersion, lambda g: provider_subject_scope(g, prefix="course__provider_subject__"))


# Course resources (TRN-4): the provider's admin and experts build, the project office reviews.
_BUILD = {Perm.COURSE_VIEW, Perm.COURSE_MANAGE}
GRANTS = {
    Role.PROJECT_OFFICE: {Perm.COURSE_VIEW, Perm.COURSE_REVIEW},
    Role.PROVINCE_LEAD: {Perm.COURSE_VIEW},
    Role.PROVIDER_ADMIN: _BUILD,
    Role.CHIEF_EXPERT: _BUILD,
    Role.SUBJECT_EXPERT: _BUILD,
}
