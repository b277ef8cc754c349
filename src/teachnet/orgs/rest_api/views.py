"""The regions (ORG-1) and organizations (ORG-2) API. Regions are read-only; organizations are created and
changed by those who manage the scope they sit in, never deleted here (people and roles hang on them)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from teachnet.accounts.permissions import can, get_visible_or_404, visible
from teachnet.accounts.rest_api.serializers import service_errors
from teachnet.accounts.roles import Perm

from ..models import Organization, Region
from ..selectors import organization_may_change_standing, organization_placement_allowed
from ..services import organization_create, organization_update
from .serializers import (
    OrganizationCreateSerializer,
    OrganizationFilter,
    OrganizationSerializer,
    OrganizationUpdateSerializer,
    RegionFilter,
    RegionSerializer,
)


@extend_schema(tags=["regions"])
class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = RegionSerializer
    filterset_class = RegionFilter
    lookup_field = "code"
    lookup_value_regex = "[0-9]{6}"

    def get_queryset(self):
        return visible(actor=self.request.user, model=Region, perm=Perm.REGION_VIEW)

    def get_object(self):
        return get_visible_or_404(
            actor=self.request.user, model=Region, perm=Perm.REGION_VIEW, pk=self.kwargs["code"]
        )


def _organizations():
    return Organization.objects.select_related("region")


@extend_schema(tags=["organizations"])
class OrganizationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilter

    def get_queryset(self):
        return visible(
            actor=self.request.user, model=Organization, perm=Perm.ORG_VIEW, queryset=_organizations()
        )

    def get_object(self):
        return get_visible_or_404(
            actor=self.request.user,
            model=Organization,
            perm=Perm.ORG_VIEW,
            pk=self.kwargs["pk"],
            queryset=_organizations(),
        )

    @extend_schema(request=OrganizationCreateSerializer, responses={201: OrganizationSerializer})
    def create(self, request):
        data = OrganizationCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        if not organization_placement_allowed(
            actor=request.user, region=fields["region"], parent=fields.get("parent")
        ):
            raise PermissionDenied(_("您无权在此地区或上级机构下创建机构。"))
        with service_errors():
            organization = organization_create(**fields)
        return Response(OrganizationSerializer(organization).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=OrganizationUpdateSerializer, responses=OrganizationSerializer)
    def update(self, request, pk=None, partial=False):
        organization = self.get_object()
        if not can(actor=request.user, perm=Perm.ORG_MANAGE, obj=organization):
            raise PermissionDenied(_("您无权修改该机构。"))
        data = OrganizationUpdateSerializer(data=request.data, partial=partial, context={"request": request})
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        standing = {k for k in ("type", "is_active") if k in fields and fields[k] != getattr(organization, k)}
        if standing and not organization_may_change_standing(actor=request.user, organization=organization):
            raise PermissionDenied(_("机构类型和启用状态由其所在地区的主管部门修改。"))
        # A move is a placement like a creation: it must land inside the caller's scope too.
        moved = {"region", "parent"} & fields.keys()
        region, parent = fields.get("region", organization.region), fields.get("parent", organization.parent)
        if moved and not organization_placement_allowed(actor=request.user, region=region, parent=parent):
            raise PermissionDenied(_("您无权把机构移到此地区或上级机构下。"))
        with service_errors():
            organization = organization_update(organization=organization, **fields)
        return Response(OrganizationSerializer(organization).data)

    @extend_schema(request=OrganizationUpdateSerializer, responses=OrganizationSerializer)
    def partial_update(self, request, pk=None):
        return self.update(request, pk=pk, partial=True)
