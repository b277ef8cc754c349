from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Briefing, BriefingFigure, BriefingSection, BriefingTemplate, Kind


class TemplateSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = BriefingTemplate
        fields = ["id", "kind", "kind_display", "name", "sections"]
        read_only_fields = fields


class FigureSerializer(serializers.ModelSerializer):
    section = serializers.CharField(source="section.key", read_only=True, allow_null=True, default=None)
    columns = serializers.ListField(child=serializers.CharField(), read_only=True)
    rows = serializers.ListField(child=serializers.ListField(child=serializers.JSONField()), read_only=True)

    class Meta:
        model = BriefingFigure
        fields = ["id", "key", "title", "section", "columns", "rows", "note", "taken_at"]
        read_only_fields = fields


class SectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = BriefingSection
        fields = ["key", "title", "hint", "body"]
        read_only_fields = fields


class BriefingSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    scope = serializers.CharField(source="scope_label", read_only=True)
    author_name = serializers.SerializerMethodField()

    class Meta:
        model = Briefing
        fields = [
            "id",
            "project",
            "kind",
            "kind_display",
            "provider_subject",
            "training_class",
            "province",
            "scope",
            "title",
            "state",
            "state_display",
            "number",
            "author_name",
            "published_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "provider_subject": {"allow_null": True},
            "training_class": {"allow_null": True},
            "province": {"allow_null": True},
            "number": {"allow_null": True},
            "published_at": {"allow_null": True},
        }

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_author_name(self, obj) -> str | None:
        return (obj.author.real_name or obj.author.username) if obj.author_id else None


class OfferedFigureSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()


class BriefingDetailSerializer(BriefingSerializer):
    sections = SectionSerializer(many=True, read_only=True)
    figures = FigureSerializer(many=True, read_only=True)
    figures_offered = OfferedFigureSerializer(many=True, read_only=True)
    may_write = serializers.BooleanField(read_only=True)

    class Meta(BriefingSerializer.Meta):
        fields = [*BriefingSerializer.Meta.fields, "sections", "figures", "figures_offered", "may_write"]
        read_only_fields = fields


class BriefingCreateSerializer(serializers.Serializer):
    """The scope by kind: provider_subject (expert), training_class (class), project and province (provincial,
    the province's six-digit code)."""

    kind = serializers.ChoiceField(choices=Kind.choices)
    provider_subject = serializers.IntegerField(required=False, min_value=1)
    training_class = serializers.IntegerField(required=False, min_value=1)
    project = serializers.IntegerField(required=False, min_value=1)
    province = serializers.CharField(required=False, max_length=6)
    template = serializers.IntegerField(required=False, min_value=1, allow_null=True)
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)

    def validate(self, attrs):
        need = {
            "expert": ["provider_subject"],
            "class": ["training_class"],
            "provincial": ["project", "province"],
        }
        missing = {f: ["此类简报需要这个字段。"] for f in need[attrs["kind"]] if f not in attrs}
        if missing:
            raise serializers.ValidationError(missing)
        return attrs


class BriefingUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(required=False, allow_blank=True, max_length=400)
    sections = serializers.DictField(
        child=serializers.CharField(allow_blank=True, trim_whitespace=False),
        required=False,
        help_text="section key → its text (HTML, sanitized on the server; plain text becomes paragraphs). "
        "Sections left out keep their text.",
    )
    version = serializers.IntegerField(
        help_text="The version the edit was made on (from the briefing as read): an older one is refused "
        "(400, `version`), so no one's edit is silently overwritten."
    )


class PublishSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False)


class FigureInsertSerializer(serializers.Serializer):
    key = serializers.CharField(max_length=60, help_text="One of the briefing's figures_offered.")
    section = serializers.CharField(
        required=False,
        allow_null=True,
        max_length=40,
        help_text="The section key it follows; the end when omitted.",
    )


class StandingSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices, source="scope.kind")
    rule = serializers.CharField(source="rule.key")
    rule_label = serializers.CharField(source="rule.label")
    source = serializers.CharField(source="rule.source")
    minimum = serializers.IntegerField(source="rule.minimum")
    scope = serializers.CharField(source="scope.label")
    provider_subject = serializers.IntegerField(
        source="scope.provider_subject.pk", allow_null=True, default=None
    )
    training_class = serializers.IntegerField(source="scope.training_class.pk", allow_null=True, default=None)
    province = serializers.CharField(source="scope.province.code", allow_null=True, default=None)
    count = serializers.IntegerField()
    drafts = serializers.IntegerField()
    met = serializers.BooleanField()
    shortfall = serializers.IntegerField()
    numbers = serializers.ListField(child=serializers.IntegerField())
    ends_on = serializers.DateField(allow_null=True)
    days_left = serializers.IntegerField(allow_null=True)
    warning = serializers.CharField(
        help_text="Empty unless the remote training ends within BRIEFING_WARN_DAYS (or "
        "has ended) short of the minimum."
    )
