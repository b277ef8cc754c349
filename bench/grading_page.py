"""Benchmark: a tutor's grading page (homework:grade) for a class of 100 submissions, served by gunicorn from
PostgreSQL to 32 keep-alive connections (issue 11, "Speed": at least 300 requests a second, p95 under 100 ms).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME .venv/bin/python bench/grading_page.py
        [--classes 10] [--seconds 20] [--connections 32] [--workers 2] [--threads 2]

One run: a scratch PostgreSQL database (`<name>_bench_grading`, never the one pytest reuses), migrated, with
the world of bench/homework_world.py: one assignment of a subject's expert team with a rubric of four
criteria, --classes classes of 100 learners, every learner's submission of about 1,500 characters (seeded
generator), half of them graded through the service, a few planted copies flagged by the full re-check. Each
class's tutor is logged in (sessions written through the configured store, as a login does), and the page
is asked for in turn for every tutor and every submission of their class (`?s=<id>`: the list of the 100,
the work, the rubric with the levels chosen, the copy flag and the next/previous links), each answer checked
to be 200 and to name that learner.

The server, the load generator, the CPU accounting and the baseline are bench/pages.py's (imported, not
copied): gunicorn gthread on the production WSGI application with production settings (DEBUG off, Redis
for the cache and sessions), and pages.py's baseline, a trivial view answering a logged-in user through the
same middleware. Prints requests a second, p50/p95/p99, errors, CPU per request, the ratio to the baseline
and a PASS/FAIL line per limit; exits 1 when one is missed.
"""

import argparse
import os
import random
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

from pages import (
    CEILING_PATH,
    CpuWatch,
    Result,
    Run,
    _free_port,
    _request,
    _wait_ready,
    drive,
    logins_create,
    logins_forget,
    require_served_setup,
    served_env,
)
from verdict import Limit, Verdict, add_arguments

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "teachnet.settings")

LIMITS = {
    "rps": Limit(">=", 300, "the grading page, requests a second", "/s"),
    "p95_ms": Limit("<", 100, "the grading page, latency p95", " ms"),
    "errors": Limit("<=", 0, "the grading page, errors"),
}
PER_CLASS = 100
SEED = 2010


def world_build(classes: int):
    from homework_world import build

    from teachnet.homework import services, textgen
    from teachnet.homework.models import Assignment, Submission

    rnd = random.Random(SEED)
    texts, planted = [], []
    for i in range(classes * PER_CLASS):
        if i % 97 == 50:
            texts.append(textgen.copy_synonyms(texts[i - 7], rnd))
            planted.append((i - 7, i))
        else:
            texts.append(textgen.essay(rnd, chars=1500))
    world = build(classes=classes, per_class=PER_CLASS, texts=texts, planted_pairs=planted)
    assignment = Assignment.objects.get(pk=world.assignment_id)
    services.similarity_recheck(assignment=assignment)
    from teachnet.accounts.models import User

    by_id = User.objects.in_bulk(world.tutor_ids)
    criteria = assignment.criteria
    subs = list(Submission.objects.filter(assignment=assignment).select_related("training_class"))
    for n, s in enumerate(subs):
        if n % 2:
            continue
        levels = {c["key"]: c["levels"][rnd.randrange(len(c["levels"]))]["key"] for c in criteria}
        services.submission_grade(
            actor=by_id[s.training_class.tutor_id], submission=s, levels=levels,
            comment="目标明确，过程完整。", version=s.version,
        )  # fmt: skip
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("CHECKPOINT")
    return world


def targets_for(world, logins):
    """(request, what the answer must hold) for every tutor and every submission of their class."""
    from teachnet.homework.models import Submission
    from teachnet.training.models import TrainingClass

    class_of = dict(TrainingClass.objects.filter(pk__in=world.class_ids).values_list("tutor_id", "pk"))
    out = []
    for login in logins:
        class_id = class_of[login.user_id]
        path = f"/homework/a/{world.assignment_id}/grade/{class_id}/"
        for pk, name in Submission.objects.filter(training_class_id=class_id).values_list(
            "pk", "learner__real_name"
        ):
            expected = (b'data-testid="grading"', f'data-testid="current-learner">{name}'.encode())
            out.append((_request(f"{path}?s={pk}", login.cookie), expected))
    random.Random(SEED).shuffle(out)
    return out


def classes_changed(world) -> None:
    """What a grade saved in each class does to its kept grading pages (services._grading_moved)."""
    from django.core.cache import cache

    from teachnet.homework.selectors import grading_generation_key

    cache.delete_many([grading_generation_key(world.assignment_id, c) for c in world.class_ids])


def queries_per_page(target, world) -> tuple[int, int]:
    """How many queries the page costs built (first view) and kept, asked in this process through Django's
    test client."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    request = target[0].decode()
    path = request.split(" ", 2)[1]
    cookie = next(line for line in request.split("\r\n") if line.startswith("Cookie: "))[8:]
    client = Client(HTTP_HOST="127.0.0.1")
    for part in cookie.split("; "):
        name, value = part.split("=", 1)
        client.cookies[name] = value
    client.get(path)
    counts = []
    for changed in (True, False):
        if changed:
            classes_changed(world)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, response.status_code
        counts.append(len(queries))
    return counts[0], counts[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--classes", type=int, default=10, help="classes of 100, each with its tutor logged in"
    )
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=20, help="measured, over two rounds")
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/11", help="REDIS_URL of the server")
    parser.add_argument("--port", type=int, default=0, help="gunicorn's port (default: any free one)")
    add_arguments(parser, LIMITS)
    args = parser.parse_args()
    verdict = Verdict(LIMITS, args.limit)

    database_url = require_served_setup(script="grading_page.py", database="NAME")
    server_env = served_env(redis=args.redis)
    os.environ.update(server_env)

    import django

    django.setup()
    from django.db import connection

    old_name = connection.settings_dict["NAME"]
    scratch = f"{old_name}_bench_grading"
    connection.settings_dict.setdefault("TEST", {})["NAME"] = scratch
    started = time.perf_counter()
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False, serialize=False)
    process = None
    try:
        world = world_build(args.classes)
        build_s = time.perf_counter() - started
        subprocess.run(
            [sys.executable, "-m", "teachnet.cli", "collectstatic", "--noinput", "-v0"],
            check=True,
            env={**os.environ, "DATABASE_URL": database_url},
        )
        logins = logins_create(learner_ids=world.tutor_ids, n=len(world.tutor_ids))
        targets = targets_for(world, logins)
        queries = queries_per_page(targets[0], world)
        url = urllib.parse.urlsplit(database_url)
        server_env["DATABASE_URL"] = urllib.parse.urlunsplit(url._replace(path="/" + scratch))
        port = args.port or _free_port()
        log = ROOT / "var" / "bench" / "grading-gunicorn.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        command = [
            sys.executable, "-m", "gunicorn", "pages:server_application()",
            "--pythonpath", str(ROOT / "bench"), "--bind", f"127.0.0.1:{port}",
            "--worker-class", "gthread", "--workers", str(args.workers), "--threads", str(args.threads),
            "--keep-alive", "5", "--timeout", "60", "--log-level", "warning",
        ]  # fmt: skip
        with log.open("w") as out:
            process = subprocess.Popen(command, env={**os.environ, **server_env}, stdout=out, stderr=out)
        _wait_ready(port, process, log)
        load = os.getloadavg()[0]
        page = Run("the page, kept", targets, Result("page"), CpuWatch(process.pid, scratch), kind="kept")
        first = Run(
            "(the page, first views)", targets, Result("first"), CpuWatch(process.pid, scratch), kind="first"
        )
        ceiling = Run(
            f"baseline {CEILING_PATH}",
            [(_request(CEILING_PATH, x.cookie), (b"ok",)) for x in logins],
            Result("ceiling"),
            CpuWatch(process.pid, scratch),
        )
        runs = [page, first, ceiling]
        common = {"port": port, "connections": args.connections}
        for r in runs:  # warm-up: templates, translations, database connections in each worker
            drive(targets=r.targets, warmup=args.warmup / len(runs), seconds=0.5, **common)
        for _ in range(2):  # alternated, so load from elsewhere on the machine hits each alike
            for r in runs:
                if r.kind == "kept":  # every tutor has opened each page once since the class last changed
                    drive(targets=r.targets, warmup=0, seconds=3600, once=True, **common)
                with r.cpu:
                    if r.kind == "first":  # after a grade saved in every class: nothing kept
                        classes_changed(world)
                        r.result.merge(drive(targets=r.targets, warmup=0, seconds=3600, once=True, **common))
                    else:
                        r.result.merge(drive(targets=r.targets, warmup=1, seconds=args.seconds / 2, **common))
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=30)
        logins_forget()
        connection.creation.destroy_test_db(old_name, verbosity=0)

    print(
        f"database: PostgreSQL {connection.pg_version // 10000}, scratch {scratch} (built in {build_s:.0f} s)"
    )
    print(
        f"world: {args.classes} classes of {PER_CLASS} submissions (about 1,500 characters each), "
        f"half graded, "
        f"copies flagged; {len(targets):,} grading pages (every tutor, every submission) asked in turn; "
        f"{queries[0]} queries per page built, {queries[1]} kept"
    )
    print(
        f"server: gunicorn gthread, {args.workers} workers x {args.threads} threads, DEBUG off; "
        f"{args.connections} keep-alive connections; load average before: {load:.2f}"
    )
    print(
        f"{'':<28}{'requests':>9}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'errors':>7}"
        f"{'CPU ms/req':>11}{'others':>8}"
    )
    for r in runs:
        res, others = r.result, r.cpu.cores(r.cpu.others_jiffies)
        print(
            f"{r.label:<28}{res.requests:>9,}{res.rps:>8.0f}{res.percentile(50):>8.1f}{res.percentile(95):>8.1f}"
            f"{res.percentile(99):>8.1f}{res.errors:>7}{r.cpu_ms:>11.2f}{others:>8.2f}"
        )
        if res.first_error:
            print(f"    first error: {res.first_error}")
    rate = page.result.rps / ceiling.result.rps if ceiling.result.rps else float("nan")
    print(
        f"ratio to the baseline: {rate:.2f}x its requests a second, "
        f"{page.cpu_ms / ceiling.cpu_ms:.1f}x its CPU per request"
    )
    verdict.check("rps", page.result.rps)
    verdict.check("p95_ms", page.result.percentile(95))
    verdict.check("errors", page.result.errors)
    verdict.finish()


if __name__ == "__main__":
    main()
