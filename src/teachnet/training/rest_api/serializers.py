"""What the projects API returns (TRN-1)."""

from rest_framework import serializers

from teachnet.orgs.models import Organization, Region

from ..models import Project


class _OrganizationRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name"]


class _ProvinceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name"]


class ProjectSerializer(serializers.ModelSerializer):
    office = _OrganizationRefSerializer(read_only=True)
    provinces = _ProvinceSerializer(many=True, read_only=True)
    providers = _OrganizationRefSerializer(many=True, read_only=True)

    class Meta:
        model = Project
        fields = ["id", "name", "short_name", "year", "target_headcount", "office", "provinces", "providers"]
