"""The one permission layer: "may this user do X to this object" and "which objects of this kind may this
user see", used by pages and the API alike.

Each role assignment becomes a Grant: a set of permissions over a scope (a region's code prefix, or an
organization and everything under it), optionally limited to one project. Each kind of object registers how
a Grant selects its rows (a Q). Visibility is the OR of the actor's grants; a yes/no question is the same
queryset asked about one row, so the two answers can never disagree.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, cached_property

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404

from teachnet.orgs.models import Organization, Region, region_ancestor_codes, region_prefix

from .models import RoleAssignment, User
from .roles import ASSIGNABLE, ROLE_PERMS, Perm, Role


@dataclass(frozen=True)
class Grant:
    role: str
    perms: frozenset[str]  # Perm and every app's own permission enums (StrEnum: they compare as strings)
    prefix: str | None  # region scope: the code prefix of everything in the region
    org_id: int | None  # organization scope: the organization (org_ids adds its descendants)
    home_code: str  # the scope region, or the organization's region
    home_level: int
    project_id: int | None

    @cached_property
    def org_ids(self) -> frozenset[int] | None:
        """The organization and its descendants, looked up when first asked: the menu on every page asks
        only which permissions the actor holds (has_any), and a school has no descendants to find."""
        return None if self.org_id is None else organization_descendant_ids({self.org_id})


def organization_descendant_ids(root_ids: set[int]) -> frozenset[int]:
    found = set(root_ids)
    frontier = set(root_ids)
    while frontier:
        frontier = (
            set(Organization.objects.filter(parent_id__in=frontier).values_list("id", flat=True)) - found
        )
        found |= frontier
    return frozenset(found)


@cache
def role_perms() -> dict[str, frozenset[str]]:
    """Every role's permissions: ROLE_PERMS (organizations and accounts) and the GRANTS table each installed
    app declares in its permissions module, composed once the apps are ready."""
    apps.check_apps_ready()
    table: dict[str, set[str]] = {role: set(perms) for role, perms in ROLE_PERMS.items()}
    for config in apps.get_app_configs():
        name = f"{config.name}.permissions"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        for role, perms in getattr(module, "GRANTS", {}).items():
            if role not in Role.values:
                raise ImproperlyConfigured(f"{name}.GRANTS names {role!r}, which is not a role")
            table.setdefault(role, set()).update(perms)
    return {role: frozenset(perms) for role, perms in table.items()}


def grants_for(user: User) -> list[Grant]:
    """The actor's grants, computed once per request object."""
    cached = getattr(user, "_teachnet_grants", None)
    if cached is not None:
        return cached
    grants: list[Grant] = []
    if user.is_authenticated and user.is_active:
        assignments = RoleAssignment.objects.filter(user=user).select_related(
            "region", "organization__region"
        )
        for a in assignments:
            perms = role_perms().get(a.role, frozenset())
            if a.region_id:
                grants.append(
                    Grant(
                        a.role,
                        perms,
                        region_prefix(a.region_id, a.region.level),
                        None,
                        a.region_id,
                        a.region.level,
                        a.project_id,
                    )
                )
            else:
                home = a.organization.region
                grants.append(
                    Grant(
                        a.role,
                        perms,
                        None,
                        a.organization_id,
                        home.code,
                        home.level,
                        a.project_id,
                    )
                )
    user._teachnet_grants = grants
    return grants


def forget_grants(user: User) -> None:
    user.__dict__.pop("_teachnet_grants", None)


# --- How each kind of object is selected by a grant ---------------------------------------------------

ScopeFn = Callable[[Grant], Q]
_SCOPES: dict[type[models.Model], ScopeFn] = {}
_SELF: dict[type[models.Model], Callable[[User], Q]] = {}
_SELF_PERMS_OF: dict[type[models.Model], frozenset[Perm]] = {}


def register_scope(
    model: type[models.Model],
    scope: ScopeFn,
    *,
    own: Callable[[User], Q] | None = None,
    own_perms: frozenset[Perm] | None = None,
) -> None:
    """`own` selects what a user may see of their own, for the SELF_PERMS, or for `own_perms` when given
    (a tutor's own class: a relation to the person that no region or organization scope expresses)."""
    _SCOPES[model] = scope
    if own is not None:
        _SELF[model] = own
    if own_perms is not None:
        _SELF_PERMS_OF[model] = own_perms


def _region_scope(g: Grant) -> Q:
    # A scope sees its region, the chain of regions above it and everything below; an organization's
    # scope does the same from the organization's own region.
    return Q(code__startswith=region_prefix(g.home_code, g.home_level)) | Q(
        code__in=region_ancestor_codes(g.home_code, g.home_level)
    )


def _org_scope(g: Grant) -> Q:
    if g.prefix is not None:
        return Q(region__code__startswith=g.prefix)
    return Q(id__in=g.org_ids)


def _assignments_in(g: Grant) -> Q:
    if g.prefix is not None:
        return Q(region__code__startswith=g.prefix) | Q(organization__region__code__startswith=g.prefix)
    return Q(organization_id__in=g.org_ids)


def _user_scope(g: Grant) -> Q:
    if g.prefix is not None:
        home = Q(region__code__startswith=g.prefix) | Q(organization__region__code__startswith=g.prefix)
    else:
        home = Q(organization_id__in=g.org_ids)
    return home | Q(id__in=RoleAssignment.objects.filter(_assignments_in(g)).values("user_id"))


def _assignment_scope(g: Grant) -> Q:
    q = _assignments_in(g)
    if g.project_id is not None:
        q &= Q(project_id=g.project_id) | Q(project__isnull=True)
    return q


def _project_scope(g: Grant) -> Q:
    if g.project_id is not None:
        return Q(id=g.project_id)
    if g.prefix == "":
        return Q(pk__isnull=False)  # the nation: every project (an empty Q would OR away to nothing)
    if g.prefix is not None:
        return Q(provinces__code=g.prefix[:2] + "0000")
    return Q(office_id__in=g.org_ids) | Q(providers__in=g.org_ids)


def _register_builtin() -> None:
    from teachnet.training.models import Project

    register_scope(Region, _region_scope)
    register_scope(
        Organization, _org_scope, own=lambda u: Q(id=u.organization_id) if u.organization_id else Q(pk=None)
    )
    register_scope(User, _user_scope, own=lambda u: Q(id=u.id))
    register_scope(RoleAssignment, _assignment_scope, own=lambda u: Q(user_id=u.id))
    register_scope(Project, _project_scope)


_register_builtin()

# What everyone may see of their own: their profile, their roles, their organization.
SELF_PERMS = frozenset({Perm.USER_VIEW, Perm.ROLE_VIEW, Perm.ORG_VIEW, Perm.USER_VIEW_PII})


# --- The two questions ----------------------------------------------------------------------------------


def visible(
    *, actor: User, model: type[models.Model], perm: Perm, queryset: QuerySet | None = None
) -> QuerySet:
    """Which objects of this kind may the actor see (or act on with perm)?"""
    qs = queryset if queryset is not None else model._default_manager.all()
    if not actor.is_authenticated or not actor.is_active:
        return qs.none()
    if actor.is_superuser:
        return qs
    scope = _SCOPES[model]
    condition = Q(pk__in=[])
    matched = False
    for g in grants_for(actor):
        if perm in g.perms:
            condition |= scope(g)
            matched = True
    own = _SELF.get(model)
    if own is not None and perm in _SELF_PERMS_OF.get(model, SELF_PERMS):
        condition |= own(actor)
        matched = True
    if not matched:
        return qs.none()
    # A subquery on ids keeps the result free of join duplicates without DISTINCT over every column.
    return qs.filter(pk__in=model._default_manager.filter(condition).values("pk"))


def can(*, actor: User, perm: Perm, obj: models.Model) -> bool:
    """May the actor do perm to this object?"""
    # _meta.model, not type(obj): request.user is a lazy wrapper whose type is not the model.
    return visible(actor=actor, model=obj._meta.model, perm=perm).filter(pk=obj.pk).exists()


def get_visible_or_404(
    *, actor: User, model: type[models.Model], perm: Perm, pk, queryset: QuerySet | None = None
):
    """Fetch and authorize in one call: "missing" and "not yours" are the same 404."""
    try:
        return visible(actor=actor, model=model, perm=perm, queryset=queryset).get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def has_any(*, actor: User, perm: Perm) -> bool:
    return actor.is_superuser or any(perm in g.perms for g in grants_for(actor))


# --- Granting roles -------------------------------------------------------------------------------------


def may_assign(
    *,
    actor: User,
    role: str,
    region: Region | None,
    organization: Organization | None,
    project_id: int | None,
) -> bool:
    """A role may be granted by someone holding ROLE_ASSIGN over a scope that contains the new scope, and
    only for roles below their own (ASSIGNABLE)."""
    if actor.is_superuser:
        return True
    for g in grants_for(actor):
        if Perm.ROLE_ASSIGN not in g.perms or role not in ASSIGNABLE.get(g.role, ()):
            continue
        if g.project_id is not None and project_id != g.project_id:
            continue
        if g.prefix is not None:
            code = region.code if region is not None else organization.region_id
            if code.startswith(g.prefix):
                return True
        elif organization is not None and organization.id in g.org_ids:
            return True
    return False


def regions_in_scope(*, actor: User, perm: Perm) -> QuerySet[Region]:
    """Regions inside the actor's region scopes that carry perm: the subtree, never the chain above
    (a county admin may act on their county, not on the city it belongs to)."""
    if actor.is_superuser:
        return Region.objects.all()
    condition = Q(pk__in=[])
    for g in grants_for(actor):
        if perm in g.perms and g.prefix is not None:
            condition |= Q(code__startswith=g.prefix)
    return Region.objects.filter(condition)


def region_in_scope(*, actor: User, perm: Perm, region: Region) -> bool:
    return regions_in_scope(actor=actor, perm=perm).filter(pk=region.pk).exists()


def may_issue_account(*, actor: User, organization: Organization | None, region: Region | None) -> bool:
    """Whatever a new account is attached to must lie inside the actor's ACCOUNT_ISSUE scope: the account
    becomes visible through each of them."""
    if organization is None and region is None:
        return False
    if organization is not None and not can(actor=actor, perm=Perm.ACCOUNT_ISSUE, obj=organization):
        return False
    return region is None or region_in_scope(actor=actor, perm=Perm.ACCOUNT_ISSUE, region=region)


def assignable_roles(*, actor: User) -> frozenset[str]:
    """Every role the actor may grant somewhere in their scope (may_assign decides the scope)."""
    if actor.is_superuser:
        return frozenset(ASSIGNABLE[Role.PROJECT_OFFICE])
    roles: set[str] = set()
    for g in grants_for(actor):
        if Perm.ROLE_ASSIGN in g.perms:
            roles |= ASSIGNABLE.get(g.role, frozenset())
    return frozenset(roles)
