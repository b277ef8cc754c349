"""Course facts for other apps' pages: the menu's entries (review queue, a learner's courses) and each
provider's course on the project overview. Templates may load this; the training app's code does not import
the courses app."""

from django import template

from teachnet.accounts.permissions import has_any, visible
from teachnet.accounts.roles import Perm

from ..models import Course
from ..services import course_totals

register = template.Library()


@register.simple_tag(takes_context=True)
def project_courses(context, project) -> dict:
    """The project's courses by provider's subject, with their totals, if the viewer may see courses."""
    user = context["request"].user
    courses = visible(actor=user, perm=Perm.COURSE_VIEW, model=Course).filter(
        provider_subject__project=project
    )
    out = {}
    for course in courses:
        course.totals = course_totals(course=course)
        out[course.provider_subject_id] = course
    return out


@register.filter
def course_of(courses: dict, provider_subject_id):
    return courses.get(provider_subject_id)


@register.simple_tag(takes_context=True)
def has_course_view(context) -> bool:
    return has_any(actor=context["request"].user, perm=Perm.COURSE_VIEW)


@register.simple_tag
def provider_courses(rows) -> dict:
    """The courses of the provider's subjects listed on its workspace (rows of (subject, team status))."""
    ids = [ps.pk for ps, _status in rows]
    out = {}
    for course in Course.objects.filter(provider_subject_id__in=ids):
        course.totals = course_totals(course=course)
        out[course.provider_subject_id] = course
    return out
