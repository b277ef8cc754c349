"""What the projects API returns and takes: projects and their phases (TRN-1), providers' subjects (TRN-2),
expert teams (TRN-3)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from teachnet.core.rest_api.fields import IdField, TextField
from teachnet.orgs.models import Organization, Region

from ..models import ExpertTeamMember, Phase, Project, ProviderSubject, Subject
from ..selectors import team_status


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


# --- Phases (TRN-1) -----------------------------------------------------------------------------------------


# The phase's kind is `phase` and a member's role `team_role` in the API: `kind` and `role` already name
# other choice sets in the schema (reporting's tables, accounts' roles).


class PhaseSerializer(serializers.Serializer):
    phase = serializers.ChoiceField(choices=Phase.Kind.choices)
    phase_display = TextField(read_only=True)
    starts_on = serializers.DateField(allow_null=True)
    ends_on = serializers.DateField(allow_null=True)
    state = serializers.ChoiceField(choices=Phase.State.choices, read_only=True, allow_null=True)
    hours = serializers.IntegerField(read_only=True, allow_null=True, help_text="学时要求")


class PhaseInputSerializer(serializers.Serializer):
    phase = serializers.ChoiceField(choices=Phase.Kind.choices)
    starts_on = serializers.DateField(allow_null=True, help_text="null (with ends_on null) removes the phase")
    ends_on = serializers.DateField(allow_null=True)

    def validate(self, attrs):
        if (attrs["starts_on"] is None) != (attrs["ends_on"] is None):
            raise serializers.ValidationError(
                _("请同时填写开始和结束日期，或两项都留空。"), code="dates_paired"
            )
        return attrs


class PhasesInputSerializer(serializers.Serializer):
    phases = PhaseInputSerializer(many=True, help_text="the phases to set; a phase not listed is kept")


# --- Providers' subjects and teams (TRN-2, TRN-3) -----------------------------------------------------------


class TeamStatusSerializer(serializers.Serializer):
    size = serializers.IntegerField()
    has_chief = serializers.BooleanField()
    frontline_percent = serializers.IntegerField()
    ok = serializers.BooleanField()
    problems = serializers.ListField(child=TextField())


class _SubjectRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Subject
        fields = ["id", "label"]


class ProviderSubjectSerializer(serializers.ModelSerializer):
    provider = _OrganizationRefSerializer(read_only=True)
    subject = _SubjectRefSerializer(read_only=True)
    team = serializers.SerializerMethodField()

    class Meta:
        model = ProviderSubject
        fields = ["id", "project", "provider", "subject", "submitted_at", "team"]

    @extend_schema_field(TeamStatusSerializer)
    def get_team(self, obj):
        statuses = self.context.get("statuses")
        status = statuses[obj.pk] if statuses else team_status(provider_subject=obj)
        return TeamStatusSerializer(status).data


class ProviderSubjectInputSerializer(serializers.Serializer):
    project = IdField()
    provider = IdField(help_text="an organization of type provider or university")
    subject = IdField(help_text="a subject of the project")


class ProviderSubjectFilter(serializers.Serializer):
    project = IdField(required=False)


class TeamMemberSerializer(serializers.ModelSerializer):
    team_role = serializers.ChoiceField(source="role", choices=ExpertTeamMember.Role.choices)
    team_role_display = TextField(source="get_role_display", read_only=True)
    has_account = serializers.SerializerMethodField()

    class Meta:
        model = ExpertTeamMember
        fields = ["id", "name", "team_role", "team_role_display", "organization", "title", "has_account"]

    def get_has_account(self, obj) -> bool:
        return obj.user_id is not None


class TeamMemberInputSerializer(serializers.Serializer):
    name = TextField(max_length=60)
    team_role = serializers.ChoiceField(choices=ExpertTeamMember.Role.choices)
    organization = TextField(max_length=120, required=False, allow_blank=True, default="")
    title = TextField(max_length=60, required=False, allow_blank=True, default="")
    phone = TextField(
        max_length=20,
        required=False,
        allow_blank=True,
        default="",
        help_text="creates the person's account, without a password; the activation code is returned once",
    )


class TeamMemberCreatedSerializer(TeamMemberSerializer):
    activation_code = TextField(allow_null=True, read_only=True)

    class Meta(TeamMemberSerializer.Meta):
        fields = [*TeamMemberSerializer.Meta.fields, "activation_code"]
