"""What the people API reads and writes: users (ORG-4) and their role assignments (ORG-3).

Also the two pieces every app's API shares, kept beside the permission layer they wrap: a reference field
that accepts only objects the caller may see, and the translation of a service's ValidationError into a 422
(core.rest_api.errors: the request was well-formed, the data refuses it).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import django_filters
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.settings import api_settings

from teachnet.core.identity import validate_id_card, validate_mobile
from teachnet.core.rest_api.errors import Refused
from teachnet.core.rest_api.fields import IdFilter, TextField
from teachnet.orgs.models import Organization
from teachnet.orgs.rest_api.fields import RegionCodeField
from teachnet.training.models import Project

from ..models import RoleAssignment, User
from ..permissions import visible
from ..roles import Perm, Role

# --- Shared by every app's API ----------------------------------------------------------------------------


class VisibleRelatedField(serializers.PrimaryKeyRelatedField):
    """A reference to an object the caller may see under perm. One they may not see is refused with the same
    "does not exist" as a missing one, so a request body cannot be used to probe another scope."""

    def __init__(self, *, perm: Perm, **kwargs) -> None:
        self.perm = perm
        super().__init__(**kwargs)

    def get_queryset(self):
        actor = self.context["request"].user
        return visible(actor=actor, model=self.queryset.model, perm=self.perm, queryset=self.queryset)


@contextmanager
def service_errors() -> Iterator[None]:
    """A service's django ValidationError becomes a 422 naming the field it is about: the serializer has
    already checked what the schema says, so what a service refuses is the data's state, not the request's
    form."""
    try:
        yield
    except DjangoValidationError as exc:
        if hasattr(exc, "error_dict"):
            detail = {
                (api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field): messages
                for field, messages in exc.message_dict.items()
            }
        else:
            detail = {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}
        raise Refused(detail) from exc


class NamedOrganizationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name"]


# --- Role assignments -------------------------------------------------------------------------------------


class RoleAssignmentBriefSerializer(serializers.ModelSerializer):
    role_display = TextField(source="get_role_display", read_only=True)
    scope = TextField(source="scope_label", read_only=True)

    class Meta:
        model = RoleAssignment
        fields = ["id", "role", "role_display", "scope", "region", "organization", "project"]


class RoleAssignmentSerializer(RoleAssignmentBriefSerializer):
    user_name = TextField(source="user.real_name", read_only=True)

    class Meta:
        model = RoleAssignment
        fields = [
            "id",
            "user",
            "user_name",
            "role",
            "role_display",
            "scope",
            "region",
            "organization",
            "project",
            "granted_by",
            "created_at",
        ]


class RoleAssignmentCreateSerializer(serializers.Serializer):
    # A person outside the caller's sight is "does not exist" (400), never a hint that they are elsewhere.
    user = VisibleRelatedField(queryset=User.objects.all(), perm=Perm.USER_VIEW)
    role = serializers.ChoiceField(choices=Role.choices)
    # Division codes are a public standard: an out-of-scope region is a refusal (403), not a secret.
    region = RegionCodeField(required=False, allow_null=True)
    organization = VisibleRelatedField(
        queryset=Organization.objects.all(), perm=Perm.ORG_VIEW, required=False, allow_null=True
    )
    project = VisibleRelatedField(
        queryset=Project.objects.all(), perm=Perm.PROJECT_VIEW, required=False, allow_null=True
    )


class RoleAssignmentFilter(django_filters.FilterSet):
    role = django_filters.ChoiceFilter(choices=Role.choices)
    user = IdFilter(field_name="user_id")
    project = IdFilter(field_name="project_id")

    class Meta:
        model = RoleAssignment
        fields = ["user", "role", "project"]


# --- Users ------------------------------------------------------------------------------------------------


class UserSerializer(serializers.ModelSerializer):
    """A person as lists show them: phone and ID-card numbers masked, roles limited to what the caller may
    see (the view prefetches them into visible_roles)."""

    organization = NamedOrganizationSerializer(read_only=True, allow_null=True)
    phone_masked = TextField(read_only=True)
    id_card_masked = TextField(read_only=True)
    activated = serializers.SerializerMethodField()
    roles = RoleAssignmentBriefSerializer(source="visible_roles", many=True, read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "real_name",
            "gender",
            "email",
            "organization",
            "region",
            "phone_masked",
            "id_card_masked",
            "activated",
            "roles",
        ]

    def get_activated(self, user: User) -> bool:
        return user.activated_at is not None


class PersonalDataSerializer(serializers.ModelSerializer):
    phone = TextField(read_only=True)
    id_card = TextField(read_only=True)

    class Meta:
        model = User
        fields = ["id", "real_name", "phone", "id_card"]


class UserCreateSerializer(serializers.Serializer):
    """One account, without a password: the person sets it when activating with a code (ORG-4)."""

    real_name = TextField(max_length=50)
    # The validators are the service's own, run here as well so a bad number is reported on its field.
    phone = TextField(validators=[validate_mobile])
    id_card = TextField(required=False, allow_blank=True, default="", validators=[validate_id_card])
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    organization = VisibleRelatedField(
        queryset=Organization.objects.all(), perm=Perm.ORG_VIEW, required=False, allow_null=True
    )
    region = RegionCodeField(required=False, allow_null=True)

    def validate(self, attrs):
        if not attrs.get("organization") and not attrs.get("region"):
            raise serializers.ValidationError(_("请填写工作单位或所在地区。"), code="place_missing")
        return attrs


class UserFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("姓名或用户名"))
    organization = IdFilter(field_name="organization_id")

    class Meta:
        model = User
        fields = ["organization"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(real_name__icontains=value) | Q(username__iexact=value))
