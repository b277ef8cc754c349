"""The people API (ORG-3, ORG-4): users, the caller's own profile, personal data behind its own permission
and an audit row, and role assignments. Every answer is scoped by the permission layer."""

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from ..models import RoleAssignment, User
from ..permissions import get_visible_or_404, may_issue_account, visible
from ..roles import Perm
from ..services import personal_data_disclose, role_assign, role_revoke, user_create
from .serializers import (
    PersonalDataSerializer,
    RoleAssignmentCreateSerializer,
    RoleAssignmentFilter,
    RoleAssignmentSerializer,
    UserCreateSerializer,
    UserFilter,
    UserSerializer,
    service_errors,
)


def _people(actor: User) -> QuerySet[User]:
    # Only the roles the caller may see: a Shenzhen lead learns nothing of a role someone holds in Guangzhou.
    roles = visible(actor=actor, model=RoleAssignment, perm=Perm.ROLE_VIEW).select_related(
        "region", "organization", "project"
    )
    return User.objects.select_related("organization").prefetch_related(
        Prefetch("role_assignments", queryset=roles, to_attr="visible_roles")
    )


def _person(actor: User, pk) -> User:
    return get_visible_or_404(actor=actor, model=User, perm=Perm.USER_VIEW, pk=pk, queryset=_people(actor))


@extend_schema(tags=["users"])
class UserViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = UserSerializer
    filterset_class = UserFilter

    def get_queryset(self):
        actor = self.request.user
        return visible(actor=actor, model=User, perm=Perm.USER_VIEW, queryset=_people(actor))

    def get_object(self):
        return _person(self.request.user, self.kwargs["pk"])

    @extend_schema(request=UserCreateSerializer, responses={201: UserSerializer})
    def create(self, request):
        data = UserCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        if not may_issue_account(
            actor=request.user,
            organization=data.validated_data.get("organization"),
            region=data.validated_data.get("region"),
        ):
            raise PermissionDenied(_("您无权在此单位或地区开设账号。"))
        with service_errors():
            user = user_create(**data.validated_data)
        return Response(UserSerializer(_person(request.user, user.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=PersonalDataSerializer)
    @action(detail=True, methods=["get"], url_path="personal-data", url_name="personal-data")
    def personal_data(self, request, pk=None):
        """Unmasked phone and ID-card numbers. Someone who may see the person but not their numbers gets 403;
        every disclosure is an audit event."""
        person = get_visible_or_404(actor=request.user, model=User, perm=Perm.USER_VIEW, pk=pk)
        personal_data_disclose(actor=request.user, person=person, ip_address=request.META.get("REMOTE_ADDR"))
        # Personal numbers must not linger in a shared or browser cache.
        return Response(PersonalDataSerializer(person).data, headers={"Cache-Control": "no-store"})


@extend_schema(tags=["users"])
class MeView(APIView):
    @extend_schema(responses=UserSerializer)
    def get(self, request):
        """The caller's own profile and role assignments."""
        return Response(UserSerializer(_person(request.user, request.user.pk)).data)


@extend_schema(tags=["role-assignments"])
class RoleAssignmentViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = RoleAssignmentSerializer
    filterset_class = RoleAssignmentFilter

    def get_queryset(self):
        return visible(actor=self.request.user, model=RoleAssignment, perm=Perm.ROLE_VIEW).select_related(
            "user", "region", "organization", "project"
        )

    @extend_schema(request=RoleAssignmentCreateSerializer, responses={201: RoleAssignmentSerializer})
    def create(self, request):
        """Grant a role inside the caller's scope. A role above the caller's own, or a scope outside it, is
        403; a person the caller cannot see is 400, as if they did not exist."""
        data = RoleAssignmentCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        with service_errors():
            assignment = role_assign(actor=request.user, **data.validated_data)
        return Response(RoleAssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        assignment = get_visible_or_404(actor=request.user, model=RoleAssignment, perm=Perm.ROLE_VIEW, pk=pk)
        role_revoke(actor=request.user, assignment=assignment)
        return Response(status=status.HTTP_204_NO_CONTENT)
