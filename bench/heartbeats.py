"""Benchmark: study-time heartbeats (LRN-1, LRN-2) against gunicorn and PostgreSQL on this machine.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/heartbeats.py \
        [--learners 1200] [--seconds 120] [--beat 1] [--workers 2] [--threads 2]
    # --seconds: the measured part, after the arrivals. A learner sends its next heartbeat a beat after the
    # answer to the last, so N learners offer a little under N heartbeats a second: 1,200 for >= 1,000.

From one run it prints:

1. the ceiling: single-row UPDATEs per second that PostgreSQL itself sustains here (16 connections, each
   updating its own row in autocommit, for 10 s);
2. the simulation: N learners, each starting a study session through the API (token authentication) and
   sending a heartbeat every `--beat` seconds after the previous answer, as the player does, for `--seconds`
   seconds, against gunicorn (the production settings, DEBUG off; 2 gthread workers x 2 threads, one
   process per core) with the load generator (asyncio, HTTP/1.1 keep-alive) on the same two cores. 10 %
   of the learners keep two tabs fighting over the session, 10 % replay every heartbeat (the same one
   again, an old one, one from the future);
3. accepted heartbeats per second and latency (p50/p95/p99), beside the ceiling as a ratio, and the CPU
   time of the load generator, gunicorn and the PostgreSQL backends per request (and everyone else's);
4. the audit: every learner's credited total in the database (the ledger and the trigger-kept daily totals)
   against what the simulation says they earned (the beat for every accepted heartbeat), and the cheaters'
   totals against the wall-clock time of the run.

It uses a scratch database of its own (`<name>_bench_heartbeats`), never the one pytest keeps.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from pages import CpuWatch  # bench/pages.py: our CPU time and everyone else's, from /proc
from verdict import Limit, Verdict, add_arguments

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "teachnet.settings")
os.environ.setdefault("DEBUG", "1")

LIMITS = {
    "rate": Limit(">=", 1000, "accepted heartbeats a second", "/s"),
    "p99_ms": Limit("<", 100, "heartbeat latency p99", " ms"),
    # The audit: learners whose credited time differs from the simulation, or exceeds the wall clock.
    "audit_mismatches": Limit("<=", 0, "learners the audit finds credited wrongly"),
}
# Printed, not a limit: the share of PostgreSQL's plain UPDATE rate the whole path reaches.
AIM_CEILING_RATIO = 0.25


# --- The world ----------------------------------------------------------------------------------------------


def build_world(learners: int, beat: int) -> tuple[int, int, list[str]]:
    """An approved course open for learning, N enrolled learners with API tokens; (course, resource, keys)."""
    import datetime as dt

    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from teachnet.accounts.models import User
    from teachnet.courses.models import Course, CourseVersion, Module, Resource
    from teachnet.learning.models import StudyPolicy
    from teachnet.orgs.models import Organization, Region
    from teachnet.orgs.services import regions_load
    from teachnet.training.models import Enrollment, Phase, Project, ProviderSubject, Subject

    regions_load()
    office = Organization.objects.create(name="项目办", type="project_office", region_id="110000")
    provider = Organization.objects.create(name="北京师范大学", type="university", region_id="110108")
    school = Organization.objects.create(name="基准学校", type="school", region_id="440106")
    project = Project.objects.create(name="基准项目", year=2026, office=office)
    project.provinces.add(Region.objects.get(code="440000"))
    subject = Subject.objects.create(project=project, stage="初中", name="数学")
    ps = ProviderSubject.objects.create(project=project, provider=provider, subject=subject)
    course = Course.objects.create(provider_subject=ps, title="基准课程")
    module = Module.objects.create(course=course, title="模块一", position=1)
    resource = Resource.objects.create(
        course=course, module=module, kind="article", title="导读", credit_minutes=480, body="<p>正文</p>"
    )
    snapshot = {
        "title": course.title,
        "description": "",
        "modules": [
            {
                "id": module.pk,
                "title": module.title,
                "resources": [
                    {"id": resource.pk, "kind": "article", "title": resource.title, "credit_minutes": 480,
                     "file": "", "file_name": "", "mime": "", "size": None, "sha256": "",
                     "duration_seconds": None, "body": resource.body, "url": "", "starts_at": None}
                ],
            }
        ],
    }  # fmt: skip
    version = CourseVersion.objects.create(
        course=course,
        number=1,
        snapshot=snapshot,
        total_minutes=480,
        video_minutes=0,
        submitted_at=timezone.now(),
    )
    course.version, course.status, course.approved_version = 1, "approved", version
    course.save()
    today = dt.date.today()
    Phase.objects.create(
        project=project,
        kind="remote_training",
        starts_on=today - dt.timedelta(days=1),
        ends_on=today + dt.timedelta(days=30),
    )
    StudyPolicy.objects.create(
        project=project,
        heartbeat_seconds=beat,
        grace_seconds=2,
        idle_end_seconds=max(30, 5 * beat),
        daily_cap_minutes=720,
        check_min_minutes=0,
        check_max_minutes=0,
    )
    users = User.objects.bulk_create(
        [
            User(username=f"bench{i}", real_name=f"学员{i}", organization=school, region_id="440106")
            for i in range(learners)
        ]
    )
    users = list(User.objects.filter(username__startswith="bench").order_by("pk"))
    Enrollment.objects.bulk_create(
        [
            Enrollment(project=project, subject=subject, user=u, role="learner", region_id="440100")
            for u in users
        ]
    )
    keys = [secrets.token_hex(20) for _ in users]
    Token.objects.bulk_create([Token(key=k, user=u) for k, u in zip(keys, users, strict=True)])
    return course.pk, resource.pk, keys


# --- The ceiling --------------------------------------------------------------------------------------------


def pg_update_ceiling(dsn: str, *, threads: int = 16, seconds: float = 10.0) -> float:
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_counter")
        conn.execute("CREATE TABLE bench_counter (id int PRIMARY KEY, n bigint NOT NULL DEFAULT 0)")
        conn.execute("INSERT INTO bench_counter (id) SELECT generate_series(1, %s)", (threads,))
    counts = [0] * threads
    stop = time.monotonic() + seconds

    def run(i: int) -> None:
        with psycopg.connect(dsn, autocommit=True) as conn:
            cur = conn.cursor()
            n = 0
            while time.monotonic() < stop:
                cur.execute("UPDATE bench_counter SET n = n + 1 WHERE id = %s", (i + 1,))
                n += 1
            counts[i] = n

    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    started = time.monotonic()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return sum(counts) / (time.monotonic() - started)


# --- The load generator -------------------------------------------------------------------------------------


class Pool:
    """HTTP/1.1 keep-alive connections to gunicorn, shared by the simulated learners."""

    def __init__(self, port: int, size: int) -> None:
        self.port, self.size = port, size
        self.free: asyncio.Queue = asyncio.Queue()

    async def open(self) -> None:
        # One at a time, a few milliseconds apart: each gunicorn worker then accepts its share of the
        # keep-alive connections (opened in a burst, the first worker to wake takes them all).
        for _ in range(self.size):
            self.free.put_nowait(await asyncio.open_connection("127.0.0.1", self.port))
            await asyncio.sleep(0.01)

    async def post(self, path: str, payload: dict, headers: str = "") -> tuple[int, dict, float]:
        body = json.dumps(payload).encode()
        request = (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n{headers}\r\n"
        ).encode() + body
        reader, writer = await self.free.get()
        try:
            started = time.perf_counter()
            writer.write(request)
            status_line = await reader.readline()
            length, close = 0, False
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b""):
                    break
                name, _, value = line.partition(b":")
                if name.lower() == b"content-length":
                    length = int(value)
                elif name.lower() == b"connection" and value.strip().lower() == b"close":
                    close = True
            data = await reader.readexactly(length) if length else b""
            elapsed = time.perf_counter() - started
            if close:  # a server without keep-alive: the next request gets a new connection
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        except (ConnectionError, asyncio.IncompleteReadError):
            writer.close()
            self.free.put_nowait(await asyncio.open_connection("127.0.0.1", self.port))
            raise
        self.free.put_nowait((reader, writer))
        status = int(status_line.split()[1])
        return status, (json.loads(data) if data.startswith(b"{") else {}), elapsed


@dataclass
class Learner:
    index: int
    key: str
    kind: str  # honest / two_tabs / replayer
    accepted: int = 0  # accepted heartbeats that were not repeats: each is worth one beat
    replays: int = 0
    replays_credited: int = 0
    rejected: int = 0
    starts: int = 0
    restarts: int = 0  # sessions that ended under it (e.g. idle while the server was overloaded)


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    accepted: int = 0
    requests: int = 0
    requests_measured: int = 0
    errors: int = 0


async def simulate(
    port: int, keys: list[str], course: int, resource: int, *, seconds: float, beat: float, cpu
):
    pool = Pool(port, size=96)
    await pool.open()
    rng = random.Random(7)
    learners = []
    for i, key in enumerate(keys):
        roll = rng.random()
        kind = "two_tabs" if roll < 0.1 else "replayer" if roll < 0.2 else "honest"
        learners.append(Learner(i, key, kind))
    stats = Stats()
    # The learners arrive over the first seconds (100 a second: a start costs ~6 ms of CPU, a heartbeat
    # under 1 ms), then the heartbeats are measured for `seconds` once everyone is there.
    ramp = len(keys) / 100
    measure_from = time.monotonic() + ramp + 10
    stop = measure_from + seconds

    async def start(learner: Learner) -> str | None:
        status, body, _ = await pool.post(
            "/api/v1/study/sessions/",
            {"course": course, "resource": resource},
            f"Authorization: Token {learner.key}\r\n",
        )
        learner.starts += 1
        return body.get("token") if status == 201 else None

    async def beat_once(learner: Learner, token: str, seq: int) -> dict:
        status, body, elapsed = await pool.post("/api/v1/study/heartbeat/", {"token": token, "seq": seq})
        stats.requests += 1
        if status != 200:
            stats.errors += 1
            return {}
        if measure_from <= time.monotonic() < stop:
            stats.latencies.append(elapsed)
            stats.requests_measured += 1
        return body

    async def tab(learner: Learner, delay: float) -> None:
        await asyncio.sleep(delay)
        token, seq = await start(learner), 0
        while token and time.monotonic() < stop:
            await asyncio.sleep(beat)
            if time.monotonic() >= stop:
                break
            body = await beat_once(learner, token, seq + 1)
            if body.get("accepted") and body.get("reason") != "duplicate":
                seq += 1
                learner.accepted += 1
                if time.monotonic() >= measure_from:
                    stats.accepted += 1
                if learner.kind == "replayer":  # the same again, one from the past, one from the future
                    for replay_seq in (seq, max(1, seq - 1), seq + 2):
                        replay = await beat_once(learner, token, replay_seq)
                        learner.replays += 1
                        learner.replays_credited += replay.get("credited", 0) or 0
            elif body.get("ended") == "takeover":  # the other tab took over: take it back after a while
                learner.rejected += 1
                await asyncio.sleep(rng.uniform(10, 30) * beat)
                token, seq = await start(learner), 0
            elif body.get("ended"):  # as the page offers: start again
                learner.rejected += 1
                learner.restarts += 1
                token, seq = await start(learner), 0
            else:
                learner.rejected += 1
                await asyncio.sleep(beat)

    async def watch_cpu() -> None:  # the measured part only: after the arrivals, until the stop
        await asyncio.sleep(max(0.0, measure_from - time.monotonic()))
        cpu.__enter__()
        await asyncio.sleep(max(0.0, stop - time.monotonic()))
        cpu.__exit__(None, None, None)

    tasks = [watch_cpu()]
    for learner in learners:
        offset = rng.uniform(0, ramp)
        tasks.append(tab(learner, offset))
        if learner.kind == "two_tabs":
            tasks.append(tab(learner, offset + rng.uniform(5, 20) * beat))
    started = time.monotonic()
    await asyncio.gather(*tasks)
    return learners, stats, seconds, time.monotonic() - started


# --- Running it ---------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(database_url: str, port: int, workers: int, threads: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_COOKIES": "0",
        "LOG_LEVEL": "WARNING",
        "PYTHONWARNINGS": "ignore:No directory at",  # whitenoise: no static files collected here
    }
    proc = subprocess.Popen(  # noqa: S603
        [str(ROOT / ".venv/bin/gunicorn"), "teachnet.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--threads", str(threads), "--worker-class", "gthread",
         "--keep-alive", "60", "--backlog", "4096", "--log-level", "warning"],
        env=env,
        cwd=ROOT,
    )  # fmt: skip
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("gunicorn did not start")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=1200)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--beat", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    add_arguments(parser, LIMITS)
    args = parser.parse_args()
    verdict = Verdict(LIMITS, args.limit)

    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit(
            "Run it against PostgreSQL: DATABASE_URL=postgres://postgres@127.0.0.1:5432/test ..."
        )
    old_name = connection.settings_dict["NAME"]
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"{old_name}_bench_heartbeats"
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    s = connection.settings_dict
    dsn = f"host={s['HOST'] or '127.0.0.1'} port={s['PORT'] or 5432} user={s['USER']} dbname={name}"
    database_url = f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"
    proc = None
    try:
        course, resource, keys = build_world(args.learners, args.beat)
        connection.close()
        ceiling = pg_update_ceiling(dsn)
        print(f"PostgreSQL ceiling: {ceiling:,.0f} single-row UPDATEs/s (16 connections, autocommit, 10 s)")

        port = free_port()
        proc = start_gunicorn(database_url, port, args.workers, args.threads)
        print(
            f"Simulating {args.learners} learners for {args.seconds:.0f} s, a heartbeat every {args.beat} s "
            f"(gunicorn {args.workers} workers × {args.threads} threads) …"
        )
        cpu = CpuWatch(proc.pid, name)
        learners, stats, measured_s, total_s = asyncio.run(
            simulate(port, keys, course, resource, seconds=args.seconds, beat=args.beat, cpu=cpu)
        )
    finally:
        if proc is not None:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)

    lat = sorted(stats.latencies)

    def pct(p: float) -> float:
        return lat[min(len(lat) - 1, int(len(lat) * p))] * 1000 if lat else float("nan")

    rate = stats.accepted / measured_s
    print(
        f"Accepted heartbeats: {rate:,.0f}/s over the last {measured_s:.0f} s "
        f"(latency p50 {pct(0.5):.1f} ms, p95 {pct(0.95):.1f} ms, p99 {pct(0.99):.1f} ms; "
        f"{stats.requests:,} requests, {stats.errors} errors)"
    )
    ours, others = cpu.cores(cpu.ours_jiffies), cpu.cores(cpu.others_jiffies)
    print(
        f"CPU: {ours:.2f} of {os.cpu_count()} cores ours (this load generator, gunicorn, the PostgreSQL "
        f"backends), {ours * 1000 / max(1, stats.requests_measured / measured_s):.2f} ms per request, "
        f"{ours * 1000 / max(rate, 1e-9):.2f} ms per accepted heartbeat; "
        f"others on the machine: {others:.2f} cores"
    )
    print(f"Ratio to the PostgreSQL ceiling: {rate / ceiling:.2f} (aim ≥ {AIM_CEILING_RATIO})")

    # The audit, from the database.
    from django.db.models import Sum

    from teachnet.accounts.models import User
    from teachnet.learning.models import CreditInterval, StudyTotal

    ids = dict(User.objects.filter(username__startswith="bench").values_list("username", "pk"))
    ledger = dict(
        CreditInterval.objects.values("learner_id").annotate(s=Sum("seconds")).values_list("learner_id", "s")
    )
    totals = dict(
        StudyTotal.objects.values("learner_id").annotate(s=Sum("seconds")).values_list("learner_id", "s")
    )
    mismatches = {"honest": 0, "replayer": 0, "two_tabs": 0}
    over_clock = 0
    by_kind: dict[str, list[int]] = {"honest": [], "replayer": [], "two_tabs": []}
    for learner in learners:
        pk = ids[f"bench{learner.index}"]
        credited = ledger.get(pk, 0)
        expected = learner.accepted * args.beat
        if credited != expected or totals.get(pk, 0) != credited or learner.replays_credited:
            mismatches[learner.kind] += 1
        if credited > total_s + args.beat:
            over_clock += 1
        by_kind[learner.kind].append(credited)
    for kind, values in by_kind.items():
        if values:
            print(
                f"  {kind:<9} {len(values):>5} learners, credited mean {statistics.mean(values):.1f} s "
                f"(max {max(values)} s of a {total_s:.0f}-second run); "
                f"totals ≠ simulation: {mismatches[kind]}"
            )
    replays = sum(learner.replays for learner in learners)
    print(f"  replayed heartbeats sent: {replays:,}, seconds they credited: "
          f"{sum(learner.replays_credited for learner in learners)}")  # fmt: skip
    print(f"  learners credited more than the run's wall-clock time: {over_clock}")
    print(
        f"  sessions restarted after ending under a learner: {sum(learner.restarts for learner in learners)}"
    )
    from django.db.models import Count

    from teachnet.learning.models import StudySession

    ends = dict(
        StudySession.objects.values("end_reason").annotate(n=Count("id")).values_list("end_reason", "n")
    )
    print(f"  sessions by how they ended ('' = still active): {ends}")
    print("Audit: ledger = daily totals = simulation; replays and a second tab earn nothing extra")
    connection.creation.destroy_test_db(old_name, verbosity=0)
    verdict.check("rate", rate)
    verdict.check("p99_ms", pct(0.99))
    verdict.check("audit_mismatches", sum(mismatches.values()) + over_clock)
    verdict.finish()


if __name__ == "__main__":
    main()
