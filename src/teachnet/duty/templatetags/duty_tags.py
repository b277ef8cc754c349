"""Duty's flags on other apps' pages: the provider's workspace and the project overview (training) show the
questions waiting too long and the days short of experts. Templates may load this; the training app's code
does not import duty."""

from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("duty/_flags_brief.html", takes_context=True)
def duty_flags_for_provider(context, rows):
    """The duty of each (project, provider) among the workspace's rows of (provider subject, status)."""
    user = context["request"].user
    seen, out = set(), []
    for ps, _status in rows:
        key = (ps.project_id, ps.provider_id)
        if key in seen:
            continue
        seen.add(key)
        if selectors.may_view(actor=user, project=ps.project, provider=ps.provider):
            out.append(selectors.flags(unit=selectors.DutyUnit(ps.project, ps.provider)))
    return {"rows": out, "project": None}


@register.inclusion_tag("duty/_flags_brief.html", takes_context=True)
def duty_flags_for_project(context, project):
    """Every provider of the project whose duty the viewer sees (the office: all of them)."""
    user = context["request"].user
    if not selectors.units_visible_in(actor=user, project=project):
        return {"rows": [], "project": None}
    return {"rows": selectors.project_flags(actor=user, project=project), "project": project}
