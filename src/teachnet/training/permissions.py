"""How the permission layer selects providers' subjects and their expert teams (TRN-2, TRN-3).

The project office (a region grant over the nation) sees every provider's subjects; a region grant below the
nation sees those of the projects its province takes part in; an organization grant (a provider admin, a chief
expert) sees its own provider's only. A grant held for one project reaches that project only.
"""

from django.db.models import Q

from teachnet.accounts.permissions import Grant, register_scope

from .models import ExpertTeamMember, ProviderSubject


def _provider_subject_scope(g: Grant, prefix: str = "") -> Q:
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
    return _provider_subject_scope(g, prefix="provider_subject__")


def register() -> None:
    register_scope(ProviderSubject, _provider_subject_scope)
    register_scope(ExpertTeamMember, _member_scope)
