"""The projects API (TRN-1 … TRN-3): projects and their phases, providers' subjects, expert teams.

Scoped like the pages: an object the caller may not see is a 404; an action their role does not allow on one
they see is a 403 (from the services, which decide it). Writes go through the services.
"""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from teachnet.accounts.permissions import get_visible_or_404, visible
from teachnet.accounts.rest_api.serializers import service_errors
from teachnet.accounts.roles import Perm
from teachnet.orgs.models import Organization

from .. import selectors, services
from ..models import ExpertTeamMember, Project, ProviderSubject, Subject
from .projects import ProjectWriteMixin
from .serializers import (
    PhaseSerializer,
    PhasesInputSerializer,
    ProjectSerializer,
    ProviderSubjectFilter,
    ProviderSubjectInputSerializer,
    ProviderSubjectSerializer,
    TeamMemberCreatedSerializer,
    TeamMemberInputSerializer,
    TeamMemberSerializer,
)


def _projects():
    return Project.objects.select_related("office").prefetch_related("provinces", "providers")


def _phases_body(project: Project) -> list[dict]:
    return [
        {
            "phase": row.kind,
            "phase_display": row.label,
            "starts_on": row.phase.starts_on if row.phase else None,
            "ends_on": row.phase.ends_on if row.phase else None,
            "state": row.state,
            "hours": row.hours,
        }
        for row in selectors.phase_rows(project=project)
    ]


@extend_schema(tags=["projects"])
class ProjectViewSet(ProjectWriteMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ProjectSerializer

    def get_queryset(self):
        return visible(actor=self.request.user, model=Project, perm=Perm.PROJECT_VIEW, queryset=_projects())

    def get_object(self):
        return get_visible_or_404(
            actor=self.request.user,
            model=Project,
            perm=Perm.PROJECT_VIEW,
            pk=self.kwargs["pk"],
            queryset=_projects(),
        )

    @extend_schema(
        summary="项目阶段",
        description=(
            "The six phases in the plan's order, each with its dates (null when not set) and its state on "
            "today's date. PUT (project office only) sets the phases listed and keeps the others; the whole "
            "set is checked together and a contradiction is a 400 naming `<kind>_starts_on` or "
            "`<kind>_ends_on`."
        ),
        methods=["GET"],
        responses=PhaseSerializer(many=True),
    )
    @extend_schema(methods=["PUT"], request=PhasesInputSerializer, responses=PhaseSerializer(many=True))
    @action(detail=True, methods=["get", "put"], pagination_class=None)
    def phases(self, request, pk=None):
        if request.method == "GET":
            project = get_visible_or_404(actor=request.user, model=Project, perm=Perm.PROJECT_OVERVIEW, pk=pk)
            return Response(PhaseSerializer(_phases_body(project), many=True).data)
        project = get_visible_or_404(actor=request.user, model=Project, perm=Perm.PROJECT_MANAGE, pk=pk)
        data = PhasesInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        dates = {
            p["phase"]: (p["starts_on"], p["ends_on"]) if p["starts_on"] else None
            for p in data.validated_data["phases"]
        }
        with service_errors():
            services.phases_set(actor=request.user, project=project, dates=dates)
        return Response(PhaseSerializer(_phases_body(project), many=True).data)


# --- Providers' subjects (TRN-2) and their teams (TRN-3) ----------------------------------------------------


def _provider_subject(request, pk) -> ProviderSubject:
    return selectors.provider_subject_access(actor=request.user, pk=pk, perm=Perm.TEAM_VIEW)


@extend_schema(tags=["training"])
class ProviderSubjectViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """承担学科: which provider takes which subject. The project office assigns them; a provider sees its
    own."""

    queryset = ProviderSubject.objects.none()  # the model, for the schema; get_queryset scopes every request
    serializer_class = ProviderSubjectSerializer

    def get_queryset(self):
        return selectors.provider_subject_list_visible(actor=self.request.user)

    def get_object(self):
        return _provider_subject(self.request, self.kwargs["pk"])

    @extend_schema(parameters=[ProviderSubjectFilter])
    def list(self, request):
        filters = ProviderSubjectFilter(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = self.get_queryset()
        if "project" in filters.validated_data:
            qs = qs.filter(project_id=filters.validated_data["project"])
        page = self.paginate_queryset(qs)
        statuses = selectors.team_statuses(provider_subjects=page)
        return self.get_paginated_response(
            ProviderSubjectSerializer(page, many=True, context={"statuses": statuses}).data
        )

    @extend_schema(
        summary="分配承担学科",
        description="Project office only (a project it does not manage is 404). Idempotent: 201 or 200.",
        request=ProviderSubjectInputSerializer,
        responses={200: ProviderSubjectSerializer, 201: ProviderSubjectSerializer},
    )
    def create(self, request):
        data = ProviderSubjectInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        project = get_visible_or_404(
            actor=request.user, model=Project, perm=Perm.PROJECT_MANAGE, pk=fields["project"]
        )
        provider = Organization.objects.filter(pk=fields["provider"]).first()
        subject = Subject.objects.filter(pk=fields["subject"], project=project).first()
        if provider is None or subject is None:
            raise Http404
        existed = ProviderSubject.objects.filter(project=project, provider=provider, subject=subject).exists()
        with service_errors():
            assignment = services.provider_subject_assign(
                actor=request.user, project=project, provider=provider, subject=subject
            )
        code = status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        return Response(
            ProviderSubjectSerializer(_provider_subject(request, assignment.pk)).data, status=code
        )

    @extend_schema(summary="取消分配", description="Project office only; refused (400) once a team exists.")
    def destroy(self, request, pk=None):
        assignment = self.get_object()
        with service_errors():
            services.provider_subject_unassign(actor=request.user, provider_subject=assignment)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="提交专家团队",
        description=(
            "Provider admin only (403 otherwise). Refused (400, the problems listed) while the team is "
            "outside 10–20 people, lacks exactly one chief expert, or has under 40 % front-line teachers "
            "and teaching researchers."
        ),
        request=None,
        responses=ProviderSubjectSerializer,
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        assignment = self.get_object()
        with service_errors():
            services.team_submit(actor=request.user, provider_subject=assignment)
        return Response(ProviderSubjectSerializer(_provider_subject(request, assignment.pk)).data)


@extend_schema(tags=["training"])
class TeamMemberListView(APIView):
    """专家团队成员 of one provider's subject."""

    @extend_schema(summary="专家团队成员", responses=TeamMemberSerializer(many=True))
    def get(self, request, provider_subject_id):
        assignment = _provider_subject(request, provider_subject_id)
        members = selectors.team_member_list(provider_subject=assignment)
        return Response(TeamMemberSerializer(members, many=True).data)

    @extend_schema(
        summary="添加成员",
        description=(
            "Provider admin only (403 otherwise). With a phone, the person's account is created without a "
            "password and `activation_code` is returned, this once, for the admin to hand over."
        ),
        request=TeamMemberInputSerializer,
        responses={201: TeamMemberCreatedSerializer},
    )
    def post(self, request, provider_subject_id):
        assignment = _provider_subject(request, provider_subject_id)
        data = TeamMemberInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        fields["role"] = fields.pop("team_role")
        with service_errors():
            member, code = services.team_member_add(actor=request.user, provider_subject=assignment, **fields)
        member.activation_code = code  # in the answer only: the platform keeps the code's digest
        return Response(TeamMemberCreatedSerializer(member).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["training"])
class TeamMemberDetailView(APIView):
    @extend_schema(
        summary="移出成员", description="Provider admin only (403 otherwise).", responses={204: None}
    )
    def delete(self, request, provider_subject_id, pk):
        assignment = _provider_subject(request, provider_subject_id)
        member = get_visible_or_404(
            actor=request.user,
            model=ExpertTeamMember,
            perm=Perm.TEAM_VIEW,
            pk=pk,
            queryset=ExpertTeamMember.objects.filter(provider_subject=assignment),
        )
        services.team_member_remove(actor=request.user, member=member)
        return Response(status=status.HTTP_204_NO_CONTENT)
