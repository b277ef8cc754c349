"""Benchmark: checking, marking and approving a 100,000-row trainee roster (REP-3, REP-4).

    .venv/bin/python bench/roster_import.py [--rows 100000]       # SQLite (a scratch test database)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/teachnet .venv/bin/python bench/roster_import.py

The file (广州市 440100, 初中数学, written once with openpyxl write-only, kept under var/bench/) is what
a city sends: numbers typed as numbers, some full-width digits, lower-case x, short county names, blanks,
and about 1 % rows with real mistakes. From one run it prints (a) python-calamine alone reading the
sheet to Python (open, get the sheet, to_python; best of 3), (b) roster_check on the same file (best of 3),
their ratio, the peak RSS of the process after the check, the time to write the marked copy of that file,
and the time approval takes once the valid rows are saved as an approved table: accounts, roles and
enrollments for every person (submission_enroll, in batches) and an activation code for every new account,
against Moodle 5.0's bulk upload of users at 111 users/s on the same kind of machine. Then one PASS/FAIL
line per limit below; exits 1 when one is missed (`--limit NAME=VALUE` sets one for a run).
"""

import argparse
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

from verdict import Limit, Verdict, add_arguments

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "teachnet.settings")
os.environ.setdefault("DEBUG", "1")

LIMITS = {
    # REP-3: the check costs at most three times reading the sheet with calamine alone.
    "check_ratio": Limit("<=", 3, "roster_check against python-calamine alone", "x"),
    "check_rss_mib": Limit("<=", 1024, "peak RSS of the check", " MiB"),
    "marked_s": Limit("<=", 6, "marked copy of the file, every error marked", " s"),
    # REP-4: accounts, roles, enrollments and activation codes, once the approved table's rows exist.
    "approve_s": Limit("<=", 10, "approval: accounts, roles, enrollments, activation codes", " s"),
    "moodle_ratio": Limit(">=", 100, "approval against Moodle 5.0's bulk upload (111 users/s)", "x"),
}
MOODLE_USERS_PER_S = 111  # Moodle 5.0's admin/tool/uploaduser on the same kind of machine (issue 19)
GENERATOR_VERSION = 1
COUNTY_CODES = {
    "荔湾区": "440103", "越秀区": "440104", "海珠区": "440105", "天河区": "440106", "白云区": "440111",
    "黄埔区": "440112", "番禺区": "440113", "花都区": "440114", "南沙区": "440115", "从化区": "440117",
    "增城区": "440118",
}  # fmt: skip
COUNTIES = list(COUNTY_CODES)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红鹏晓建国志文斌宇浩凯婷雪琳晨欣怡子涵梓轩"
TITLES = ["中学高级", "中学一级", "中学二级", "一级教师", "高级教师", "二级教师", "未评"]
POSITIONS = ["教师", "教师", "教师", "班主任", "教研组长", "年级组长", "备课组长", ""]
ETHNIC = ["汉族"] * 95 + ["壮族", "瑶族", "畲族", "回族", "满族"]


def bench_file(rows: int) -> Path:
    return ROOT / "var" / "bench" / f"roster_trainee_{rows}_v{GENERATOR_VERSION}.xlsx"


def generate(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    from teachnet.core.identity import id_check_char
    from teachnet.reporting.columns import TRAINEE_COLUMNS

    rnd = random.Random(2011)
    schools = [f"广州市{c[:-1]}区第{n}中学" for c in COUNTIES for n in range(1, 80)] + [
        f"广州市{c}{name}学校" for c in COUNTIES for name in ("实验", "外国语", "育才", "培英", "执信")
    ]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("学员信息表")
    ws.append(list(TRAINEE_COLUMNS))
    seen_ids: list[str] = []
    for i in range(rows):
        county = rnd.choice(COUNTIES)
        male = rnd.random() < 0.35
        born = f"{rnd.randint(1962, 1996)}{rnd.randint(1, 12):02d}{rnd.randint(1, 28):02d}"
        seq = rnd.randrange(0, 500) * 2 + (1 if male else 0)
        first17 = f"{COUNTY_CODES[county]}{born}{seq:03d}"
        number = first17 + id_check_char(first17)
        phone = f"1{rnd.choice('3578')}{rnd.randint(0, 999999999):09d}"
        row = [
            i + 1,
            rnd.choice(SURNAMES) + "".join(rnd.choice(GIVEN) for _ in range(rnd.choice((1, 2, 2)))),
            "男" if male else "女",
            rnd.choice(ETHNIC),
            number,
            int(phone) if rnd.random() < 0.5 else phone,  # half typed as numbers, as Excel keeps them
            f"{rnd.randint(10000, 999999999)}@qq.com" if rnd.random() < 0.7 else "",
            county,
            rnd.choice(schools),
            "初中",
            "数学",
            rnd.choice(TITLES),
            rnd.choice(POSITIONS),
            "",
        ]
        r = rnd.random()
        # Things people type that must pass.
        if r < 0.02:
            row[4] = number.lower() if number.endswith("X") else f" {number} "
        elif r < 0.03:
            row[4] = "".join(chr(ord(c) + 0xFEE0) for c in number)
        elif r < 0.05:
            row[7] = county[:-1]
        elif r < 0.06:
            row[7] = COUNTY_CODES[county]
        # About 1 % of real mistakes.
        elif r < 0.062:
            row[4] = first17 + ("0" if number[-1] != "0" else "1")  # wrong check digit
        elif r < 0.064:
            row[4] = number[:6] + number[8:17]  # the old 15-digit number
        elif r < 0.066:
            row[5] = phone[:10]
        elif r < 0.068:
            row[2] = "女" if male else "男"
        elif r < 0.070:
            row[7] = "南山区"  # Shenzhen
        elif r < 0.072 and seen_ids:
            row[4] = rnd.choice(seen_ids)  # the same teacher twice
        elif r < 0.074:
            row[6] = "abc@"
        elif r < 0.076:
            row[1] = ""
        if rnd.random() < 0.01:
            seen_ids.append(number)
        ws.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    wb.save(tmp)
    tmp.rename(path)


def _proc_stat(pid: int) -> list[str]:
    # After the command name: [0] state, [1] ppid, [11] utime, [12] stime, [13] cutime, [14] cstime.
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def backend_cpu_s() -> float:
    """CPU seconds the PostgreSQL server on this machine has used, read from /proc: its processes alive now
    and, through the postmaster's count of its reaped children, the connections already closed (approval's
    parallel batches each use a connection of their own). NaN elsewhere. It counts whatever else uses the
    server meanwhile: on a shared machine, CPU time still says more than wall time."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return float("nan")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    try:
        postmaster = int(_proc_stat(backend)[1])
        ticks = sum(int(v) for v in _proc_stat(postmaster)[11:15])
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = _proc_stat(int(entry.name))
                except OSError:
                    continue
                if int(fields[1]) == postmaster:
                    ticks += int(fields[11]) + int(fields[12])
    except OSError:
        return float("nan")
    return ticks / os.sysconf("SC_CLK_TCK")


def calamine_read(path: Path) -> int:
    from python_calamine import CalamineWorkbook

    with CalamineWorkbook.from_path(str(path)) as wb:
        return len(wb.get_sheet_by_index(0).to_python())


def approve(result) -> tuple[int, float]:
    """REP-4 on the checked file: save its rows as an approved table, then time what approval does (accounts,
    roles, enrollments, and an activation code for every new account). Returns (people, seconds)."""
    from teachnet.accounts.models import User
    from teachnet.accounts.services import activation_codes_issue
    from teachnet.core.bulk import bulk_insert
    from teachnet.orgs.models import Organization
    from teachnet.reporting.models import Submission, SubmissionRow
    from teachnet.reporting.services import _row, submission_enroll
    from teachnet.training.catalog import GP2011_SUBJECTS
    from teachnet.training.models import Project
    from teachnet.training.services import subjects_ensure

    office = Organization.objects.create(name="基准测试项目办", type="project_office", region_id="110000")
    project = Project.objects.create(name="基准测试项目", year=2011, office=office)
    subjects_ensure(project=project, specs=GP2011_SUBJECTS)
    math = project.subjects.get(stage="初中", name="数学")
    table = Submission.objects.create(
        project=project,
        kind="trainee",
        region_id="440100",
        subject=math,
        state=Submission.State.APPROVED,
        row_count=len(result.valid_rows),
    )
    started = time.perf_counter()
    bulk_insert(SubmissionRow, (_row(table, r) for r in result.valid_rows))
    save_s = time.perf_counter() - started
    cpu, db_cpu = time.process_time(), backend_cpu_s()
    started = time.perf_counter()
    enrolled = submission_enroll(submission=table)
    enroll_s = time.perf_counter() - started
    started = time.perf_counter()
    codes = activation_codes_issue(
        users=User.objects.filter(activated_at__isnull=True).only("pk"), issued_by=None
    )
    codes_s = time.perf_counter() - started
    cpu, db_cpu = time.process_time() - cpu, backend_cpu_s() - db_cpu
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    total = enroll_s + codes_s
    print(f"save the table's {len(result.valid_rows)} rows (encrypt, hash, insert; not timed as approval): "
          f"{save_s:.2f} s")  # fmt: skip
    print(
        f"approve: accounts {enrolled.accounts_created} created / {enrolled.accounts_matched} matched, "
        f"{enrolled.enrolled} enrolled: {enroll_s:.2f} s; "
        f"activation codes for {len(codes)}: {codes_s:.2f} s; "
        f"total {total:.2f} s = {enrolled.people / total:.0f} people/s (Moodle 5.0's upload at "
        f"{MOODLE_USERS_PER_S} users/s would take {enrolled.people / MOODLE_USERS_PER_S:.0f} s)"
    )
    print(f"approval CPU: this process {cpu:.2f} s, the PostgreSQL server {db_cpu:.2f} s (all its processes)")
    print(f"peak RSS after approval: {rss / 1024:.0f} MiB")
    return enrolled.people, total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--generate-only", action="store_true", help=argparse.SUPPRESS)
    add_arguments(parser, LIMITS)
    args = parser.parse_args()
    verdict = Verdict(LIMITS, args.limit)

    import django

    django.setup()
    path = bench_file(args.rows)
    if args.generate_only:
        generate(path, args.rows)
        return
    if not path.exists():
        # In a child process, so the generator's memory does not count in this run's peak.
        print(f"generating {path} ({args.rows} rows) …", flush=True)
        subprocess.run([sys.executable, __file__, "--rows", str(args.rows), "--generate-only"], check=True)

    from django.db import connection

    old_name = connection.settings_dict["NAME"]
    # A scratch database of its own: the default test name is the one pytest --reuse-db keeps.
    test = connection.settings_dict.setdefault("TEST", {})
    if connection.vendor == "sqlite":
        test["NAME"] = str(Path(old_name).with_name("bench_roster.sqlite3"))
    else:
        test["NAME"] = f"{old_name}_bench_roster"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        from teachnet.orgs.models import Region
        from teachnet.orgs.services import regions_load
        from teachnet.reporting.roster_check import roster_check
        from teachnet.reporting.roster_marked import write_marked_copy
        from teachnet.training.catalog import subject_by_label

        regions_load()
        city = Region.objects.get(code="440100")
        subject = subject_by_label("初中数学")
        calls = []

        def taken_elsewhere(hashes):
            # The caller's DB query is not part of the check; one call with every hash is.
            calls.append(len(hashes))
            return set(hashes[:50])

        def check():
            return roster_check(
                path=path,
                kind="trainee",
                scope=city,
                subject=subject,
                quota=args.rows,
                taken_elsewhere=taken_elsewhere,
            )

        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        # The check's own peak first: ru_maxrss only ever grows, and calamine's to_python of the whole sheet
        # (the baseline) would otherwise set it.
        check()
        rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        calls.clear()
        # Alternate the two so that load from elsewhere on the machine hits both alike.
        calamine_s = check_s = None
        for _ in range(3):
            started = time.perf_counter()
            read_rows = calamine_read(path)
            elapsed = time.perf_counter() - started
            calamine_s = elapsed if calamine_s is None else min(calamine_s, elapsed)
            started = time.perf_counter()
            result = check()
            elapsed = time.perf_counter() - started
            check_s = elapsed if check_s is None else min(check_s, elapsed)
        codes = {}
        for error in result.errors:
            codes[error.code] = codes.get(error.code, 0) + 1

        marked = path.with_name("roster_marked.xlsx")
        started, cpu = time.perf_counter(), time.process_time()
        write_marked_copy(check=result, path_in=path, path_out=marked)
        marked_s, marked_cpu = time.perf_counter() - started, time.process_time() - cpu
        rss_after_marked = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

        size_mb = path.stat().st_size / 1024 / 1024
        print(f"database: {connection.vendor}")
        print(f"file: {path.name}, {size_mb:.1f} MB, {read_rows - 1} data rows")
        print(f"(a) python-calamine alone, open + sheet + to_python: {calamine_s:.2f} s (best of 3)")
        print(
            f"(b) roster_check: {check_s:.2f} s (best of 3); {result.rows} rows, "
            f"{len(result.errors)} errors, "
            f"{len(result.valid_rows)} valid; taken_elsewhere called {len(calls) // 3} time(s) per check"
        )
        print(f"    errors by code: {dict(sorted(codes.items(), key=lambda kv: -kv[1]))}")
        print(f"ratio: {check_s / calamine_s:.2f}x calamine")
        print(
            f"peak RSS of the check: {rss_peak / 1024:.0f} MiB "
            f"({rss_before / 1024:.0f} MiB before reading the file)"
        )
        print(
            f"marked copy ({len(result.errors)} errors marked): {marked_s:.2f} s ({marked_cpu:.2f} s CPU); "
            f"peak RSS then {rss_after_marked / 1024:.0f} MiB"
        )
        marked.unlink(missing_ok=True)
        people, approve_s = approve(result)
        verdict.check("check_ratio", check_s / calamine_s, f"{check_s:.2f} s against {calamine_s:.2f} s")
        verdict.check("check_rss_mib", rss_peak / 1024)
        verdict.check("marked_s", marked_s, f"{len(result.errors)} errors")
        verdict.check("approve_s", approve_s, f"{people} people, {people / approve_s:.0f}/s")
        verdict.check("moodle_ratio", people / approve_s / MOODLE_USERS_PER_S)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    verdict.finish()


if __name__ == "__main__":
    main()
