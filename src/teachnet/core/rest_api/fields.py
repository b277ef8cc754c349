"""Serializer fields the apps share."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from teachnet.core.text import duration


# Nullable: a duration the source does not have (a document's video length) is null, as the seconds are.
@extend_schema_field({"type": "string", "nullable": True, "readOnly": True, "example": "5 小时 33 分"})
class DurationDisplayField(serializers.Field):
    """A duration in seconds as a person reads it (core.text.duration), beside the raw seconds:
    `credited_display = DurationDisplayField(source="credited_seconds")`."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value) -> str:
        return duration(value)
