"""Reads of the orgs app, each taking the actor."""

from __future__ import annotations

from django.db.models import QuerySet

from teachnet.accounts.permissions import can, regions_in_scope, visible
from teachnet.accounts.roles import Perm

from .models import Organization, Region


def organization_list_visible(*, actor, q: str = "", type: str = "", region_prefix: str = "") -> QuerySet:
    qs = visible(actor=actor, model=Organization, perm=Perm.ORG_VIEW).select_related("region", "parent")
    if q:
        qs = qs.filter(name__icontains=q)
    if type:
        qs = qs.filter(type=type)
    if region_prefix:
        qs = qs.filter(region__code__startswith=region_prefix)
    return qs.order_by("region_id", "name")


def organization_regions_for(*, actor) -> QuerySet[Region]:
    """Where the actor may place an organization: inside their region scopes, or anywhere when they manage an
    organization (its units may sit elsewhere) — the parent check then keeps them inside their tree."""
    scoped = regions_in_scope(actor=actor, perm=Perm.ORG_MANAGE)
    if scoped.exists():
        return scoped
    return visible(actor=actor, model=Region, perm=Perm.REGION_VIEW)


def organization_may_place(*, actor, region: Region, parent: Organization | None) -> bool:
    """May the actor create (or move) an organization at this region, under this parent?"""
    if parent is not None and not can(actor=actor, perm=Perm.ORG_MANAGE, obj=parent):
        return False
    if parent is not None:
        return True
    return regions_in_scope(actor=actor, perm=Perm.ORG_MANAGE).filter(pk=region.pk).exists()


def organization_placement_allowed(*, actor, region: Region, parent: Organization | None) -> bool:
    """Both checks of the organization form in one, for callers with no form to narrow the region choices
    (the API): the region among organization_regions_for(actor), and organization_may_place. Without the
    first, a city lead could file an organization under their own bureau but in another city."""
    return organization_regions_for(actor=actor).filter(pk=region.pk).exists() and organization_may_place(
        actor=actor, region=region, parent=parent
    )


def organization_may_change_standing(*, actor, organization: Organization) -> bool:
    """What an organization is (its type) and whether it is active are decided by the bureau above it, not by
    the organization's own admin: an admin scoped to the organization cannot turn a provider into a project
    office."""
    return regions_in_scope(actor=actor, perm=Perm.ORG_MANAGE).filter(pk=organization.region_id).exists()
