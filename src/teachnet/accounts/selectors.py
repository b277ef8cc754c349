"""Reads of the accounts app, each taking the actor and returning only what the actor may see."""

from __future__ import annotations

from django.db.models import QuerySet

from teachnet.orgs.models import Region
from teachnet.training.models import Project

from .models import RoleAssignment, User
from .permissions import has_any, regions_in_scope, visible
from .roles import Perm


def user_list_visible(*, actor: User, q: str = "", region_prefix: str = "") -> QuerySet[User]:
    qs = visible(actor=actor, model=User, perm=Perm.USER_VIEW).select_related("organization", "region")
    if q:
        from teachnet.core import protect
        from teachnet.core.identity import normalize_phone

        phone = normalize_phone(q)
        qs = (
            qs.filter(real_name__icontains=q)
            | qs.filter(username__iexact=q)
            | qs.filter(phone_hash=protect.blind_index("phone", phone))
        )
    if region_prefix:
        qs = qs.filter(region__code__startswith=region_prefix)
    return qs.order_by("id")


def issuable_regions(*, actor: User) -> QuerySet[Region]:
    """The cities and counties the actor may export activation codes for."""
    return regions_in_scope(actor=actor, perm=Perm.ACCOUNT_ISSUE).filter(level__gte=Region.Level.CITY)


def home_overview(*, actor: User) -> dict:
    assignments = (
        RoleAssignment.objects.filter(user=actor)
        .select_related("region", "organization", "project")
        .order_by("role")
    )
    return {
        "assignments": assignments,
        "projects": visible(actor=actor, model=Project, perm=Perm.PROJECT_VIEW).prefetch_related("provinces"),
        "can": {perm.name: has_any(actor=actor, perm=perm) for perm in Perm},
    }
