"""Benchmark: issuing accounts in bulk (ORG-4) and loading the division codes (ORG-1).

    .venv/bin/python bench/accounts_issue.py [--accounts 20000]            # SQLite (a scratch test database)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/accounts_issue.py

Prints, from one run: the time to load every region twice (first load, then the idempotent re-run), the time
to issue N accounts with activation codes, and the baseline it replaces: Django's default password hasher
timed on this machine, times N (what "a password per account" would cost), then one PASS/FAIL line per
limit below; exits 1 when one is missed (`--limit NAME=VALUE` sets one for a run).
"""

import argparse
import os
import sys
import time
from pathlib import Path

from verdict import Limit, Verdict, add_arguments

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "teachnet.settings")
os.environ.setdefault("DEBUG", "1")

LIMITS = {
    # ORG-1: the whole division table loads in under 10 s.
    "regions_s": Limit("<", 10, "loadregions, every region", " s"),
    # ORG-4: activation codes, not a password hashed per account; at least 100x what hashing would cost.
    "ratio": Limit(">=", 100, "bulk issue against one PBKDF2 hash per account", "x"),
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=20000)
    parser.add_argument("--hash-samples", type=int, default=10)
    add_arguments(parser, LIMITS)
    args = parser.parse_args()
    verdict = Verdict(LIMITS, args.limit)

    import django

    django.setup()
    from django.contrib.auth.hashers import PBKDF2PasswordHasher
    from django.db import connection

    old_name = connection.settings_dict["NAME"]
    # A scratch database of its own: the default test name is the one pytest --reuse-db keeps.
    test = connection.settings_dict.setdefault("TEST", {})
    if connection.vendor == "sqlite":
        test["NAME"] = str(Path(old_name).with_name("bench_accounts.sqlite3"))
    else:
        test["NAME"] = f"{old_name}_bench_accounts"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        from teachnet.accounts.services import NewPerson, accounts_issue
        from teachnet.core.identity import id_check_char
        from teachnet.orgs.models import Organization, Region
        from teachnet.orgs.services import regions_load

        started = time.perf_counter()
        first = regions_load()
        load_s = time.perf_counter() - started
        started = time.perf_counter()
        regions_load()
        reload_s = time.perf_counter() - started

        school = Organization.objects.create(
            name="基准测试学校", type="school", region=Region.objects.get(code="440106")
        )
        people = []
        for i in range(args.accounts):
            first17 = f"44{i // 1000 % 100:02d}06{1970 + i % 30}0{1 + i % 9}{10 + i % 18}{i % 1000:03d}"
            people.append(
                NewPerson(
                    real_name=f"教师{i}",
                    phone=f"13{i:09d}",
                    id_card=first17 + id_check_char(first17),
                    organization_id=school.pk,
                    region_id="440106",
                )
            )
        started = time.perf_counter()
        issued = accounts_issue(people=people, issued_by=None)
        issue_s = time.perf_counter() - started
        assert len(issued) == args.accounts

        hasher = PBKDF2PasswordHasher()
        started = time.perf_counter()
        for n in range(args.hash_samples):
            hasher.encode(f"password-{n}", hasher.salt())
        per_hash = (time.perf_counter() - started) / args.hash_samples
        baseline = per_hash * args.accounts

        print(f"database: {connection.vendor}")
        print(f"loadregions: {first.created} regions in {load_s:.2f} s; re-run (idempotent) {reload_s:.2f} s")
        print(
            f"issue {args.accounts} accounts with activation codes: {issue_s:.2f} s "
            f"({args.accounts / issue_s:.0f} accounts/s)"
        )
        print(
            f"baseline, one {hasher.algorithm} hash ({hasher.iterations} iterations) per account: "
            f"{per_hash * 1000:.0f} ms each -> {baseline:.0f} s for {args.accounts} "
            f"({baseline * 100000 / args.accounts / 3600:.1f} h for 100,000)"
        )
        print(f"ratio: bulk issue is {baseline / issue_s:.0f}x faster than hashing a password per account")
        verdict.check("regions_s", load_s)
        verdict.check("ratio", baseline / issue_s)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    verdict.finish()


if __name__ == "__main__":
    main()
