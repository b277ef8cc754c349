from rest_framework import serializers

from ..kinds import Channel, Kind
from ..models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_display", "title", "body", "url", "created_at", "read_at"]
        read_only_fields = fields


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        max_length=500,
        help_text="The notices to mark read; all of the person's unread notices when omitted.",
    )


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField()


class UnreadSerializer(serializers.Serializer):
    unread = serializers.IntegerField()


class PreferenceSerializer(serializers.Serializer):
    """kind → the channels on (every kind is listed when read; a kind left out when written keeps its
    current choice)."""

    kind = serializers.ChoiceField(choices=Kind.choices)
    channels = serializers.ListField(child=serializers.ChoiceField(choices=Channel.choices), max_length=3)
