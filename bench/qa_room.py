"""Benchmark: the live Q&A room (ACT-5) with 1,000 viewers and a question or an answer every second, served by
gunicorn and PostgreSQL as the demo serves it (issue 11, "Speed": new messages reach the viewers within 3 s at
p95, and the machine keeps serving other pages: a learner's page measured in the same run).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wtqa .venv/bin/python bench/qa_room.py
        [--viewers 1000] [--seconds 60] [--workers 2] [--threads 2] [--keep-alive 2] [--redis URL]

One run: creates a scratch PostgreSQL database (`<name>_bench_qa`), migrates, loads the regions and builds the
room's world: 北京师范大学's 初中体育 in a project, its chief expert in the expert team, --viewers learners
enrolled in the subject (rows inserted directly: issuing accounts is not this benchmark's subject), and one
session live now, scheduled through the service with the chief expert hosting. Each viewer is logged in as a
login does (a session in the configured store, the CSRF cookie a browser keeps) and gunicorn is started on
the production WSGI application (teachnet.wsgi, DEBUG off, the demo's gthread 2 workers × 2 threads and its
keep-alive of 2 s; without --redis no Redis, as `make demo` runs: database sessions, the file cache).

The viewers are an asyncio HTTP/1.1 client in this process, one connection each (reopened when the server
closes an idle one, as a browser does). Each opens the room page once (ramped, 20 a second), reads its room
pass from it, then does what the page's script does: polls the feed (`GET /qa/live/<id>/?since=<rev>` with the
pass) every 2 s, starting at a random moment, and pings presence (with the pass) every 60 s. Meanwhile a
poster posts, once a second, a question as one learner and then an answer as the chief expert (alternately),
each through the page's own POST with the session and CSRF token (learners in turn: one may ask every 5 s);
every body carries its number, and the moment its request was sent is kept. A viewer receiving a message
for the first time records how long after that moment it got it: the delivery latency, over every (viewer,
message) pair. Also meanwhile, a probe asks for a learner's
page (their study record, /learn/records/<id>/, which has the Q&A section) 10 times a second, each for the
next learner in turn, on its own connections; before the viewers arrive the same probe runs alone for the
baseline. It prints the delivery latency (p50/p95/p99/max), what was missed, the polls' rate and latency,
the posts', the presence pings', the learner page with and without the viewers, CPU time of this client,
gunicorn and PostgreSQL, and the verdict. The scratch database is dropped at the end (--keep-db keeps it).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import re
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from pages import CpuWatch, _Connection, _free_port, _wait_ready, require_served_setup, served_env
from verdict import Limit, Verdict, add_arguments

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "teachnet.settings")

LIMITS = {
    "delivery_p95_s": Limit("<", 3.0, "new messages reach the viewers, p95", " s"),
    "missed": Limit("<=", 0, "messages a viewer never received"),
    "page_p95_ms": Limit("<", 500, "a learner's page meanwhile, p95", " ms"),
    "errors": Limit("<=", 0, "errors (polls, posts, pings, pages)"),
}
SEED = 2010
POLL_SECONDS = 2.0
PING_SECONDS = 60.0
PROBE_RATE = 10.0
JOIN_RATE = 20.0
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红鹏晓建国志文斌宇浩凯婷雪琳晨欣怡子涵梓轩"
QUESTIONS = ["篮球单元的分层教学怎么设计？", "大课间如何兼顾运动负荷？", "体质测试数据怎么用于教学？",
             "足球课的分组比赛怎么组织？", "学练赛评价如何落地？", "体操保护帮助要注意什么？"]  # fmt: skip
NUMBER = re.compile(r"#(\d+)")


# --- The world ----------------------------------------------------------------------------------------------


@dataclass
class World:
    session_id: int
    expert_id: int
    learner_ids: list[int]


def build_world(*, viewers: int) -> World:
    from django.utils import timezone

    from teachnet.accounts.models import RoleAssignment, User
    from teachnet.accounts.roles import Role
    from teachnet.orgs.models import Organization, Region
    from teachnet.orgs.services import regions_load
    from teachnet.qa.services import session_schedule
    from teachnet.training.catalog import JUNIOR, SubjectSpec
    from teachnet.training.models import Enrollment, ExpertTeamMember, Project, ProviderSubject
    from teachnet.training.services import subjects_ensure

    regions_load()
    office = Organization.objects.create(
        name="“国培计划”项目执行办公室", type="project_office", region=Region.objects.get(code="110000")
    )
    bnu = Organization.objects.create(
        name="北京师范大学", type="university", region=Region.objects.get(code="110108")
    )
    school = Organization.objects.create(
        name="广州市天河区第一中学", type="school", region=Region.objects.get(code="440106")
    )
    project = Project.objects.create(
        name="国培计划(2010)——中小学教师远程培训项目", short_name="国培计划(2010)", year=2010, office=office
    )
    project.providers.add(bnu)
    (subject,) = subjects_ensure(project=project, specs=[SubjectSpec(JUNIOR, "体育")])
    ps = ProviderSubject.objects.create(project=project, provider=bnu, subject=subject)
    expert = User.objects.create(username="bench_expert", real_name="孙明远", organization=bnu)
    RoleAssignment.objects.create(user=expert, role=Role.CHIEF_EXPERT, organization=bnu, project=project)
    chief = ExpertTeamMember.objects.create(
        provider_subject=ps, name="孙明远", role="chief_expert", user=expert
    )
    rnd = random.Random(SEED)
    User.objects.bulk_create(
        [
            User(
                username=f"qa_viewer_{i}",
                real_name=rnd.choice(SURNAMES)
                + "".join(rnd.choice(GIVEN) for _ in range(rnd.choice((1, 2)))),
                organization=school,
                region_id="440106",
            )
            for i in range(viewers)
        ],
        batch_size=1000,
    )
    learner_ids = list(
        User.objects.filter(username__startswith="qa_viewer_").order_by("pk").values_list("pk", flat=True)
    )
    Enrollment.objects.bulk_create(
        [
            Enrollment(project=project, subject=subject, user_id=u, role="learner", region_id="440100")
            for u in learner_ids
        ],
        batch_size=1000,
    )
    RoleAssignment.objects.bulk_create(
        [
            RoleAssignment(user_id=u, role=Role.LEARNER, organization=school, project=project)
            for u in learner_ids
        ],
        batch_size=1000,
    )
    now = timezone.now()
    session = session_schedule(
        actor=expert, provider_subject=ps, title="专家答疑：体育课堂教学设计（基准）",
        starts_at=now - dt.timedelta(minutes=5), ends_at=now + dt.timedelta(hours=2), host_ids=[chief.pk],
        now=now - dt.timedelta(minutes=10),
    )  # fmt: skip
    return World(session_id=session.pk, expert_id=expert.pk, learner_ids=learner_ids)


_SESSION_KEYS: list[str] = []


def login_cookie(user_id: int) -> tuple[str, str]:
    """(Cookie header, CSRF token) for a session written as django.contrib.auth.login writes it."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils.crypto import get_random_string

    from teachnet.accounts.models import User

    user = User.objects.get(pk=user_id)
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "teachnet.accounts.backends.UsernameOrPhoneBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    _SESSION_KEYS.append(session.session_key)
    csrf = get_random_string(32)
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}; {settings.CSRF_COOKIE_NAME}={csrf}", csrf


def logins_forget() -> None:
    from importlib import import_module

    from django.conf import settings

    store = import_module(settings.SESSION_ENGINE).SessionStore
    if _SESSION_KEYS and hasattr(store, "cache_key_prefix"):
        from django.core.cache import caches

        caches[settings.SESSION_CACHE_ALIAS].delete_many([store.cache_key_prefix + k for k in _SESSION_KEYS])
    _SESSION_KEYS.clear()


# --- The client ---------------------------------------------------------------------------------------------


class _Protocol(_Connection):
    """pages' keep-alive connection, noting whether the server sent anything since the last request (a
    request that met a connection the server had closed unanswered is sent again)."""

    def __init__(self) -> None:
        super().__init__()
        self.got_bytes = False

    def data_received(self, data: bytes) -> None:
        self.got_bytes = True
        super().data_received(data)


class Conn:
    """One keep-alive connection, reopened when the server closed it; a request that met a connection the
    server had just closed (no byte of an answer) is sent again on a new one, as browsers do."""

    def __init__(self, port: int, stats: Stats) -> None:
        self.port, self.stats, self.protocol = port, stats, None

    async def _open(self) -> None:
        loop = asyncio.get_running_loop()
        _t, self.protocol = await loop.create_connection(_Protocol, "127.0.0.1", self.port)

    async def ask(self, request: bytes, *, resend: bool = True) -> tuple[int, bytes]:
        for attempt in range(2 if resend else 1):
            if self.protocol is None or self.protocol.transport is None:
                if self.protocol is not None:
                    self.stats.reconnects += 1
                await self._open()
            p = self.protocol
            p.got_bytes = False
            p.waiter = asyncio.get_running_loop().create_future()
            p.transport.write(request)
            try:
                status, body, close = await asyncio.wait_for(p.waiter, 30)
            except (ConnectionError, OSError):
                if p.transport is not None:
                    p.transport.close()
                p.transport = None
                if attempt == 0 and not p.got_bytes:
                    self.stats.retries += 1
                    continue
                raise
            if close and p.transport is not None:
                p.transport.close()
            return status, body
        raise ConnectionError("unreachable")

    def close(self) -> None:
        if self.protocol is not None and self.protocol.transport is not None:
            self.protocol.transport.close()


def _get(path: str, cookie: str = "", extra: str = "") -> bytes:
    return (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: teachnet-bench\r\n"
        + (f"Cookie: {cookie}\r\n" if cookie else "")
        + extra
        + "\r\n"
    ).encode()


def _post(path: str, cookie: str, csrf: str, data: dict) -> bytes:
    body = json.dumps(data, ensure_ascii=False).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: teachnet-bench\r\nCookie: {cookie}\r\n"
        f"X-CSRFToken: {csrf}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


def _pass_post(path: str, room_pass: str) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: teachnet-bench\r\nX-QA-Pass: {room_pass}\r\n"
        "Content-Length: 0\r\n\r\n"
    ).encode()


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]


@dataclass
class Stats:
    reconnects: int = 0
    retries: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    first_error: dict[str, str] = field(default_factory=dict)
    latencies: dict[str, list[float]] = field(default_factory=dict)

    def ok(self, kind: str, seconds: float) -> None:
        self.latencies.setdefault(kind, []).append(seconds)

    def error(self, kind: str, what: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1
        self.first_error.setdefault(kind, what[:200])


@dataclass
class Viewer:
    user_id: int
    cookie: str
    csrf: str
    room_pass: str = ""
    rev: int = 0
    seen: set[int] = field(default_factory=set)


# --- The run ------------------------------------------------------------------------------------------------


async def probe(*, port: int, paths: list[tuple[str, str]], seconds: float, stats: Stats, kind: str) -> None:
    """A learner's page PROBE_RATE times a second (open loop, each on a free connection of a small pool)."""
    pool = [Conn(port, stats) for _ in range(8)]
    free = list(pool)
    tasks = set()
    n = 0

    async def one(conn: Conn, path: str, cookie: str) -> None:
        t0 = time.perf_counter()
        try:
            status, body = await conn.ask(_get(path, cookie, "Accept: text/html\r\n"))
            if status == 200 and "学习记录".encode() in body:
                stats.ok(kind, time.perf_counter() - t0)
            else:
                stats.error(kind, f"status {status}: {body[:120]!r}")
        except (TimeoutError, ConnectionError, OSError) as exc:
            stats.error(kind, repr(exc))
        free.append(conn)

    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        path, cookie = paths[n % len(paths)]
        n += 1
        conn = free.pop() if free else Conn(port, stats)
        task = asyncio.create_task(one(conn, path, cookie))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        await asyncio.sleep(max(0.0, start + n / PROBE_RATE - time.perf_counter()))
    await asyncio.gather(*tasks)
    for conn in pool + free:
        conn.close()


async def run_room(args, *, port: int, world: World, viewers: list[Viewer], poster: list, expert: tuple,
                   probe_paths: list, stats: Stats) -> dict:  # fmt: skip
    session = world.session_id
    room_path, feed_path = f"/qa/{session}/", f"/qa/live/{session}/"
    sent: dict[int, float] = {}  # message number -> when its request was sent
    delivery: list[float] = []
    conns = {v.user_id: Conn(port, stats) for v in viewers}
    pass_re = re.compile(rb'"pass": "([^"]+)"')

    # Join: each viewer opens the room page once and reads its pass.
    async def join(v: Viewer, at: float) -> None:
        await asyncio.sleep(max(0.0, at - time.perf_counter()))
        t0 = time.perf_counter()
        try:
            status, body = await conns[v.user_id].ask(_get(room_path, v.cookie, "Accept: text/html\r\n"))
            found = pass_re.search(body)
            if status == 200 and found:
                v.room_pass = found.group(1).decode()
                stats.ok("join", time.perf_counter() - t0)
            else:
                stats.error("join", f"status {status}: {body[:200]!r}")
        except (TimeoutError, ConnectionError, OSError) as exc:
            stats.error("join", repr(exc))

    t = time.perf_counter()
    await asyncio.gather(*(join(v, t + i / JOIN_RATE) for i, v in enumerate(viewers)))
    viewers = [v for v in viewers if v.room_pass]

    measure_from = time.perf_counter() + POLL_SECONDS + 1
    stop_at = measure_from + args.seconds

    async def watch(v: Viewer) -> None:
        conn = conns[v.user_id]
        await asyncio.sleep(random.random() * POLL_SECONDS)
        next_ping = time.perf_counter() + random.random() * PING_SECONDS
        while time.perf_counter() < stop_at + 4:
            t0 = time.perf_counter()
            try:
                if args.feed == "pass":
                    request = _get(f"{feed_path}?since={v.rev}", extra=f"X-QA-Pass: {v.room_pass}\r\n")
                else:  # the same feed through Django's middleware, authorized by the login (to compare)
                    request = _get(f"{feed_path}?since={v.rev}", v.cookie)
                status, body = await conn.ask(request)
            except (TimeoutError, ConnectionError, OSError) as exc:
                if t0 >= measure_from:
                    stats.error("poll", repr(exc))
                await asyncio.sleep(POLL_SECONDS)
                continue
            t1 = time.perf_counter()
            if status != 200:
                if t0 >= measure_from:
                    stats.error("poll", f"status {status}: {body[:120]!r}")
            else:
                answer = json.loads(body)
                v.rev = max(v.rev, answer["rev"])
                for m in answer["messages"]:
                    if m["id"] in v.seen:
                        continue
                    v.seen.add(m["id"])
                    found = NUMBER.search(m["body"])
                    if found and int(found.group(1)) in sent:
                        delivery.append(t1 - sent[int(found.group(1))])
                if measure_from <= t0 <= stop_at:
                    stats.ok("poll", t1 - t0)
            if t1 >= next_ping and t1 < stop_at and not args.polls_only:
                next_ping = t1 + PING_SECONDS
                p0 = time.perf_counter()
                try:
                    status, body = await conn.ask(_pass_post(f"/qa/live/{session}/presence/", v.room_pass))
                    if status == 200:
                        stats.ok("presence", time.perf_counter() - p0)
                    else:
                        stats.error("presence", f"status {status}: {body[:120]!r}")
                except (TimeoutError, ConnectionError, OSError) as exc:
                    stats.error("presence", repr(exc))
            await asyncio.sleep(max(0.0, t0 + POLL_SECONDS - time.perf_counter()))

    async def post() -> None:
        """A question or an answer every second, alternately, from measure_from to stop_at."""
        conn_q, conn_a = Conn(port, stats), Conn(port, stats)
        await asyncio.sleep(max(0.0, measure_from - time.perf_counter()))
        n, last_question = 0, None
        while True:
            at = measure_from + n
            if at >= stop_at:
                break
            await asyncio.sleep(max(0.0, at - time.perf_counter()))
            n += 1
            if last_question is None:
                cookie, csrf = poster[n % len(poster)]  # learners in turn (one may ask every 5 s)
                request = _post(
                    f"/qa/{session}/ask/", cookie, csrf, {"body": f"{QUESTIONS[n % len(QUESTIONS)]} #{n}"}
                )
                conn = conn_q
            else:
                cookie, csrf = expert
                request = _post(f"/qa/m/{last_question}/answer/", cookie, csrf, {"body": f"专家解答 #{n}"})
                conn = conn_a
            t0 = time.perf_counter()
            sent[n] = t0
            try:
                conn.close()  # a new connection for each post, never sent twice
                conn.protocol = None
                status, body = await conn.ask(request, resend=False)
                answer = json.loads(body) if status in (200, 400) else {}
                if status == 200 and answer.get("ok"):
                    stats.ok("post", time.perf_counter() - t0)
                    last_question = answer["id"] if last_question is None else None
                else:
                    stats.error("post", f"status {status}: {body[:200]!r}")
                    sent.pop(n, None)
            except (TimeoutError, ConnectionError, OSError) as exc:
                stats.error("post", repr(exc))
                sent.pop(n, None)
        conn_q.close()
        conn_a.close()

    async def page_probe() -> None:
        await asyncio.sleep(max(0.0, measure_from - time.perf_counter()))
        if not args.polls_only:
            await probe(port=port, paths=probe_paths, seconds=args.seconds, stats=stats, kind="page")

    cpu_from = time.process_time()
    await asyncio.gather(post(), page_probe(), *(watch(v) for v in viewers))
    client_cpu = time.process_time() - cpu_from
    for c in conns.values():
        c.close()
    # Every message posted (and not refused) should have reached every viewer by the end.
    expected = len(sent)
    missed = expected * len(viewers) - len(delivery)
    return {"viewers": len(viewers), "messages": expected, "delivery": delivery, "missed": missed,
            "client_cpu": client_cpu}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--viewers", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=60, help="how long the room is measured")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--keep-alive", type=int, default=2, help="gunicorn's (the demo runs its default, 2 s)"
    )
    parser.add_argument(
        "--feed",
        choices=["pass", "session"],
        default="pass",
        help="pass: the lean route with the room pass, as the page polls; session: the same feed through "
        "Django's middleware, authorized by the login (to compare)",
    )
    parser.add_argument(
        "--polls-only", action="store_true", help="no presence pings and no learner page (to diagnose)"
    )
    parser.add_argument("--redis", default="", help="REDIS_URL of the server (default none, as the demo)")
    parser.add_argument("--keep-db", action="store_true", help="keep the scratch database")
    add_arguments(parser, LIMITS)
    args = parser.parse_args()
    verdict = Verdict(LIMITS, args.limit)

    database_url = require_served_setup(
        script="qa_room.py", database="NAME", why="as the demo and a province do"
    )
    bench_var = ROOT / "var" / "bench"
    server_env = served_env(redis=args.redis, TEACHNET_VAR_DIR=str(bench_var / "qa-var"))
    os.environ.update(server_env)

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    old_name = connection.settings_dict["NAME"]
    scratch = f"{old_name}_bench_qa"
    connection.settings_dict.setdefault("TEST", {})["NAME"] = scratch
    started = time.perf_counter()
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False, serialize=False)
    world = build_world(viewers=args.viewers)
    build_s = time.perf_counter() - started
    process = None
    stats = Stats()
    baseline = Stats()
    try:
        subprocess.run(
            [sys.executable, "-m", "teachnet.cli", "collectstatic", "--noinput", "-v0"],
            check=True,
            env={**os.environ, "DATABASE_URL": database_url},
        )
        logins = {u: login_cookie(u) for u in world.learner_ids}
        expert = login_cookie(world.expert_id)
        viewers = [Viewer(u, *logins[u]) for u in world.learner_ids]
        poster = [logins[u] for u in world.learner_ids[:30]]
        probe_paths = [(f"/learn/records/{u}/", logins[u][0]) for u in world.learner_ids[:200]]
        url = urllib.parse.urlsplit(database_url)
        server_env["DATABASE_URL"] = urllib.parse.urlunsplit(url._replace(path="/" + scratch))
        port = _free_port()
        log = bench_var / "qa-gunicorn.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        command = [
            sys.executable, "-m", "gunicorn", "teachnet.wsgi:application", "--bind", f"127.0.0.1:{port}",
            "--worker-class", "gthread", "--workers", str(args.workers), "--threads", str(args.threads),
            "--keep-alive", str(args.keep_alive), "--timeout", "60", "--log-level", "warning",
        ]  # fmt: skip
        with log.open("w") as out:
            process = subprocess.Popen(command, env={**os.environ, **server_env}, stdout=out, stderr=out)
        _wait_ready(port, process, log)
        # Warm-up and the baseline: the learner's page alone, the same probe.
        asyncio.run(probe(port=port, paths=probe_paths, seconds=3, stats=Stats(), kind="page"))
        with CpuWatch(process.pid, scratch) as idle_cpu:
            asyncio.run(probe(port=port, paths=probe_paths, seconds=10, stats=baseline, kind="page"))
        watch = CpuWatch(process.pid, scratch)
        with watch:
            room = asyncio.run(
                run_room(
                    args,
                    port=port,
                    world=world,
                    viewers=viewers,
                    poster=poster,
                    expert=expert,
                    probe_paths=probe_paths,
                    stats=stats,
                )  # fmt: skip
            )
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=30)
        logins_forget()
    from teachnet.qa.models import QaAttendance, QaMessage

    attended = QaAttendance.objects.filter(session_id=world.session_id).count()
    stored = QaMessage.objects.filter(session_id=world.session_id).count()
    if args.keep_db:
        print(f"(kept the scratch database {scratch})")
    else:
        connection.creation.destroy_test_db(old_name, verbosity=0)

    print(
        f"database: PostgreSQL {connection.pg_version // 10000}, scratch {scratch} (built in {build_s:.0f} s)"
    )
    sessions = settings.SESSION_ENGINE.rsplit(".", 1)[-1]
    cache = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    print(
        f"server: gunicorn gthread, {args.workers} workers x {args.threads} threads, "
        f"keep-alive {args.keep_alive} s, DEBUG off, sessions {sessions}, cache {cache}; "
        f"feed refresh {settings.QA_FEED_REFRESH_SECONDS} s; "
        + (
            "the feed by the lean route and the room pass"
            if args.feed == "pass"
            else "the feed through Django"
        )
    )
    print(
        f"load: {room['viewers']:,} viewers (of {args.viewers:,}) polling every {POLL_SECONDS:.0f} s and "
        f"pinging presence every {PING_SECONDS:.0f} s, a question or an answer every second for "
        f"{args.seconds:.0f} s, "
        f"a learner's page {PROBE_RATE:.0f} times a second; one asyncio process"
    )
    d = room["delivery"]
    print(
        f"delivery: {len(d):,} (viewer, message) receipts of {room['messages']} messages: "
        f"p50 {percentile(d, 50):.2f} s, p95 {percentile(d, 95):.2f} s, p99 {percentile(d, 99):.2f} s, "
        f"max {max(d) if d else float('nan'):.2f} s; missed {room['missed']:,}; stored {stored} messages"
    )
    head = f"{'':<22}{'requests':>9}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'errors':>7}"
    print(head)
    rows = [
        ("join (room page)", stats, "join", None),
        ("poll (feed)", stats, "poll", args.seconds),
        ("post (ask/answer)", stats, "post", args.seconds),
        ("presence ping", stats, "presence", args.seconds),
        ("learner page, alone", baseline, "page", 10),
        ("learner page, room", stats, "page", args.seconds),
    ]
    for label, st, kind, seconds in rows:
        lat = st.latencies.get(kind, [])
        n = len(lat) + st.errors.get(kind, 0)
        rate = f"{n / seconds:>8.0f}" if seconds else f"{'':>8}"
        print(
            f"{label:<22}{n:>9,}{rate}{percentile(lat, 50) * 1000:>8.1f}{percentile(lat, 95) * 1000:>8.1f}"
            f"{percentile(lat, 99) * 1000:>8.1f}{st.errors.get(kind, 0):>7}"
        )
        if kind in st.first_error:
            print(f"    first error: {st.first_error[kind]}")
    print(
        f"connections reopened after the server closed them idle: {stats.reconnects:,} "
        f"(requests resent: {stats.retries:,})"
    )
    ours, others = watch.cores(watch.ours_jiffies), watch.cores(watch.others_jiffies)
    print(
        f"CPU while the room ran: {ours:.2f} cores ours "
        f"(this client {room['client_cpu'] / watch.seconds:.2f}, "
        f"gunicorn and PostgreSQL the rest), {others:.2f} cores others; before it, the page alone: "
        f"{idle_cpu.cores(idle_cpu.ours_jiffies):.2f} cores"
    )
    print(f"attendance rows written: {attended:,} of {room['viewers']:,} viewers")
    verdict.check("delivery_p95_s", percentile(d, 95))
    verdict.check("missed", room["missed"])
    verdict.check("page_p95_ms", percentile(stats.latencies.get("page", []), 95) * 1000)
    verdict.check(
        "errors", sum(stats.errors.values()), note=", ".join(f"{k} {v}" for k, v in stats.errors.items())
    )
    verdict.finish()


if __name__ == "__main__":
    main()
