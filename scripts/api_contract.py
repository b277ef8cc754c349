"""The API keeps its own contract: schemathesis over /api/schema/ with each demo login (docs/api-contract.md).

    .venv/bin/python scripts/api_contract.py                          # every demo login, 30 examples each
    .venv/bin/python scripts/api_contract.py --logins office,learner --max-examples 3

Builds a demo in a scratch folder as `make demo` does (migrate, `teachnet demo`, gunicorn with DEBUG off) on
its own SQLite file, or on the PostgreSQL database `--database-url` names (which it wipes: never point it at
data you keep), gives each login an API token, and runs `st run` once per login with every check, in the
order given: the logins share the world, each seeing what the ones before it changed. Prints one line per
login and exits 1 if any run found a failure (its whole report is in the scratch folder, kept then).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CONFIG = ROOT / "schemathesis.toml"
# Least powerful first: what the project office deletes last, the others have seen.
LOGINS = ["learner", "tutor", "expert", "provider", "sz_lead", "gz_lead", "gd_lead", "office"]
PHASES = "examples,coverage,fuzzing,stateful"


def _environment(var_dir: Path, database_url: str | None, host: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR"}}
    env.update(
        TEACHNET_VAR_DIR=str(var_dir),
        SECRET_KEY=secrets.token_urlsafe(50),
        DEBUG="0",
        ALLOWED_HOSTS=f"{host},localhost",
        SECURE_COOKIES="0",
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _run(args: list[str], env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, env=env, check=True, text=True, **kwargs)  # noqa: S603


def _tokens(env: dict[str, str], logins: list[str]) -> dict[str, str]:
    code = (
        "import json\n"
        "from rest_framework.authtoken.models import Token\n"
        "from teachnet.accounts.models import User\n"
        f"names = {logins!r}\n"
        "print(json.dumps({n: Token.objects.get_or_create(user=User.objects.get(username=n))[0].key"
        " for n in names}))\n"
    )
    out = _run([str(BIN / "teachnet"), "shell", "-c", code], env, capture_output=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def _ensure_database(database_url: str) -> None:
    import dj_database_url
    import psycopg

    db = dj_database_url.parse(database_url)
    if db["NAME"] in {"", "postgres", "template0", "template1"}:
        raise SystemExit(f"{database_url}: name a database of its own, which this wipes")
    server = {k: db[k.upper()] for k in ("host", "port", "user", "password") if db.get(k.upper())}
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]).fetchone():
            conn.execute(f'CREATE DATABASE "{db["NAME"]}"')


def _wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310 (our own server, http)
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def _summary(output: str) -> str:
    cases = re.search(r"(\d+) generated, (.*)", output)
    last = [line for line in output.splitlines() if re.fullmatch(r"=+ .* =+", line)]
    return f"{cases.group(0) if cases else 'no test cases'}; {last[-1].strip('= ') if last else '?'}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logins", default=",".join(LOGINS), help="comma-separated demo logins, in order")
    parser.add_argument("--max-examples", type=int, default=30, help="per operation and phase")
    parser.add_argument("--phases", default=PHASES)
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--workers", default="2", help="schemathesis workers")
    parser.add_argument("--learners", type=int, default=200, help="learners the demo creates")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8390)
    parser.add_argument("--database-url", help="a PostgreSQL database to wipe and use (default: SQLite)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    parser.add_argument("st_args", nargs="*", help="more `st run` options, after --")
    options = parser.parse_args(argv)
    logins = [name for name in options.logins.split(",") if name]

    scratch = Path(tempfile.mkdtemp(prefix="teachnet-api-contract-"))
    env = _environment(scratch / "var", options.database_url, options.host)
    url = f"http://{options.host}:{options.port}"
    teachnet = str(BIN / "teachnet")
    server = None
    failed = False
    try:
        if options.database_url:
            _ensure_database(options.database_url)
        _run([teachnet, "migrate", "--noinput", "-v0"], env)
        if options.database_url:
            _run([teachnet, "flush", "--noinput", "-v0"], env)  # what an earlier run left
        _run([teachnet, "demo", f"--learners={options.learners}", "--url", url], env, capture_output=True)
        tokens = _tokens(env, logins)
        server = subprocess.Popen(  # noqa: S603
            [str(BIN / "gunicorn"), "teachnet.wsgi:application", "--bind", f"{options.host}:{options.port}"]
            + ["--workers", "2", "--threads", "2", "--graceful-timeout", "5"],
            env=env,
            stdout=open(scratch / "gunicorn.log", "w"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
        )
        _wait_for(f"{url}/api/schema/")
        for name in logins:
            started = time.monotonic()
            command = [
                str(BIN / "st"),
                "--config-file",
                str(CONFIG),
                "--no-color",
                "run",
                f"{url}/api/schema/",
            ]
            command += [f"--phases={options.phases}", "--max-examples", str(options.max_examples)]
            command += ["--checks", "all", "--seed", str(options.seed), "--workers", options.workers]
            command += ["-H", f"Authorization: Token {tokens[name]}", *options.st_args]
            # In the scratch folder: schemathesis keeps its example database and crash files where it runs.
            result = subprocess.run(command, cwd=scratch, env=env, text=True, capture_output=True)  # noqa: S603
            (scratch / f"st-{name}.txt").write_text(result.stdout + result.stderr, encoding="utf-8")
            failed |= result.returncode != 0
            verdict = "ok" if result.returncode == 0 else f"FAILED (exit {result.returncode})"
            print(
                f"{name}: {verdict}: {_summary(result.stdout)} ({time.monotonic() - started:.0f} s)",
                flush=True,
            )
            if result.returncode != 0:
                print(result.stdout[result.stdout.find("FAILURES") :][:20000])
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        if options.keep or failed:
            print(f"scratch folder: {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
