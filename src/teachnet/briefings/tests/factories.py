"""Builders for the briefings tests."""

from teachnet.orgs.models import Region

from .. import selectors, services
from ..models import Kind


def expert_scope(ps):
    return selectors.ScopeRef(Kind.EXPERT, ps.project, provider_subject=ps)


def class_scope(k):
    return selectors.ScopeRef(Kind.CLASS, k.project, training_class=k)


def province_scope(project, code="440000"):
    return selectors.ScopeRef(Kind.PROVINCIAL, project, province=Region.objects.get(code=code))


def written(actor, scope, *, text="<p>本期共性问题：如何落实学练赛。</p>", title=""):
    """A draft with its first section written."""
    briefing = services.briefing_create(actor=actor, scope=scope, title=title)
    first = briefing.sections.first()
    return services.briefing_update(
        actor=actor,
        briefing=briefing,
        title=briefing.title,
        sections={first.key: text},
        version=briefing.version,
    )


def published(actor, scope, **kwargs):
    return services.briefing_publish(actor=actor, briefing=written(actor, scope, **kwargs))
