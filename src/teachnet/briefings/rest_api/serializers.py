from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from teachnet.core.rest_api.errors import Refused
from teachnet.core.rest_api.fields import IdField, TextField
from teachnet.orgs.models import Region
from teachnet.orgs.rest_api.fields import RegionCodeField, RegionCodeFilterField

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
    provider_subject = IdField(required=False)
    training_class = IdField(required=False)
    project = IdField(required=False)
    province = RegionCodeField(required=False, queryset=Region.objects.filter(level=Region.Level.PROVINCE))
    template = IdField(required=False, allow_null=True)
    title = TextField(required=False, allow_blank=True, max_length=200)

    def validate(self, attrs):
        need = {
            "expert": ["provider_subject"],
            "class": ["training_class"],
            "provincial": ["project", "province"],
        }
        missing = {f: [_("此类简报需要这个字段。")] for f in need[attrs["kind"]] if f not in attrs}
        if missing:
            # Which fields a kind needs is a rule across fields the schema does not state: a 422.
            raise Refused(missing)
        return attrs


class BriefingUpdateSerializer(serializers.Serializer):
    title = TextField(required=False, allow_blank=True, max_length=400)
    sections = serializers.DictField(
        child=TextField(allow_blank=True, trim_whitespace=False),
        required=False,
        help_text="section key → its text (HTML, sanitized on the server; plain text becomes paragraphs). "
        "Sections left out keep their text.",
    )
    version = serializers.IntegerField(
        required=False,
        help_text="The version the edit was made on (from the briefing as read): needed, and an older one is "
        "refused (422, `version`), so no one's edit is silently overwritten.",
    )

    def validate(self, attrs):
        # Optional in the schema as every field of a PATCH is, but an edit that does not say which version it
        # was made on could overwrite someone else's unseen: refused (422), not guessed.
        if "version" not in attrs:
            raise Refused({"version": [_("请附上所修改简报的版本号（version）。")]})
        return attrs


class PublishSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False)


class FigureInsertSerializer(serializers.Serializer):
    key = TextField(max_length=60, help_text="One of the briefing's figures_offered.")
    section = TextField(
        required=False,
        allow_null=True,
        max_length=40,
        help_text="The section key it follows; the end when omitted.",
    )


class BriefingFilter(serializers.Serializer):
    """The list's query: each a filter; a value naming nothing the caller sees filters everything out."""

    project = IdField(required=False)
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)
    state = serializers.ChoiceField(choices=Briefing.State.choices, required=False)
    provider_subject = IdField(required=False)
    training_class = IdField(required=False)
    province = RegionCodeFilterField(required=False, help_text="A province's six-digit code.")


class TemplateFilter(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)


class StandingFilter(serializers.Serializer):
    project = IdField(help_text="A project the caller follows (404 otherwise).")
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)


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
