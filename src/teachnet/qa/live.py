"""The live room's feed: what changed in a room since revision N, for every viewer every 2 seconds.

Why short polling (docs/decisions/0006): the site is served by gunicorn with sync (gthread) workers, 2 × 2
threads on two cores; a stream or long poll per viewer would hold one of those 4 threads each, so a fifth
viewer would wait and every other page with it. A poll is a short request instead, and made cheap enough that
1,000 viewers polling every 2 s (500 requests a second) leave the machine most of its time for other pages:

- Its credential is a signed room pass (`pass_issue`, handed to the viewer with the room page), so it reads
  no Django session and no user row; `teachnet.wsgi` sends it straight to `live_wsgi`, past the page
  middleware, as the heartbeats go (decision 0004). Without a pass the same path is Django's view, which
  checks the logged-in user instead and answers the same through `feed_answer` (as the API does).
- Each worker process keeps each open room's messages in memory (`RoomFeed`), encoded once, and asks the
  database at most every QA_FEED_REFRESH_SECONDS (0.5 s) whether the room moved on: one primary-key read, and
  a second only when something changed. 1,000 viewers cost the database 2 reads a second per worker, not 500.
  Writes in a process refresh its own copy at once. No shared cache is needed, so the embedded default
  (SQLite, no Redis) and production behave alike.

A message reaches a viewer within the poll interval (2 s) plus the refresh interval (0.5 s) plus the answer's
own time: under 3 s. The pass is valid for QA_PASS_HOURS; it only reads: every write (asking, voting,
answering, presence) goes through the logged-in session and its checks.
"""

from __future__ import annotations

import bisect
import json
import logging
import threading
import time
from urllib.parse import parse_qs

from django.conf import settings
from django.core import signing
from django.db import close_old_connections, connection
from django.http.request import split_domain_port, validate_host
from django.utils import timezone

logger = logging.getLogger(__name__)

LIVE_PREFIX = "/qa/live/"  # GET /qa/live/<session id>/?since=<rev>, POST …/<id>/presence/; header X-QA-Pass
PASS_HEADER = "HTTP_X_QA_PASS"
_SALT = "teachnet.qa.room-pass"


# --- The room pass ------------------------------------------------------------------------------------------


def pass_issue(*, session_id: int, user_id: int) -> str:
    return signing.TimestampSigner(salt=_SALT).sign(f"{session_id}.{user_id}")


def pass_check(token: str | None, *, session_id: int) -> int | None:
    """The viewer's user id, if the pass is good for this room and not expired."""
    if not token or len(token) > 200:
        return None
    try:
        value = signing.TimestampSigner(salt=_SALT).unsign(token, max_age=settings.QA_PASS_HOURS * 3600)
    except signing.BadSignature:
        return None
    room, _sep, user = value.partition(".")
    if room != str(session_id) or not user.isdigit():
        return None
    return int(user)


# --- One message as viewers receive it ----------------------------------------------------------------------


def message_payload(row: dict) -> dict:
    """row: a QaMessage as .values(*FIELDS)."""
    at = timezone.localtime(row["created_at"])
    return {
        "id": row["id"],
        "kind": row["kind"],
        "question": row["question_id"],
        "author": row["author_name"],
        "host": row["by_host"],
        "body": row["body"],
        "at": at.isoformat(),
        "at_display": at.strftime("%H:%M"),
        "votes": row["votes"],
        "answered": row["answered_at"] is not None,
        "moved": row["moved_at"] is not None,
        "moved_url": row["moved_url"],
        "rev": row["rev"],
    }


FIELDS = (
    "id", "kind", "question_id", "author_name", "by_host", "body", "created_at", "votes", "answered_at",
    "moved_at", "moved_url", "rev",
)  # fmt: skip


def _encode(payload) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


# --- The per-process copy of a room -------------------------------------------------------------------------


class RoomFeed:
    """One room's messages in this process: id → (rev, encoded), and the revs in order."""

    def __init__(self, session_id: int) -> None:
        self.session_id = session_id
        self.lock = threading.Lock()  # the copy itself
        self.refreshing = threading.Lock()  # one thread looks at the database at a time
        self.rev = 0
        self.items: dict[int, tuple[int, bytes]] = {}
        self.revs: list[int] = []  # sorted
        self.by_rev: dict[int, int] = {}  # rev → message id
        self.times: dict | None = None  # the session's dates, for its state
        self.checked = 0.0  # time.monotonic() of the last look at the database
        self.asked = time.monotonic()
        self.answers: dict[int, bytes] = {}  # since → the answer, for the current rev

    def _apply(self, rows: list[dict]) -> None:
        for row in rows:
            old = self.items.get(row["id"])
            if old is not None:
                i = bisect.bisect_left(self.revs, old[0])
                if i < len(self.revs) and self.revs[i] == old[0]:
                    del self.revs[i]
                self.by_rev.pop(old[0], None)
            self.items[row["id"]] = (row["rev"], _encode(message_payload(row)))
            bisect.insort(self.revs, row["rev"])
            self.by_rev[row["rev"]] = row["id"]

    def refresh(self, *, force: bool = False) -> bool:
        """Look at the database if the copy is older than the refresh interval; False: no such session.
        One thread of the process looks at a time, holding only `refreshing`: the others keep answering
        from the copy meanwhile, and wait for `lock` only while the new rows are put in."""
        from .models import QaMessage, QaSession

        now = time.monotonic()
        if not force and self.times is not None and now - self.checked < settings.QA_FEED_REFRESH_SECONDS:
            return True
        if not self.refreshing.acquire(blocking=self.times is None or force):
            return True  # another thread of this process is looking: serve what we have
        _close_old_connections()
        try:
            row = (
                QaSession.objects.filter(pk=self.session_id)
                .values("seq", "starts_at", "ends_at", "ended_at", "archived_at", "cancelled_at")
                .first()
            )
            if row is None:
                return False
            seq = row.pop("seq")
            # Revisions commit in order under the session's lock: every message up to `seq` is visible now.
            start_from = 0 if seq < self.rev else self.rev  # a smaller seq: not the room we knew (tests)
            rows = []
            if seq > start_from:
                rows = list(
                    QaMessage.objects.filter(session_id=self.session_id, rev__gt=start_from)
                    .order_by("rev")
                    .values(*FIELDS)
                )
            with self.lock:
                if start_from == 0 and self.rev:
                    self.items, self.revs, self.by_rev = {}, [], {}
                if rows or start_from != self.rev or row != self.times:
                    self.answers = {}
                self._apply(rows)
                self.rev = max(seq, start_from)
                self.times = row
                self.checked = time.monotonic()
            return True
        finally:
            self.refreshing.release()
            _close_old_connections()  # what Django does after a request (CONN_MAX_AGE, broken connections)

    def state(self, now) -> str:
        t = self.times
        if t["cancelled_at"] is not None:
            return "cancelled"
        if t["ended_at"] is not None or t["archived_at"] is not None or now >= t["ends_at"]:
            return "ended"
        if now >= t["starts_at"]:
            return "live"
        return "open"

    def since(self, since: int) -> bytes:
        """Everything changed after revision `since`, as the answer's bytes."""
        self.asked = time.monotonic()
        with self.lock:
            state = self.state(timezone.now())
            key = since * 8 + len(state)  # the state changes the answer too
            cached = self.answers.get(key)
            if cached is not None:
                return cached
            start = bisect.bisect_right(self.revs, since)
            body = b",".join(self.items[self.by_rev[r]][1] for r in self.revs[start:])
            answer = b'{"rev":%d,"state":"%s","messages":[%s]}' % (self.rev, state.encode(), body)
            if len(self.answers) > 64:
                self.answers = {}
            self.answers[key] = answer
            return answer


_FEEDS: dict[int, RoomFeed] = {}
_FEEDS_LOCK = threading.Lock()
_IDLE_SECONDS = 15 * 60


def feed(session_id: int) -> RoomFeed:
    room = _FEEDS.get(session_id)
    if room is None:
        with _FEEDS_LOCK:
            room = _FEEDS.get(session_id)
            if room is None:
                now = time.monotonic()
                for key in [k for k, r in _FEEDS.items() if now - r.asked > _IDLE_SECONDS]:
                    del _FEEDS[key]
                room = _FEEDS[session_id] = RoomFeed(session_id)
    return room


def touch(session_id: int) -> None:
    """A write in this process changed the room: the next poll here looks at the database at once."""
    room = _FEEDS.get(session_id)
    if room is not None:
        room.checked = 0.0


def forget_all() -> None:
    """Tests: every room read afresh."""
    _FEEDS.clear()


def feed_answer(session_id: int, since: int) -> tuple[int, bytes]:
    room = feed(session_id)
    if not room.refresh():
        _FEEDS.pop(session_id, None)
        return 404, b'{"detail":"Not found."}'
    return 200, room.since(since)


def presence_answer(session_id: int, user_id: int) -> tuple[int, bytes]:
    """A presence ping from the holder of a room pass (presence_ping checks they still take part)."""
    from django.core.exceptions import ValidationError

    from teachnet.accounts.models import User

    from .models import QaSession
    from .services import presence_ping

    session = QaSession.objects.select_related("provider_subject").filter(pk=session_id).first()
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if session is None or user is None:
        return 404, b'{"detail":"Not found."}'
    try:
        att = presence_ping(actor=user, session=session)
    except ValidationError as exc:
        return 400, _encode({"ok": False, "message": " ".join(exc.messages)})
    return 200, b'{"ok":true,"seconds":%d}' % att.seconds


# --- The lean route -----------------------------------------------------------------------------------------


_REASONS = {
    200: "200 OK",
    400: "400 Bad Request",
    403: "403 Forbidden",
    404: "404 Not Found",
    405: "405 Method Not Allowed",
    500: "500 Internal Server Error",
}


def _since(query: str) -> int | None:
    values = parse_qs(query).get("since", ["0"])
    try:
        since = int(values[0])
    except ValueError:
        return None
    return since if 0 <= since < 2**62 else None


def _close_old_connections() -> None:
    if not connection.in_atomic_block:
        close_old_connections()


def live_wsgi(environ, start_response):
    """With the room pass in X-QA-Pass: GET /qa/live/<id>/?since=N, the room's feed (feed_answer); POST
    /qa/live/<id>/presence/, a presence ping (presence_answer). A custom header is what a page of another site
    cannot send without this one's consent (CORS), so the pass needs no CSRF token."""
    status, payload = 400, b'{"detail":"Bad Request"}'
    try:
        host, _port = split_domain_port(environ.get("HTTP_HOST") or environ.get("SERVER_NAME", ""))
        allowed = settings.ALLOWED_HOSTS or (["localhost", "127.0.0.1", "[::1]"] if settings.DEBUG else [])
        parts = environ.get("PATH_INFO", "")[len(LIVE_PREFIX) :].strip("/").split("/")
        method = environ.get("REQUEST_METHOD")
        since = _since(environ.get("QUERY_STRING", ""))
        room = int(parts[0]) if parts[0].isdigit() else None
        user = pass_check(environ.get(PASS_HEADER), session_id=room) if room is not None else None
        if not host or not validate_host(host, allowed):
            status, payload = 400, b'{"detail":"Bad Request (host)"}'
        elif room is None or since is None or parts[1:] not in ([], ["presence"]):
            status, payload = 404, b'{"detail":"Not found."}'
        elif user is None:
            status, payload = 403, b'{"detail":"room pass missing or expired: reload the page"}'
        elif parts[1:] == ["presence"]:
            if method != "POST":
                status, payload = 405, b'{"detail":"Method Not Allowed"}'
            else:
                _close_old_connections()
                try:
                    status, payload = presence_answer(room, user)
                finally:
                    _close_old_connections()
        elif method != "GET":
            status, payload = 405, b'{"detail":"Method Not Allowed"}'
        else:
            status, payload = feed_answer(room, since)
    except Exception:
        logger.exception("qa live route failed")
        status, payload = 500, b'{"detail":"Server Error"}'
    start_response(
        _REASONS[status],
        [
            ("Content-Type", "application/json; charset=utf-8"),
            ("Content-Length", str(len(payload))),
            ("Cache-Control", "no-store"),
            ("X-Content-Type-Options", "nosniff"),
        ],
    )
    return [payload]
