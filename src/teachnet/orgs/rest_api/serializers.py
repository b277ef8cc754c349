"""What the regions (ORG-1) and organizations (ORG-2) API reads and writes, query strings included."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from teachnet.accounts.rest_api.serializers import VisibleRelatedField
from teachnet.accounts.roles import Perm
from teachnet.core.rest_api.fields import IdFilter, TextField

from ..models import Organization, Region
from .fields import RegionCodeField

# --- Regions ----------------------------------------------------------------------------------------------


class RegionSerializer(serializers.ModelSerializer):
    level_display = TextField(source="get_level_display", read_only=True)

    class Meta:
        model = Region
        fields = ["code", "name", "level", "level_display", "parent"]


class RegionFilter(django_filters.FilterSet):
    parent = django_filters.CharFilter(field_name="parent_id", label=_("上级行政区划代码"))
    level = django_filters.TypedChoiceFilter(choices=Region.Level.choices, coerce=int)
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("名称包含"))

    class Meta:
        model = Region
        fields = ["parent", "level", "q"]


# --- Organizations ----------------------------------------------------------------------------------------


class OrganizationSerializer(serializers.ModelSerializer):
    type_display = TextField(source="get_type_display", read_only=True)
    region_name = TextField(source="region.name", read_only=True)

    class Meta:
        model = Organization
        fields = [
            "id",
            "name",
            "short_name",
            "type",
            "type_display",
            "region",
            "region_name",
            "parent",
            "credit_code",
            "website",
            "is_active",
        ]


class OrganizationCreateSerializer(serializers.Serializer):
    name = TextField(max_length=120)
    short_name = TextField(max_length=40, required=False, allow_blank=True)
    type = serializers.ChoiceField(choices=Organization.Type.choices)
    # Division codes are a public standard: a region outside the caller's scope is a refusal (403).
    region = RegionCodeField()
    # A parent the caller cannot see is "does not exist", the same as a missing one.
    parent = VisibleRelatedField(
        queryset=Organization.objects.all(), perm=Perm.ORG_VIEW, required=False, allow_null=True
    )
    credit_code = TextField(max_length=18, required=False, allow_blank=True)
    website = TextField(max_length=200, required=False, allow_blank=True)


class OrganizationUpdateSerializer(OrganizationCreateSerializer):
    is_active = serializers.BooleanField(required=False)


def _region_prefix(value: str) -> str:
    # A full division code stands for everything inside it: 440100 means all of Guangzhou, as 4401 does, not
    # only the organizations registered at city level.
    region = Region.objects.filter(code=value).first() if len(value) == 6 else None
    return region.prefix if region is not None else value


class OrganizationFilter(django_filters.FilterSet):
    type = django_filters.ChoiceFilter(choices=Organization.Type.choices)
    region = django_filters.CharFilter(method="in_region", label=_("地区代码或其前缀，如 4401"))
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("名称包含"))
    parent = IdFilter(field_name="parent_id")

    class Meta:
        model = Organization
        fields = ["type", "region", "parent", "q"]

    def in_region(self, queryset, name, value):
        return queryset.filter(region__code__startswith=_region_prefix(value))
