"""The OpenAPI schema documents the error answers every endpoint can give, not only the happy path.

A client (or a fuzzer) reading the schema learns that any call may answer 401/403 (not signed in, not
allowed), that calls with parameters or a body may answer 400 with the fields at fault, and that anything
addressed by id may answer 404 — the same 404 for "missing" and "not yours".
"""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes

ERRORS = {
    "400": "请求有误：字段及原因见响应体。",
    "401": "未登录或令牌无效。",
    "403": "无权执行此操作。",
    "404": "对象不存在，或不在您的权限范围内。",
}


class TeachnetAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        codes = ["401", "403"]
        if self.method in {"POST", "PUT", "PATCH"} or self._is_list_view():
            codes.append("400")
        if "{" in self.path:
            codes.append("404")
        for code in codes:
            if code not in responses:
                schema = build_basic_type(OpenApiTypes.OBJECT)
                responses[code] = {
                    "content": {"application/json": {"schema": schema}},
                    "description": ERRORS[code],
                }
        return responses
