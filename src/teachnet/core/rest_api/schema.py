"""The OpenAPI schema says what the server requires and every answer it can give, not only the happy path.

A client (or a fuzzer) reading the schema learns that any call may answer 401/403 (not signed in, not
allowed); that calls with parameters or a body may answer 400 with the fields at fault (the request breaks the
schema); that a call naming an object, in the path or in its body, may answer 404 — the same 404 for
"missing" and "not yours"; and that a write may answer 422 (well-formed, but the data refuses it:
core.rest_api.errors). docs/api-contract.md has the whole contract and how it is checked.

What DRF's fields require beyond their type is said here too, so a request the schema allows is not refused:
text fields strip surrounding whitespace and refuse NUL characters, so a required one needs a character that
is not whitespace, and no text may hold a NUL; a decimal sent as a string needs a digit. An optional query
parameter sent empty is taken as not sent (DRF and django-filter alike): `allowEmptyValue`, except for the
page parameters, which are read strictly (core.rest_api.pagination).
"""

import copy

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from .fields import TextField

ERRORS = {
    "400": "请求不符合接口说明：字段及原因见响应体。",
    "401": "未登录或令牌无效。",
    "403": "无权执行此操作。",
    "404": "对象不存在，或不在您的权限范围内。",
    "414": "请求地址过长：服务器（gunicorn、nginx）不接受超过约 4 KB 的请求行。",
    "422": "请求格式正确，但无法执行：引用的对象不存在、违反规则或当前状态不允许；字段及原因见响应体。",
}

# What python's str.strip() removes and ECMA's \s may not match (and the reverse), spelled out so both
# readings of the pattern agree.
_SPACE = r"\s\u001c-\u001f\u0085"
TEXT_PATTERN = r"^[^\u0000]*$"
NONBLANK_TEXT_PATTERN = rf"^[^\u0000]*[^{_SPACE}\u0000][^\u0000]*$"

_ERROR_BODY = {
    "type": "object",
    "description": "`detail` for one message, or each field at fault with its messages.",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": True,
}


def error_responses(*codes: str) -> dict:
    """What an operation may answer beyond what TeachnetAutoSchema infers from its shape, described as every
    other error: `responses={200: S, **error_responses("404")}` for a list whose required query parameter
    names an object (the same 404 for "missing" and "not yours" as in a path)."""
    return {
        int(code): OpenApiResponse(copy.deepcopy(_ERROR_BODY), description=ERRORS[code]) for code in codes
    }


def _json_error() -> dict:
    return {"application/json": {"schema": copy.deepcopy(_ERROR_BODY)}}


def _plain_text(field) -> bool:
    # Other kinds of CharField (email, URL, regex, slug, UUID …) are described by their format or pattern.
    return type(field) in (serializers.CharField, TextField)


def _decimal_pattern(field) -> str:
    whole = field.max_digits - field.decimal_places if field.max_digits is not None else None
    digits = rf"\d{{1,{whole}}}" if whole else r"\d+" if whole is None else "0"
    places = rf"\d{{0,{field.decimal_places}}}" if field.decimal_places is not None else r"\d*"
    number = rf"{digits}(?:\.{places})?"
    # DRF strips the string and reads "" as null where null is allowed.
    return rf"^\s*(?:-?{number})?\s*$" if field.allow_null else rf"^\s*-?{number}\s*$"


class TeachnetAutoSchema(AutoSchema):
    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if direction != "request":
            return schema
        if _plain_text(field) and not {"pattern", "format", "enum"} & set(schema):
            # Without stripping (a password), minLength says "not blank" alone.
            nonblank = field.trim_whitespace and not field.allow_blank
            schema["pattern"] = NONBLANK_TEXT_PATTERN if nonblank else TEXT_PATTERN
        elif isinstance(field, serializers.DecimalField) and schema.get("type") == "string":
            schema["pattern"] = _decimal_pattern(field)
        return schema

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        has_body = self.method in {"POST", "PUT", "PATCH"}
        has_path_params = "{" in self.path
        codes = ["401", "403"]
        if has_body or self._is_list_view() or self._has_query_parameters():
            codes.append("400")
        if has_path_params or has_body:
            codes.append("404")
        if has_body or self.method == "DELETE":
            codes.append("422")
        if has_path_params or self._has_query_parameters():
            codes.append("414")  # refused in front of the application, whatever it would say
        for code in codes:
            if code not in responses:
                # The 414 is the web server's own page, not the application's JSON.
                media = {"text/html": {"schema": {"type": "string"}}} if code == "414" else _json_error()
                responses[code] = {"content": media, "description": ERRORS[code]}
        return responses

    def _get_parameters(self):
        parameters = super()._get_parameters()
        paginator = self._get_paginator()
        strict = {paginator.limit_query_param, paginator.offset_query_param} if paginator else set()
        for parameter in parameters:
            schema = parameter.get("schema", {})
            if schema.get("type") == "string" and not {"pattern", "format", "enum"} & set(schema):
                schema["pattern"] = TEXT_PATTERN
            if (
                parameter.get("in") == "query"
                and not parameter.get("required")
                and parameter["name"] not in strict
            ):
                parameter["allowEmptyValue"] = True
        return parameters

    def _has_query_parameters(self) -> bool:
        return any(p.get("in") == "query" for p in self._get_parameters())
