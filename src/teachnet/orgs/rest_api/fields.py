"""Region fields other apps' serializers use: a region in a request body is its six-digit division code."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Region

CODE = re.compile(r"[0-9]{6}")
CODE_SCHEMA = {"type": "string", "pattern": "^[0-9]{6}$", "example": "440100"}


def _checked(field, data):
    # Anything but six digits is a request the schema refuses (400), before it reaches a query: PostgreSQL
    # cannot even compare a text holding NUL or a lone surrogate, which would be a 500 there.
    if not isinstance(data, str) or not CODE.fullmatch(data):
        field.fail("invalid")
    return data


@extend_schema_field(CODE_SCHEMA)
class RegionCodeField(serializers.PrimaryKeyRelatedField):
    """A region by its division code (GB/T 2260): `"440100"`. A code no region has is a 422 (the schema
    cannot list the codes); a malformed one is a 400."""

    default_error_messages = {"invalid": _("地区代码是六位数字，如 440100。")}

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Region.objects.all())
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        return super().to_internal_value(_checked(self, data))


@extend_schema_field(CODE_SCHEMA)
class RegionSlugField(serializers.SlugRelatedField):
    """The same as RegionCodeField for a list of regions (`many=True`), whose queryset narrows the level."""

    default_error_messages = {"invalid": _("地区代码是六位数字，如 440100。")}

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "code")
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        return super().to_internal_value(_checked(self, data))


@extend_schema_field(CODE_SCHEMA)
class RegionCodeFilterField(serializers.CharField):
    """A region's code as a filter in a query string: six digits or a 400, as in a body; a code no region has
    matches nothing (an empty page), as any other filter value matching nothing does."""

    default_error_messages = {"invalid": _("地区代码是六位数字，如 440100。")}

    def to_internal_value(self, data):
        return super().to_internal_value(_checked(self, data))
