"""The project list's link to create a project (TRN-1), offered only to those who may create one."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def project_create_visible(context) -> bool:
    from teachnet.training.services_projects import may_create_project

    user = getattr(context.get("request"), "user", None)
    return bool(user and may_create_project(actor=user))
