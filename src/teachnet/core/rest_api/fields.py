"""Serializer and filter fields the apps share."""

from __future__ import annotations

import django_filters
from django import forms
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from teachnet.core.text import duration

# The largest id the databases hold (a 64-bit signed integer, SQLite's and PostgreSQL's bigint): a larger
# number in a request is not an id but an overflow, refused as a 400 before it reaches a query.
ID_MAX = 2**63 - 1
ID_SCHEMA = {"type": "integer", "format": "int64", "minimum": 1, "maximum": ID_MAX}


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


class IdField(serializers.IntegerField):
    """An object's id in a request body or query string: 1 … ID_MAX, as the schema says."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(**kwargs)


class _IdFormField(forms.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(**kwargs)


@extend_schema_field(ID_SCHEMA)
class IdFilter(django_filters.NumberFilter):
    """A filter by an object's id. An id that names nothing the caller sees filters everything out (an empty
    page), as any other value matching nothing does; it is not an error."""

    field_class = _IdFormField


class TextField(serializers.CharField):
    """Text, and only text. DRF's CharField takes the number 0 for "0", which a schema saying `string` does
    not allow: a client sending a number meant something else, and hears so (400); and no longer than
    max_length as sent, spaces included."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)

    def run_validation(self, data=serializers.empty):
        # The schema's maxLength counts what is sent; DRF would count it after stripping the spaces around it.
        if isinstance(data, str) and self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().run_validation(data)


class StrictBooleanField(serializers.BooleanField):
    """true or false, as the schema says. DRF's BooleanField also takes 0, 1, "yes", "on" …, which a JSON
    client sending a number meant as something else; it hears so (400)."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data
