"""The router every app's API registers its viewsets with."""

from rest_framework.routers import SimpleRouter

from .fields import ID_MAX


class IdRouter(SimpleRouter):
    """Routes an object's URL only for a number, as the schema's integer id says: `/course-modules/null/` is
    the 404 of a path that names nothing, not a lookup that fails on a non-number. A viewset keyed by
    something else says its own `lookup_value_regex` (regions: a six-digit code)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._default_value_pattern = "[0-9]+"


class IdConverter:
    """`<id:pk>` in an API route: an object's id, 1 … ID_MAX. Django's `<int:>` takes any number of digits,
    and a number no column can hold would reach the query as an overflow (a 500) instead of the 404 of an
    object that does not exist."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 1 <= number <= ID_MAX:
            raise ValueError(value)  # no match: the 404 of a path that names nothing
        return number

    def to_url(self, value) -> str:
        return str(value)


class RegionCodeConverter:
    """`<region:code>`: a six-digit division code (GB/T 2260), 440100."""

    regex = "[0-9]{6}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return str(value)
