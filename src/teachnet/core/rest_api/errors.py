"""What an API error's status says, the same for every endpoint (docs/api-contract.md):

- 400: the request breaks the schema (a type, a format, a required field, an enum, a length, a range);
- 401 / 403: not signed in / not allowed;
- 404: the object in the path does not exist, or is not the caller's to see (alike);
- 422: the request fits the schema, but cannot be carried out: it names an object that does not exist,
  breaks a rule no schema can express (two fields together, a file's contents), or a service refuses it in
  the state the data is in.

The split between 400 and 422 is what lets a client (and the contract test) trust the schema: a request the
schema allows is never answered 400. DRF answers 400 for every ValidationError; the handler below keeps 400
only for the errors a field's own parsing raises, which the schema describes.
"""

from __future__ import annotations

from rest_framework import serializers, status
from rest_framework.views import exception_handler as drf_exception_handler

# The codes DRF's fields (and django-filter's form fields) give the errors the schema describes.
SCHEMA_CODES = frozenset(
    {
        "required",
        "null",
        "blank",
        "invalid",
        "max_length",
        "min_length",
        "max_value",
        "min_value",
        "invalid_choice",
        "incorrect_type",
        "not_a_list",
        "not_a_dict",
        "parse_error",
        "max_digits",
        "max_decimal_places",
        "max_whole_digits",
        "date",
        "datetime",
        "overflow",
        "null_characters_not_allowed",
        "surrogate_characters_not_allowed",
        "no_name",
        "max_string_length",
        "invalid_image",
        "invalid_list",
    }
)


class Refused(serializers.ValidationError):
    """A well-formed request the data refuses (422), with the fields at fault as in a ValidationError."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "refused"


def _leaf_codes(codes) -> set[str]:
    if isinstance(codes, dict):
        return set().union(*(_leaf_codes(v) for v in codes.values())) if codes else set()
    if isinstance(codes, list):
        return set().union(*(_leaf_codes(v) for v in codes)) if codes else set()
    return {str(codes)}


def api_exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if (
        response is not None
        and type(exc) is serializers.ValidationError
        and not _leaf_codes(exc.get_codes()) & SCHEMA_CODES
    ):
        # Every error is one the schema cannot state (an unknown id, a rule across fields): not the client's
        # reading of the schema at fault, so not a 400.
        response.status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    return response
