from rest_framework.pagination import LimitOffsetPagination


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    """At most 500 rows a page: a province holds 100,000 people, and a list is not an export (exports are
    their own audited jobs)."""

    default_limit = 50
    max_limit = 500
