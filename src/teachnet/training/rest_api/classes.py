"""The classes API (TRN-6): the classes the caller may see, a class's members (those the caller may see), the
build action for a province and subject, and moving a learner.

Scoped like the pages: a class the caller may not see is a 404; building or moving without the right is a
403 (from the services, which decide it).
"""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from teachnet.accounts.permissions import get_visible_or_404
from teachnet.accounts.rest_api.serializers import service_errors
from teachnet.accounts.roles import Perm
from teachnet.core.rest_api.fields import IdField, TextField
from teachnet.orgs.models import Region

from .. import selectors_classes as sel
from .. import services_classes as svc
from ..models import ClassMembership, Project, Subject, TrainingClass


class _RegionRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name"]


class _TutorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    real_name = TextField()


class TrainingClassSerializer(serializers.ModelSerializer):
    subject_label = TextField(source="subject.label", read_only=True)
    province = _RegionRefSerializer(read_only=True)
    cities = _RegionRefSerializer(many=True, read_only=True)
    tutor = _TutorSerializer(read_only=True, allow_null=True)
    size = serializers.IntegerField(read_only=True, help_text="学员人数")

    class Meta:
        model = TrainingClass
        fields = ["id", "project", "subject", "subject_label", "province", "cities", "name", "tutor"]
        fields += ["capacity", "size"]


class ClassMemberSerializer(serializers.ModelSerializer):
    enrollment = serializers.IntegerField(source="enrollment_id", read_only=True)
    real_name = TextField(source="enrollment.user.real_name", read_only=True)
    city = _RegionRefSerializer(source="enrollment.region", read_only=True)
    id_card_masked = TextField(source="enrollment.user.id_card_masked", read_only=True)
    phone_masked = TextField(source="enrollment.user.phone_masked", read_only=True)

    class Meta:
        model = ClassMembership
        fields = ["id", "enrollment", "real_name", "city", "id_card_masked", "phone_masked"]


class ClassFilter(serializers.Serializer):
    project = IdField(required=False)
    subject = IdField(required=False)


class ClassBuildInputSerializer(serializers.Serializer):
    project = IdField()
    subject = IdField(help_text="a subject of the project")
    province = TextField(max_length=6, help_text="the province's division code, e.g. 440000")
    size = serializers.IntegerField(min_value=2, max_value=500, default=svc.CLASS_SIZE)


class ClassBuildSummarySerializer(serializers.Serializer):
    learners = serializers.IntegerField()
    placed = serializers.IntegerField()
    placed_in_existing = serializers.IntegerField()
    classes_created = serializers.IntegerField()
    classes_total = serializers.IntegerField()
    tutors_assigned = serializers.IntegerField()
    classes_without_tutor = serializers.IntegerField()


class ClassMoveInputSerializer(serializers.Serializer):
    membership = IdField(help_text="a member of this class")
    to_class = IdField(help_text="a class of the same project, subject and province")
    reason = TextField(max_length=200)


@extend_schema(tags=["training"])
class TrainingClassViewSet(viewsets.ReadOnlyModelViewSet):
    """培训班级: a tutor sees their class, a city lead the classes holding its learners, a provincial lead
    its province's."""

    queryset = TrainingClass.objects.none()  # the model, for the schema; get_queryset scopes every request
    serializer_class = TrainingClassSerializer

    def get_queryset(self):
        return sel.class_list_visible(actor=self.request.user)

    @extend_schema(parameters=[ClassFilter])
    def list(self, request):
        filters = ClassFilter(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = self.get_queryset()
        for key in ("project", "subject"):
            if key in filters.validated_data:
                qs = qs.filter(**{f"{key}_id": filters.validated_data[key]})
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(TrainingClassSerializer(page, many=True).data)

    def get_object(self):
        sel.class_access(actor=self.request.user, class_id=self.kwargs["pk"])  # 404 alike
        return self.get_queryset().get(pk=self.kwargs["pk"])

    @extend_schema(
        summary="班级成员",
        description="The members the caller may see: all for the tutor and the province, a city's own.",
        responses=ClassMemberSerializer(many=True),
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def members(self, request, pk=None):
        klass = sel.class_access(actor=request.user, class_id=pk)
        members = sel.class_members_visible(actor=request.user, training_class=klass)
        return Response(ClassMemberSerializer(members, many=True).data)

    @extend_schema(
        summary="组建班级",
        description=(
            "The provincial lead (or the project office) only, 403 otherwise. Places the unplaced learners "
            "of the province and subject; never moves a placed one. Safe to run again."
        ),
        request=ClassBuildInputSerializer,
        responses=ClassBuildSummarySerializer,
    )
    @action(detail=False, methods=["post"])
    def build(self, request):
        data = ClassBuildInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        project = get_visible_or_404(
            actor=request.user, model=Project, perm=Perm.PROJECT_VIEW, pk=fields["project"]
        )
        subject = Subject.objects.filter(pk=fields["subject"], project=project).first()
        province = Region.objects.filter(code=fields["province"], level=Region.Level.PROVINCE).first()
        if subject is None or province is None:
            raise Http404
        with service_errors():
            summary = svc.classes_build(
                actor=request.user, project=project, subject=subject, province=province, size=fields["size"]
            )
        return Response(ClassBuildSummarySerializer(summary).data)

    @extend_schema(
        summary="调班",
        description="The provincial lead only (403 otherwise); a reason is required; recorded as an event.",
        request=ClassMoveInputSerializer,
        responses=ClassMemberSerializer,
    )
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        klass = sel.class_access(actor=request.user, class_id=pk)
        data = ClassMoveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        membership = ClassMembership.objects.filter(pk=fields["membership"], training_class=klass).first()
        to_class = TrainingClass.objects.filter(pk=fields["to_class"]).first()
        if membership is None or to_class is None:
            raise Http404
        with service_errors():
            svc.class_move(
                actor=request.user, membership=membership, to_class=to_class, reason=fields["reason"]
            )
        return Response(ClassMemberSerializer(membership).data)
