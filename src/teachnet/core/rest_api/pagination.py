"""Every list is one bounded page, and its page parameters are read strictly (docs/api-contract.md)."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination

from .fields import ID_MAX

_DIGITS = re.compile(r"[0-9]+")


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    """At most 500 rows a page: a province holds 100,000 people, and a list is not an export (exports are
    their own audited jobs). A larger limit is cut to 500, as the schema says.

    DRF's own pagination falls back to the defaults on `limit=abc` or `offset=-3`, and takes the first of
    `limit=1&limit=2`: a client that sent those meant something else, so they are a 400 naming the
    parameter, and an offset past any table a 400 rather than an overflow in the query."""

    default_limit = 50
    max_limit = 500

    def _read(self, request, name: str, *, minimum: int) -> int | None:
        values = request.query_params.getlist(name)
        if not values:
            return None
        if len(values) > 1:
            raise ValidationError({name: [_("只能给出一次。")]}, code="invalid")
        value = values[0]
        if not _DIGITS.fullmatch(value) or not minimum <= int(value) <= ID_MAX:
            raise ValidationError(
                {name: [_("应为 %(min)d 到 %(max)d 之间的整数。") % {"min": minimum, "max": ID_MAX}]},
                code="invalid",
            )
        return int(value)

    def get_limit(self, request):
        limit = self._read(request, self.limit_query_param, minimum=1)
        return self.default_limit if limit is None else min(limit, self.max_limit)

    def get_offset(self, request):
        offset = self._read(request, self.offset_query_param, minimum=0)
        return 0 if offset is None else offset

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        bounds = {
            self.limit_query_param: {
                "minimum": 1,
                "maximum": ID_MAX,
                "description": _("每页条数，默认 %(default)d；大于 %(max)d 时按 %(max)d。")
                % {"default": self.default_limit, "max": self.max_limit},
            },
            self.offset_query_param: {"minimum": 0, "maximum": ID_MAX},
        }
        for parameter in parameters:
            extra = dict(bounds.get(parameter["name"], {}))
            if "description" in extra:
                parameter["description"] = extra.pop("description")
            parameter["schema"].update({"format": "int64", **extra})
        return parameters
