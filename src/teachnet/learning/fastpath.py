"""The heartbeat endpoint, answered the same way by the API view and by a lean WSGI route.

Heartbeats are most of the platform's traffic in a training: every learner, every 30 seconds. They carry
their own credential (the study session's token), so they need none of the page machinery (sessions, CSRF,
messages, templates, URL resolution): `teachnet.wsgi` hands POSTs to HEARTBEAT_PATH straight to
`heartbeat_wsgi`, which checks the host, reads and validates the JSON body and calls the same
`heartbeat_answer` as the documented API view (learning.rest_api.views.HeartbeatView), so both answer alike.
"""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.db import close_old_connections, connection
from django.http.request import split_domain_port, validate_host
from django.utils.translation import gettext as _

from . import services

HEARTBEAT_PATH = "/api/v1/study/heartbeat/"
MAX_BODY = 8192
MAX_SEGMENTS = 50
logger = logging.getLogger(__name__)


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def heartbeat_answer(data) -> tuple[int, dict]:
    """(HTTP status, body) for a heartbeat's JSON payload."""
    if not isinstance(data, dict):
        return 400, {"detail": _("请求体应为 JSON 对象。")}
    errors: dict[str, list[str]] = {}
    token, seq, played = data.get("token"), data.get("seq"), data.get("played")
    if not isinstance(token, str) or not 1 <= len(token) <= 100 or "\x00" in token:
        errors["token"] = [_("缺少学习会话令牌。")]
    if not isinstance(seq, int) or isinstance(seq, bool) or not 1 <= seq <= 2**31 - 1:
        errors["seq"] = [_("序号应为正整数。")]
    if played is not None and not (
        isinstance(played, list)
        and len(played) <= MAX_SEGMENTS
        and all(isinstance(p, list) and len(p) == 2 and all(_number(x) for x in p) for p in played)
    ):
        errors["played"] = [_("播放片段应为 [开始秒, 结束秒] 的列表。")]
    if errors:
        return 400, errors
    beat = services.heartbeat(token=token, seq=seq, played=played)
    return 200, {
        "accepted": beat.accepted,
        "credited": beat.credited,
        "reason": beat.reason,
        "ended": beat.ended,
        "check": beat.check,
        "session_seconds": beat.session_seconds,
        "room_seconds": beat.room_seconds,
        "today_room_seconds": beat.today_room_seconds,
    }


def _close_old_connections() -> None:
    """What Django does around every request (CONN_MAX_AGE, broken connections), except inside a transaction
    someone else holds open (a test's)."""
    if not connection.in_atomic_block:
        close_old_connections()


_REASONS = {
    200: "200 OK",
    400: "400 Bad Request",
    413: "413 Payload Too Large",
    500: "500 Internal Server Error",
}


def heartbeat_wsgi(environ, start_response):
    status, body = 400, {"detail": "Bad Request"}
    _close_old_connections()
    try:
        host, _port = split_domain_port(environ.get("HTTP_HOST") or environ.get("SERVER_NAME", ""))
        allowed = settings.ALLOWED_HOSTS or (["localhost", "127.0.0.1", "[::1]"] if settings.DEBUG else [])
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if not host or not validate_host(host, allowed):
            status, body = 400, {"detail": "Bad Request (host)"}
        elif length > MAX_BODY:
            status, body = 413, {"detail": "Payload Too Large"}
        else:
            try:
                data = json.loads(environ["wsgi.input"].read(length) or b"null")
            except ValueError:
                status, body = 400, {"detail": _("请求体不是有效的 JSON。")}
            else:
                status, body = heartbeat_answer(data)
    except Exception:
        logger.exception("heartbeat failed")
        status, body = 500, {"detail": "Server Error"}
    finally:
        _close_old_connections()
    payload = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    start_response(
        _REASONS[status],
        [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(payload))),
            ("Cache-Control", "no-store"),
            ("X-Content-Type-Options", "nosniff"),
        ],
    )
    return [payload]
