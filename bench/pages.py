"""Benchmark: the logged-in learner's course page (learning:workspace, /learn/) served by gunicorn to 32
keep-alive connections (issue 5, "Speed": at least 340 requests a second with p95 under 100 ms).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/pages.py
        [--learners 3000] [--logins 1000] [--seconds 20] [--connections 32] [--workers 2] [--threads 2]

One run: creates a scratch PostgreSQL database (`<name>_bench_pages`, never the one pytest reuses), migrates,
loads the regions and builds the world: the GP project with its 19 subjects, 全国中小学教师继续教育网's
初中数学 course (60 resources in 4 modules, 53.5 h) submitted and approved through the services, a few
thousand learners issued through the accounts service and enrolled, placed in classes of 100 each with a
tutor and a plan, and ten days of study in the ledger (sessions and credit intervals; the daily totals are the
database trigger's). It collects the static files (DEBUG off reads the manifest), logs in --logins learners
(sessions written through the configured session store, as a login does) and starts gunicorn on the
production WSGI application with production settings (DEBUG off, a SECRET_KEY, ALLOWED_HOSTS, the scratch
DATABASE_URL, REDIS_URL for the cache and sessions: Redis database 13 unless --redis says otherwise).

A lean asyncio HTTP/1.1 client in this process (no extra tool needed) keeps --connections connections busy,
each request for the next learner in turn, and checks every answer: status 200 and the page naming the course
and that learner (a login redirect or an error page counts as an error). After a warm-up it measures, in two
alternating rounds: the page, as served once every learner has opened it since the last change (the page is
kept per learner, core.pagecache: before each round each learner's page is asked for once); the page's first
views, after the generation is moved on as any change to a course, class, plan or role does (each learner asks
once, every page built from the database); the baseline, a trivial view of the same gunicorn returning a fixed
200 to a logged-in user through the same middleware (session, auth, CSRF, locale, axes), the framework's
ceiling on this machine; and, for scale, the shell, an empty page in the site's base template (what every page
costs before its own content). It prints requests a second, p50/p95/p99 latency, errors, our CPU time per
request (client, gunicorn, PostgreSQL) and the cores anything else on the machine used meanwhile, the ratio to
the baseline and the limit with PASS or FAIL. The scratch database is dropped at the end (--keep-db keeps it;
--reuse-db then skips the build on the next run, for iterating on the server side).
"""

import argparse
import asyncio
import datetime as dt
import os
import random
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from verdict import Limit, Verdict, add_arguments

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "teachnet.settings")

PAGE_PATH = "/learn/"
CEILING_PATH = "/bench/ceiling/"
SHELL_PATH = "/bench/shell/"
LIMITS = {
    "rps": Limit(">=", 340, "the learner's page, kept, requests a second", "/s"),
    "p95_ms": Limit("<", 100, "the learner's page, kept, latency p95", " ms"),
    "errors": Limit("<=", 0, "the learner's page, errors"),
}
COURSE_TITLE = "初中数学骨干教师远程培训课程"
SEED = 2011


# --- The server: gunicorn imports this file as the module `pages` -------------------------------------------


def _ceiling(request):
    """The baseline: a fixed answer for a logged-in user, after the same middleware as every page."""
    from django.http import HttpResponse

    return HttpResponse(b"ok", content_type="text/plain")


def _shell(request):
    """Not a baseline the limit is set against, but what every page of the site costs before its own
    content: an empty page in the site's base template (the menu, with its permission queries, the
    language switch, the user box)."""
    from django.shortcuts import render

    return render(request, "base.html")


def server_application():
    """What gunicorn serves (`pages:server_application()`): the production WSGI application, with the
    baseline's URLs added to the site's before the first request resolves anything."""
    from django.conf import settings
    from django.contrib.auth.decorators import login_required
    from django.urls import include, path

    from teachnet.wsgi import application

    globals()["urlpatterns"] = [
        path(CEILING_PATH.strip("/") + "/", login_required(_ceiling)),
        path(SHELL_PATH.strip("/") + "/", login_required(_shell)),
        path("", include(settings.ROOT_URLCONF)),
    ]
    settings.ROOT_URLCONF = __name__
    return application


# --- The world ----------------------------------------------------------------------------------------------

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红鹏晓建国志文斌宇浩凯婷雪琳晨欣怡子涵梓轩"
COUNTIES = {  # 广州 and 深圳: the learners' schools
    "440103": "荔湾区", "440104": "越秀区", "440105": "海珠区", "440106": "天河区", "440111": "白云区",
    "440113": "番禺区", "440303": "罗湖区", "440304": "福田区", "440305": "南山区", "440306": "宝安区",
}  # fmt: skip
MODULES = [  # (title, [(kind, minutes each, how many)]): 40 videos, 10 handouts, 9 articles, a live session
    ("模块一：课程标准与教材分析", [("video", 60, 9), ("document", 45, 3), ("article", 30, 3)]),
    ("模块二：数学教学设计", [("video", 60, 11), ("document", 45, 2), ("article", 30, 2)]),
    ("模块三：课例研修与评课", [("video", 60, 12), ("document", 45, 2), ("article", 30, 1)]),
    ("模块四：信息技术与数学教学",
     [("video", 60, 8), ("document", 45, 3), ("article", 30, 3), ("live", 90, 1)]),
]  # fmt: skip
TOPICS = ["函数的概念", "方程与不等式", "平面几何证明", "统计与概率", "数学建模", "探究式教学",
          "分层作业设计", "课堂提问", "学业评价", "图形的变换", "数与代数", "综合与实践", "解题教学",
          "几何画板"]  # fmt: skip


@dataclass
class World:
    course_id: int
    resources: int
    course_minutes: int
    learners: int
    classes: int
    plan_items: int
    sessions: int
    intervals: int
    totals: int
    learner_ids: list[int] = field(default_factory=list)


def _people(rnd: random.Random, schools, n: int, start: int):
    from teachnet.accounts.services import NewPerson
    from teachnet.core.identity import id_check_char

    out = []
    for i in range(start, start + n):
        school = schools[i % len(schools)]
        born = f"{rnd.randint(1965, 1995)}{rnd.randint(1, 12):02d}{rnd.randint(1, 28):02d}"
        first17 = f"{school.region_id}{born}{i % 1000:03d}"
        out.append(
            NewPerson(
                real_name=rnd.choice(SURNAMES)
                + "".join(rnd.choice(GIVEN) for _ in range(rnd.choice((1, 2)))),
                phone=f"139{i:08d}",
                id_card=first17 + id_check_char(first17),
                organization_id=school.pk,
                region_id=school.region_id,
            )
        )
    return out


def _course(project, provider, office_user):
    from django.utils import timezone

    from teachnet.accounts.models import RoleAssignment, User
    from teachnet.accounts.roles import Role
    from teachnet.courses import services as courses
    from teachnet.courses.models import Course, Module, Resource
    from teachnet.training.models import ExpertTeamMember, Subject
    from teachnet.training.services import provider_subject_assign

    math = Subject.objects.get(project=project, stage="初中", name="数学")
    ps = provider_subject_assign(actor=None, project=project, provider=provider, subject=math)
    team = [ExpertTeamMember.Role.CHIEF_EXPERT] + [ExpertTeamMember.Role.EXPERT] * 5
    team += [ExpertTeamMember.Role.FRONTLINE_TEACHER] * 3 + [ExpertTeamMember.Role.TEACHING_RESEARCHER]
    ExpertTeamMember.objects.bulk_create(
        [ExpertTeamMember(provider_subject=ps, name=f"专家{i}", role=role) for i, role in enumerate(team)]
    )
    ps.submitted_at = timezone.now()
    ps.save(update_fields=["submitted_at"])
    admin = User.objects.create(username="bench_provider", real_name="继教网管理员", organization=provider)
    RoleAssignment.objects.create(
        user=admin, role=Role.PROVIDER_ADMIN, organization=provider, project=project
    )
    course = Course.objects.create(
        provider_subject=ps,
        title=COURSE_TITLE,
        description="依据义务教育数学课程标准，围绕教学设计与课例研修。",
    )
    # Rows straight into the tables (uploading 40 hours of video is not this benchmark's subject); the
    # submission and the approval then go through the services, which write the snapshot learners study.
    rows = []
    n = 0
    for position, (title, kinds) in enumerate(MODULES, start=1):
        module = Module.objects.create(course=course, title=title, position=position)
        for kind, minutes, count in kinds:
            for _ in range(count):
                n += 1
                topic = TOPICS[n % len(TOPICS)]
                row = Resource(
                    course=course, module=module, kind=kind, position=n, credit_minutes=minutes,
                    title={"video": f"专题讲座{n}：{topic}", "document": f"学习手册{n}：{topic}",
                           "article": f"拓展阅读{n}：{topic}", "live": "答疑直播：教学设计"}[kind],
                )  # fmt: skip
                if kind in ("video", "document"):
                    row.file = f"media/courses/{n:02d}/{n:064x}.{'mp4' if kind == 'video' else 'pdf'}"
                    row.file_name = f"{n}.{'mp4' if kind == 'video' else 'pdf'}"
                    row.mime = "video/mp4" if kind == "video" else "application/pdf"
                    row.size, row.sha256 = 50_000_000, f"{n:064x}"
                    row.duration_seconds = minutes * 60 if kind == "video" else None
                elif kind == "article":
                    row.body = f"<h2>{topic}</h2><p>结合课例，说明{topic}的要点与常见误区。</p>" * 3
                else:
                    row.url = "https://live.example.edu.cn/gp2011/math"
                    row.starts_at = timezone.now() + dt.timedelta(days=5)
                rows.append(row)
    Resource.objects.bulk_create(rows)
    courses.course_submit(actor=admin, course=course)
    courses.course_approve(actor=office_user, course=course)
    return Course.objects.select_related("approved_version").get(pk=course.pk), math


def build_world(*, learners: int) -> World:
    from django.db import connection
    from django.utils import timezone

    from teachnet.accounts.models import RoleAssignment, User
    from teachnet.accounts.roles import Role
    from teachnet.accounts.services import accounts_issue
    from teachnet.core.bulk import bulk_insert
    from teachnet.learning import services_plans
    from teachnet.learning.models import CreditInterval, StudySession, StudyTotal, VideoProgress
    from teachnet.orgs.models import Organization, Region
    from teachnet.orgs.services import regions_load
    from teachnet.training.catalog import GP2011_SUBJECTS
    from teachnet.training.models import Enrollment, Phase, Project, TrainingClass
    from teachnet.training.services import subjects_ensure
    from teachnet.training.services_classes import classes_build

    rnd = random.Random(SEED)
    regions_load()
    org = Organization.objects.create
    office = org(
        name="“国培计划”——中小学教师远程培训项目执行办公室", type="project_office", region_id="110000"
    )
    provider = org(name="全国中小学教师继续教育网", type="provider", region_id="110108")
    gd = org(name="广东省教育厅", type="bureau", region_id="440000")
    schools = []
    for code, county in COUNTIES.items():
        bureau = org(name=f"{county}教育局", type="bureau", region_id=code, parent=gd)
        for name in ("第一中学", "实验中学", "育才中学"):
            schools.append(org(name=f"{county}{name}", type="school", region_id=code, parent=bureau))
    project = Project.objects.create(
        name="国培计划(2011)——义务教育骨干教师远程培训项目",
        short_name="国培计划(2011)",
        year=2011,
        target_headcount=100_000,
        office=office,
    )
    project.provinces.add(Region.objects.get(code="440000"))
    project.providers.add(provider)
    subjects_ensure(project=project, specs=GP2011_SUBJECTS)
    today = timezone.localdate()
    Phase.objects.create(
        project=project,
        kind=Phase.Kind.REMOTE_TRAINING,
        starts_on=today - dt.timedelta(days=10),
        ends_on=today + dt.timedelta(days=30),
    )
    office_user = User.objects.create(username="bench_office", real_name="项目办", organization=office)
    RoleAssignment.objects.create(
        user=office_user, role=Role.PROJECT_OFFICE, region_id="000000", project=project
    )
    course, math = _course(project, provider, office_user)

    # Learners and their backbone trainers (one per class), issued as real ones are, then enrolled.
    trainers = max(1, learners // 100)
    issued = accounts_issue(people=_people(rnd, schools, learners + trainers, 1), issued_by=None)
    User.objects.filter(pk__in=[i.user.pk for i in issued]).update(activated_at=timezone.now())
    RoleAssignment.objects.bulk_create(
        [
            RoleAssignment(
                user=i.user, role=Role.LEARNER, organization_id=i.user.organization_id, project=project
            )
            for i in issued[:learners]
        ],
        batch_size=2000,
    )
    Enrollment.objects.bulk_create(
        [
            Enrollment(
                project=project,
                subject=math,
                user=i.user,
                role=Enrollment.Role.LEARNER if n < learners else Enrollment.Role.TRAINER,
                region_id=i.user.region_id[:4] + "00",
            )
            for n, i in enumerate(issued)
        ],
        batch_size=2000,
    )
    classes_build(
        actor=office_user, project=project, subject=math, province=Region.objects.get(code="440000"), size=100
    )
    snapshot = course.approved_version.snapshot["modules"]
    ordered = [r for m in snapshot for r in m["resources"]]
    plan_items = 0
    for klass in TrainingClass.objects.filter(project=project, tutor__isnull=False).select_related("tutor"):
        plan = services_plans.plan_create(actor=klass.tutor, training_class=klass, title="第一阶段学习计划")
        for week, r in enumerate(ordered[2:10]):
            services_plans.plan_item_add(
                actor=klass.tutor, plan=plan, resource=r["id"], due_on=today + dt.timedelta(days=3 + 2 * week)
            )
            plan_items += 1

    # Ten days of study: each learner works through the course in order, a few sessions a day, some idle
    # time refused along the way; how far each got varies from nothing to most of the 50 学时.
    learner_ids = list(
        Enrollment.objects.filter(project=project, role=Enrollment.Role.LEARNER)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    tz = timezone.get_current_timezone()
    sessions, intervals, completed = [], [], []
    for user_id in learner_ids:
        budget = int(rnd.betavariate(1.3, 2.2) * 45 * 3600)
        day = today - dt.timedelta(days=10)
        day_left = 0
        for r in ordered:
            if budget <= 0 or day > today:
                break
            if r["kind"] == "live":
                continue
            need = min(budget, r["credit_minutes"] * 60)
            while need > 0 and day <= today:
                if day_left <= 0:
                    day += dt.timedelta(days=rnd.choice((1, 1, 1, 2)))
                    day_left = rnd.randint(40, 240) * 60
                    clock = dt.datetime.combine(day, dt.time(rnd.randint(8, 20), rnd.randint(0, 59)), tz)
                    if day > today:
                        break
                    if day == today:
                        clock = min(clock, timezone.now() - dt.timedelta(hours=3))
                part = min(need, day_left)
                idle = rnd.choice((0, 0, 0, 120, 300))
                token = secrets.token_hex(32)
                started = clock
                sessions.append(
                    {
                        "learner_id": user_id, "project_id": project.pk, "course_id": course.pk,
                        "resource_id": r["id"], "token_hash": token, "seq": part // 30, "started_at": started,
                        "last_beat_at": started + dt.timedelta(seconds=part + idle),
                        "ended_at": started + dt.timedelta(seconds=part + idle + 30),
                        "end_reason": "closed", "credited_seconds": part, "claimed_seconds": part,
                        "resource_room": r["credit_minutes"] * 60, "day": day, "day_room": 360 * 60,
                    }
                )  # fmt: skip
                intervals.append((token, user_id, r["id"], day, started, part, 0, "credited"))
                if idle:
                    idle_at = started + dt.timedelta(seconds=part)
                    intervals.append((token, user_id, r["id"], day, idle_at, 0, idle, "idle"))
                clock = started + dt.timedelta(seconds=part + idle + rnd.randint(60, 900))
                need -= part
                budget -= part
                day_left -= part
            if need <= 0 and r["kind"] == "video":
                completed.append((user_id, r["id"], r["credit_minutes"] * 60))
    bulk_insert(StudySession, sessions)
    ids = dict(StudySession.objects.filter(project=project).values_list("token_hash", "pk"))
    bulk_insert(
        CreditInterval,
        (
            {
                "learner_id": user_id, "project_id": project.pk, "resource_id": resource_id,
                "session_id": ids[token], "day": day, "started_at": started,
                "ended_at": started + dt.timedelta(seconds=seconds + uncredited), "seconds": seconds,
                "uncredited_seconds": uncredited, "reason": reason,
            }
            for token, user_id, resource_id, day, started, seconds, uncredited, reason in intervals
        ),
    )  # fmt: skip
    VideoProgress.objects.bulk_create(
        [
            VideoProgress(
                learner_id=u,
                resource_id=r,
                segments=[[0, s]],
                watched_seconds=s,
                furthest_seconds=s,
                completed=True,
            )
            for u, r, s in completed
        ],
        batch_size=2000,
    )
    # Settle the database before measuring: otherwise autovacuum and the checkpoint after the bulk inserts
    # run during the first measurements.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("CHECKPOINT")
    return World(
        course_id=course.pk,
        resources=len(ordered),
        course_minutes=sum(r["credit_minutes"] for r in ordered),
        learners=len(learner_ids),
        classes=TrainingClass.objects.filter(project=project).count(),
        plan_items=plan_items,
        sessions=len(sessions),
        intervals=len(intervals),
        totals=StudyTotal.objects.count(),
        learner_ids=learner_ids,
    )


def world_found() -> World:
    """The world a --keep-db run left, for --reuse-db."""
    from teachnet.courses.models import Course
    from teachnet.learning.models import CreditInterval, PlanItem, StudySession, StudyTotal
    from teachnet.training.models import Enrollment, TrainingClass

    course = Course.objects.select_related("approved_version").get(title=COURSE_TITLE)
    ordered = [r for m in course.approved_version.snapshot["modules"] for r in m["resources"]]
    learner_ids = list(
        Enrollment.objects.filter(role=Enrollment.Role.LEARNER)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    return World(
        course_id=course.pk,
        resources=len(ordered),
        course_minutes=sum(r["credit_minutes"] for r in ordered),
        learners=len(learner_ids),
        classes=TrainingClass.objects.count(),
        plan_items=PlanItem.objects.count(),
        sessions=StudySession.objects.count(),
        intervals=CreditInterval.objects.count(),
        totals=StudyTotal.objects.count(),
        learner_ids=learner_ids,
    )


@dataclass(frozen=True)
class Login:
    user_id: int
    name: bytes
    cookie: str


_SESSION_KEYS: list[str] = []


def logins_create(*, learner_ids: list[int], n: int) -> list[Login]:
    """Sessions as a login writes them (django.contrib.auth.login's keys), through the configured store."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils.crypto import get_random_string

    from teachnet.accounts.models import User

    store = import_module(settings.SESSION_ENGINE).SessionStore
    chosen = random.Random(SEED).sample(learner_ids, min(n, len(learner_ids)))
    out = []
    for user in User.objects.filter(pk__in=chosen).order_by("?"):
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "teachnet.accounts.backends.UsernameOrPhoneBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
        _SESSION_KEYS.append(session.session_key)
        # The CSRF cookie a browser has kept since its first page (the base template's forms ask for it).
        csrf = get_random_string(32)
        cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}; {settings.CSRF_COOKIE_NAME}={csrf}"
        out.append(Login(user.pk, user.real_name.encode(), cookie))
    return out


def logins_forget() -> None:
    """The sessions' copies in the cache (Redis outlives the scratch database and its session table)."""
    from importlib import import_module

    from django.conf import settings

    store = import_module(settings.SESSION_ENGINE).SessionStore
    if _SESSION_KEYS and hasattr(store, "cache_key_prefix"):
        from django.core.cache import caches

        caches[settings.SESSION_CACHE_ALIAS].delete_many([store.cache_key_prefix + k for k in _SESSION_KEYS])
    _SESSION_KEYS.clear()


def queries_per_page(login: Login) -> int:
    """How many queries one page costs, asked in this process through Django's test client."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    for part in login.cookie.split("; "):
        name, value = part.split("=", 1)
        client.cookies[name] = value
    client.get(PAGE_PATH)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(PAGE_PATH)
    assert response.status_code == 200, response.status_code
    return len(queries)


# --- What every served benchmark needs (pages, grading_page, qa_room) --------------------------------------


def require_served_setup(*, script: str, database: str, why: str = "") -> str:
    """DATABASE_URL; or stop with what to do when the front-end packages are missing or it is not
    PostgreSQL."""
    if not (ROOT / "src" / "teachnet" / "static" / "vendor" / "htmx" / "htmx.min.js").exists():
        sys.exit(
            "The pages load front-end packages from npm that are not installed: run `make assets` first."
        )
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        sys.exit(
            f"This benchmark runs against PostgreSQL{', ' + why if why else ''}: "
            f"DATABASE_URL=postgres://postgres@127.0.0.1:5432/{database} .venv/bin/python bench/{script}"
        )
    return database_url


def served_env(*, redis: str | None, **extra: str) -> dict[str, str]:
    """The server's settings, set in this process too: sessions this process writes must be readable by
    gunicorn's, and the static files it collects are the ones gunicorn serves."""
    env = {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_COOKIES": "0",
        "STATIC_ROOT": str(ROOT / "var" / "bench" / "static"),
        "LOG_LEVEL": "WARNING",
        **extra,
    }
    if redis:
        env["REDIS_URL"] = redis
    return env


# --- The load generator -------------------------------------------------------------------------------------

_HEAD_END = b"\r\n\r\n"
_LENGTH = re.compile(rb"\r\ncontent-length:\s*(\d+)", re.IGNORECASE)
_CLOSE = re.compile(rb"\r\nconnection:\s*close", re.IGNORECASE)


class _Connection(asyncio.Protocol):
    """One HTTP/1.1 keep-alive connection: one request at a time, answers read by Content-Length."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.waiter: asyncio.Future | None = None
        self.transport = None

    def connection_made(self, transport) -> None:
        self.transport = transport
        transport.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if self.waiter is None or self.waiter.done():
            return
        end = self.buffer.find(_HEAD_END)
        if end < 0:
            return
        head = bytes(self.buffer[:end])
        length = _LENGTH.search(head)
        if length is None:
            self.waiter.set_exception(ConnectionError("an answer without Content-Length"))
            return
        total = end + 4 + int(length.group(1))
        if len(self.buffer) < total:
            return
        body = bytes(self.buffer[end + 4 : total])
        del self.buffer[:total]
        self.waiter.set_result((int(head[9:12]), body, _CLOSE.search(head) is not None))

    def connection_lost(self, exc) -> None:
        self.transport = None
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(ConnectionError("closed by the server"))

    async def ask(self, request: bytes):
        self.waiter = asyncio.get_running_loop().create_future()
        self.transport.write(request)
        return await self.waiter


@dataclass
class Result:
    label: str
    latencies: list[float] = field(default_factory=list)  # seconds, requests that passed the check
    errors: int = 0
    reconnects: int = 0
    seconds: float = 0.0
    client_cpu: float = 0.0
    first_error: str = ""

    def merge(self, other: "Result") -> None:
        self.latencies += other.latencies
        self.errors += other.errors
        self.reconnects += other.reconnects
        self.seconds += other.seconds
        self.client_cpu += other.client_cpu
        self.first_error = self.first_error or other.first_error

    @property
    def requests(self) -> int:
        return len(self.latencies) + self.errors

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))] * 1000


def _request(path: str, cookie: str) -> bytes:
    return (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: teachnet-bench\r\n"
        f"Accept: text/html,application/xhtml+xml\r\nCookie: {cookie}\r\n\r\n"
    ).encode()


async def _drive(
    *,
    port: int,
    targets: list[tuple[bytes, tuple[bytes, ...]]],
    connections: int,
    warmup: float,
    seconds: float,
    once: bool = False,
) -> Result:
    """Keep `connections` connections busy for warmup + seconds; measure what starts after the warm-up and
    ends within the window. Each request goes to the next target (learner) in turn; with `once`, each target
    is asked once and that is all (to have every learner's page kept before a measured round)."""
    loop = asyncio.get_running_loop()
    result = Result("")
    counter = iter(range(10**12))

    async def connect() -> _Connection:
        _transport, protocol = await loop.create_connection(_Connection, "127.0.0.1", port)
        return protocol

    # One at a time, a few milliseconds apart, so that each gunicorn worker accepts its share of the
    # connections (opened in a burst, the first worker to wake takes most of them, and its learners wait).
    opened = []
    for _ in range(connections):
        opened.append(await connect())
        await asyncio.sleep(0.01)
    measure_from = time.perf_counter() + warmup
    stop_at = measure_from + seconds

    async def one(conn: _Connection) -> None:
        while True:
            n = next(counter)
            if once and n >= len(targets):
                break
            request, expected = targets[n % len(targets)]
            t0 = time.perf_counter()
            if t0 >= stop_at:
                break
            try:
                if conn.transport is None:
                    result.reconnects += 1
                    conn = await connect()
                status, body, close = await conn.ask(request)
            except (ConnectionError, OSError) as exc:
                t1 = time.perf_counter()
                if t0 >= measure_from and t1 <= stop_at:
                    result.errors += 1
                    result.first_error = result.first_error or repr(exc)
                if conn.transport is not None:
                    conn.transport.close()
                conn.transport = None
                continue
            t1 = time.perf_counter()
            if close:
                conn.transport.close()
            if t0 < measure_from or t1 > stop_at:
                continue
            if status == 200 and all(e in body for e in expected):
                result.latencies.append(t1 - t0)
            else:
                result.errors += 1
                result.first_error = (
                    result.first_error or f"status {status}, {len(body)} bytes: {body[:120]!r}"
                )
        if conn.transport is not None:
            conn.transport.close()

    cpu_from = []

    async def client_cpu() -> None:
        await asyncio.sleep(max(0.0, measure_from - time.perf_counter()))
        cpu_from.append(time.process_time())

    await asyncio.gather(client_cpu(), *(one(conn) for conn in opened))
    result.client_cpu = time.process_time() - cpu_from[0]
    result.seconds = min(seconds, time.perf_counter() - measure_from)
    return result


def drive(**kwargs) -> Result:
    return asyncio.run(_drive(**kwargs))


# --- What else ran meanwhile --------------------------------------------------------------------------------


def _jiffies(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])  # utime, stime


def _ours(server_pid: int, database: str) -> list[int]:
    """This process, gunicorn's master and workers, and the PostgreSQL backends of the scratch database."""
    pids = [os.getpid(), server_pid]
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == server_pid or (cmdline.startswith(b"postgres: ") and f" {database} ".encode() in cmdline):
            pids.append(int(entry.name))
    return pids


class CpuWatch:
    """The machine's busy CPU time while measuring, split into ours and everyone else's (Linux /proc): another
    job on the machine shows in the figures, so its share is printed beside them. A context manager, entered
    once per measured stretch; the shares are averaged over all of them, in cores."""

    def __init__(self, server_pid: int, database: str) -> None:
        self.server_pid, self.database = server_pid, database
        self.ours_jiffies = self.others_jiffies = 0
        self.seconds = 0.0

    @staticmethod
    def _machine() -> int:
        # Time in processes (user, nice, system): interrupts (the loopback network's included) and time the
        # hypervisor gave elsewhere (steal) belong to no process, so they are no one's here.
        user, nice, system = (int(v) for v in Path("/proc/stat").read_text().split(maxsplit=4)[1:4])
        return user + nice + system

    def __enter__(self):
        self.start = {p: _jiffies(p) for p in _ours(self.server_pid, self.database)}
        self.started = (self._machine(), time.monotonic())
        return self

    def __exit__(self, *exc) -> None:
        # Processes are looked up again: Django replaces a database connection after CONN_MAX_AGE, and the
        # new backend's time is ours (a backend that ended meanwhile takes its time along, unseen).
        ours = sum(_jiffies(p) - self.start.get(p, 0) for p in _ours(self.server_pid, self.database))
        machine = self._machine() - self.started[0]
        self.seconds += time.monotonic() - self.started[1]
        self.ours_jiffies += ours
        self.others_jiffies += max(0, machine - ours)

    def cores(self, jiffies: int) -> float:
        return jiffies / os.sysconf("SC_CLK_TCK") / max(1e-9, self.seconds)


# --- The run ------------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_ready(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"gunicorn stopped (exit {process.returncode}):\n{log.read_text()[-3000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"gunicorn did not start within 60 s:\n{log.read_text()[-3000:]}")


@dataclass
class Run:
    """One URL measured: its requests, what the answers must hold, and what was measured."""

    label: str
    targets: list
    result: Result
    cpu: CpuWatch
    kind: str = ""  # "kept": every learner's page kept before the round; "first": nothing kept

    @property
    def cpu_ms(self) -> float:
        """Our CPU time (client, gunicorn, PostgreSQL) per request: what the machine pays for one answer,
        which other jobs on the machine disturb much less than the rate."""
        cores = self.cpu.cores(self.cpu.ours_jiffies)
        return cores / self.result.rps * 1000 if self.result.rps else float("nan")


def _measure(args, *, port: int, server_pid: int, scratch: str, logins: list[Login]) -> list[Run]:
    def run(label, path, expected):
        targets = [(_request(path, x.cookie), expected(x)) for x in logins]
        return Run(label, targets, Result(label), CpuWatch(server_pid, scratch))

    from teachnet.core import freshness

    course = COURSE_TITLE.encode()
    runs = [
        run(f"the page {PAGE_PATH}", PAGE_PATH, lambda x: (course, x.name)),
        run("(the page, first views)", PAGE_PATH, lambda x: (course, x.name)),
        run(f"baseline {CEILING_PATH}", CEILING_PATH, lambda x: (b"ok",)),
        run(f"(shell {SHELL_PATH})", SHELL_PATH, lambda x: (x.name,)),
    ]
    runs[0].kind, runs[1].kind = "kept", "first"
    common = {"port": port, "connections": args.connections}
    # Warm-up: each worker's first requests load templates, translations and database connections.
    for r in runs:
        drive(targets=r.targets, warmup=args.warmup / len(runs), seconds=0.5, **common)
    for _ in range(2):  # alternated, so load from elsewhere on the machine hits each alike
        for r in runs:
            if r.kind == "kept":  # each learner has opened the page once since the last change
                drive(targets=r.targets, warmup=0, seconds=3600, once=True, **common)
            with r.cpu:
                if r.kind == "first":  # after a change to a course, class, plan or role: nothing kept
                    freshness.bump()  # and each learner opens the page once
                    r.result.merge(drive(targets=r.targets, warmup=0, seconds=3600, once=True, **common))
                else:
                    r.result.merge(drive(targets=r.targets, warmup=1, seconds=args.seconds / 2, **common))
    return runs


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=3000)
    parser.add_argument("--logins", type=int, default=1000, help="learners logged in and requested in turn")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=20, help="measured per URL, over two rounds")
    parser.add_argument("--warmup", type=float, default=6)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/13", help="REDIS_URL of the server")
    parser.add_argument("--keep-db", action="store_true", help="keep the scratch database")
    parser.add_argument(
        "--reuse-db", action="store_true", help="use the scratch database a --keep-db run left"
    )
    add_arguments(parser, LIMITS)
    args = parser.parse_args()
    verdict = Verdict(LIMITS, args.limit)

    database_url = require_served_setup(script="pages.py", database="test", why="as a province does")
    server_env = served_env(redis=args.redis)
    os.environ.update(server_env)

    import django

    django.setup()
    from django.db import connection

    old_name = connection.settings_dict["NAME"]
    scratch = f"{old_name}_bench_pages"
    connection.settings_dict.setdefault("TEST", {})["NAME"] = scratch
    started = time.perf_counter()
    if args.reuse_db:
        connection.close()
        connection.settings_dict["NAME"] = scratch
        world = world_found()
    else:
        connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False, serialize=False)
        world = build_world(learners=args.learners)
    build_s = time.perf_counter() - started
    load_before = os.getloadavg()[0]
    process = None
    try:
        subprocess.run(
            [sys.executable, "-m", "teachnet.cli", "collectstatic", "--noinput", "-v0"],
            check=True,
            env={**os.environ, "DATABASE_URL": database_url},
        )
        logins = logins_create(learner_ids=world.learner_ids, n=args.logins)
        queries = queries_per_page(logins[0])
        url = urllib.parse.urlsplit(database_url)
        server_env["DATABASE_URL"] = urllib.parse.urlunsplit(url._replace(path="/" + scratch))
        port = _free_port()
        log = ROOT / "var" / "bench" / "pages-gunicorn.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        # gthread, so connections stay open between requests (they wait in each worker's poller, not in a
        # thread). By default two processes, one per core, as the GIL runs one thread of a process at a
        # time; two threads each, so one runs while the other waits on PostgreSQL or Redis. More processes
        # or threads were no faster here, and worse at p95 (docs/benchmarks.md).
        command = [
            sys.executable, "-m", "gunicorn", "pages:server_application()",
            "--pythonpath", str(ROOT / "bench"), "--bind", f"127.0.0.1:{port}",
            "--worker-class", "gthread", "--workers", str(args.workers), "--threads", str(args.threads),
            "--keep-alive", "5", "--timeout", "60", "--log-level", "warning",
        ]  # fmt: skip
        with log.open("w") as out:
            process = subprocess.Popen(command, env={**os.environ, **server_env}, stdout=out, stderr=out)
        _wait_ready(port, process, log)
        runs = _measure(args, port=port, server_pid=process.pid, scratch=scratch, logins=logins)
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=30)
        logins_forget()
        if args.keep_db:
            print(f"(kept the scratch database {scratch})")
        else:
            connection.creation.destroy_test_db(old_name, verbosity=0)
    _report(args, runs=runs, world=world, scratch=scratch, build_s=build_s, queries=queries, load=load_before)
    page = runs[0].result  # the kept page (runs: kept page, first views, ceiling, shell)
    verdict.check("rps", page.rps)
    verdict.check("p95_ms", page.percentile(95))
    verdict.check("errors", page.errors)
    verdict.finish()


def _report(args, *, runs: list[Run], world: World, scratch: str, build_s: float, queries: int, load: float):
    from django.conf import settings
    from django.db import connection

    page, ceiling = runs[0], runs[2]
    sessions = settings.SESSION_ENGINE.rsplit(".", 1)[-1]
    cache = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    print(
        f"database: PostgreSQL {connection.pg_version // 10000}, scratch {scratch} (built in {build_s:.0f} s)"
    )
    print(
        f"world: {world.learners:,} learners in {world.classes} classes (each with a tutor and a plan of "
        f"{world.plan_items // max(1, world.classes)} items), a course of {world.resources} resources in 4 "
        f"modules ({world.course_minutes / 60:.1f} h); ledger: {world.sessions:,} sessions, "
        f"{world.intervals:,} intervals, {world.totals:,} daily totals"
    )
    print(
        f"server: gunicorn gthread, {args.workers} workers x {args.threads} threads, DEBUG off, "
        f"sessions {sessions} on {cache}"
    )
    print(
        f"load: {args.connections} keep-alive connections from this process (asyncio), "
        f"{len(page.targets):,} logged-in learners in turn; {args.warmup:.0f} s warm-up, then "
        f"{args.seconds:.0f} s per URL in two alternating rounds; {queries} queries per page; "
        f"load average before: {load:.2f}"
    )
    head = f"{'':<24}{'requests':>9}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'errors':>7}"
    print(head + f"{'CPU ms/req':>11}{'others':>8}")
    for r in runs:
        res, others = r.result, r.cpu.cores(r.cpu.others_jiffies)
        print(
            f"{r.label:<24}{res.requests:>9,}{res.rps:>8.0f}{res.percentile(50):>8.1f}"
            f"{res.percentile(95):>8.1f}{res.percentile(99):>8.1f}{res.errors:>7}{r.cpu_ms:>11.2f}{others:>8.2f}"
        )
        if res.first_error:
            print(f"    first error: {res.first_error}")
        if res.reconnects:
            print(f"    reconnects: {res.reconnects}")
    print(
        "(CPU ms/req: this client, gunicorn and the PostgreSQL backends of the scratch database, per answer; "
        f"others: cores used meanwhile by everything else on this {os.cpu_count()}-core machine)"
    )
    rate = page.result.rps / ceiling.result.rps if ceiling.result.rps else float("nan")
    print(
        f"ratio to the baseline: {rate:.2f}x its requests a second, "
        f"{page.cpu_ms / ceiling.cpu_ms:.1f}x its CPU per request"
    )


if __name__ == "__main__":
    main()
